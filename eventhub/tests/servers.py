"""Real servers for the fault tests: gunicorn (production settings) on the test database, buyers in threads.

Each server's database connections carry an `application_name` of their own,
so a test can cut exactly those (PostgreSQL is shared with other test runs).
"""

import contextlib
import secrets
import socket
import threading
import time
from urllib.parse import quote

import requests
from django.conf import settings
from django.db import connection

from bench import harness


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(application_name: str) -> str:
    """Return the test database's URL, its connections named `application_name`."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (f"postgresql://{quote(db['USER'] or 'postgres')}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}?application_name={application_name}")


_var_dir: dict = {}


def _var_dir_with_static() -> str:
    """Return a VAR_DIR with the static files collected, made once per test run."""
    if "var" not in _var_dir:
        _var_dir["var"] = harness.var_dir_with_static(database_url("eh_collectstatic"))
    return _var_dir["var"]


@contextlib.contextmanager
def gunicorn(*, workers: int = 2, threads: int = 4, port: int | None = None, **env: str):
    """Serve the app on the test database with gunicorn; yield the `harness.Server` (with `.application_name`)."""
    application_name = f"eh_fault_{secrets.token_hex(4)}"
    port = port or free_port()
    env.setdefault("VAR_DIR", _var_dir_with_static())
    server = harness.start_server(url=None, port=port, workers=workers, threads=threads, env={
        "DATABASE_URL": database_url(application_name),
        # Tokens and QR codes made by the test process are the server's own.
        "SECRET_KEY": settings.SECRET_KEY, "QR_SIGNING_KEYS": ",".join(settings.QR_SIGNING_KEYS),
        "SITE_URL": f"http://127.0.0.1:{port}", "GUNICORN_GRACEFUL_TIMEOUT": "2", "GUNICORN_MAX_REQUESTS": "0",
        **env,
    })
    server.application_name = application_name
    try:
        yield server
    finally:
        server.stop()


def wait_until_serving(url: str, *, workers: int | None = None, server=None, timeout: float = 30) -> None:
    """Wait until /healthz answers 200 (and the master runs `workers` workers again)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200 and (
                    workers is None or len(server.worker_pids()) == workers):
                return
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, "the server did not serve again"
        time.sleep(0.2)


class Sale:
    """Buyers posting `{ticket}` from threads; a buyer answered 503 or cut off tries again, as a person would."""

    def __init__(self, url: str, ticket, tokens: list[str], *, threads: int = 8, timeout: float = 90):
        self.url, self.ticket, self.tokens = url, ticket, tokens
        self.answers: list[list[tuple]] = [[] for _ in tokens]  # per buyer: (status, code, time)
        self._next, self._lock = 0, threading.Lock()
        self._deadline = time.monotonic() + timeout
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def start(self) -> "Sale":
        for thread in self._threads:
            thread.start()
        return self

    def answered(self) -> int:
        return sum(1 for answers in self.answers if answers)

    def wait_for(self, answered: int) -> None:
        while self.answered() < answered:
            assert time.monotonic() < self._deadline, "the sale stalled"
            time.sleep(0.02)

    def join(self) -> None:
        for thread in self._threads:
            thread.join(max(self._deadline - time.monotonic(), 0) + 5)
        assert not any(t.is_alive() for t in self._threads), "the sale did not finish"

    def _run(self) -> None:
        session = requests.Session()
        while True:
            with self._lock:
                buyer, self._next = self._next, self._next + 1
            if buyer >= len(self.tokens):
                return
            headers = {"Authorization": f"Bearer {self.tokens[buyer]}"}
            while time.monotonic() < self._deadline:
                try:
                    response = session.post(f"{self.url}/api/v1/registrations/", json={"ticket": str(self.ticket.pk)},
                                            headers=headers, timeout=30)
                    code = response.json().get("code") or response.json().get("status")
                    status = response.status_code
                except (requests.RequestException, ValueError):
                    status, code = None, "cut_off"
                    session = requests.Session()
                self.answers[buyer].append((status, code, time.monotonic()))
                if status in (201, 409):
                    break
                time.sleep(0.1)


def assert_sale_consistent(sale: Sale, user_ids: list) -> None:
    """Every buyer got a final answer; seats sold = registrations held; no buyer holds a seat they were not sold.

    A buyer whose request was cut off or answered 503 may still hold a seat
    (the sale committed, the answer was lost): their retry then says so.
    """
    from events.models import Ticket
    from registrations.models import Registration
    from registrations.services import seat_drift

    ticket = Ticket.objects.get(pk=sale.ticket.pk)
    held = dict(Registration.objects.filter(ticket=ticket, status__in=Registration.ACTIVE_STATUSES)
                .values_list("user_id", "status"))
    assert not seat_drift()
    assert ticket.sold == len(held) <= ticket.quota
    finals = [answers[-1][:2] if answers else None for answers in sale.answers]
    assert all(final and final[0] in (201, 409) for final in finals), finals
    sold = {user_ids[i] for i, final in enumerate(finals) if final[0] == 201}
    assert sold <= set(held)
    for i, final in enumerate(finals):
        if user_ids[i] in held and user_ids[i] not in sold:
            assert final == (409, "already_registered"), (final, sale.answers[i])
            assert any(status != 201 and code not in ("sold_out",) for status, code, _ in sale.answers[i][:-1])
    assert Registration.objects.filter(ticket=ticket).count() == len(held)  # nothing half-made or cancelled
