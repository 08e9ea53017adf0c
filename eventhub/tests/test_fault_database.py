"""PostgreSQL lost in the middle of a flash sale: every connection of the app is cut (`pg_terminate_backend`)
and new ones refused for a few seconds, on the test database only (the server is shared: it is never
restarted). Requests meanwhile answer 503; the same gunicorn serves again after; seats sold = registrations held.
"""

import time

import psycopg
import pytest
import requests
from django.db import connection

from .servers import Sale, assert_sale_consistent, database_url, gunicorn, wait_until_serving
from .test_fault_worker import buyers

pytestmark = pytest.mark.django_db(transaction=True)

OUTAGE_SECONDS = 3


def _cut_off(application_name: str, *, allow: bool) -> int:
    """Refuse (or allow again) new connections to the test database and cut the app's; return how many were cut."""
    name = connection.settings_dict["NAME"]
    # From the maintenance database: PostgreSQL will not refuse connections to the one a session is in.
    maintenance = database_url("eh_fault_control").replace(f"/{name}?", "/postgres?")
    with psycopg.connect(maintenance, autocommit=True) as control:
        control.execute(f"ALTER DATABASE {connection.ops.quote_name(name)} WITH ALLOW_CONNECTIONS {str(allow).lower()}")
        if allow:
            return 0
        return control.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            [name, application_name],
        ).fetchone()[0]


def test_a_database_outage_mid_sale_answers_503_and_loses_no_seat(db):
    ticket, tokens, user_ids = buyers(count=150, quota=40)
    with gunicorn(workers=2, threads=4, DB_POOL_TIMEOUT="2", DB_POOL_MAX_SIZE="4") as server:
        pids = server.worker_pids()
        sale = Sale(server.url, ticket, tokens).start()
        sale.wait_for(15)
        try:
            assert _cut_off(server.application_name, allow=False) > 0
            outage_started = time.monotonic()
            api = requests.post(f"{server.url}/api/v1/registrations/", json={"ticket": str(ticket.pk)},
                                headers={"Authorization": f"Bearer {tokens[-1]}"}, timeout=30)
            page = requests.get(f"{server.url}/events/", timeout=30)
            health = requests.get(f"{server.url}/healthz", timeout=30)
            time.sleep(max(OUTAGE_SECONDS - (time.monotonic() - outage_started), 0))
        finally:
            _cut_off(server.application_name, allow=True)
        outage_ended = time.monotonic()
        wait_until_serving(server.url)
        sale.join()

        assert (api.status_code, api.json()["code"], api.headers["Retry-After"]) == (503, "database_unavailable", "5")
        assert page.status_code == 503 and "text/html" in page.headers["Content-Type"]
        assert health.status_code == 503
        assert server.worker_pids() == pids and server.process.poll() is None  # the same gunicorn, no restart
    answers = [a for buyer in sale.answers for a in buyer]
    assert any(status == 503 and code == "database_unavailable" for status, code, _ in answers)
    assert any(status == 201 and at > outage_ended for status, _, at in answers)  # it sells again after
    assert all(status in (201, 409, 503) for status, _, _ in answers), {a[:2] for a in answers}
    assert_sale_consistent(sale, user_ids)
    assert ticket.__class__.objects.get(pk=ticket.pk).sold == 40
