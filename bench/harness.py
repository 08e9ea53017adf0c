"""What the benchmarks share: Django set-up, a gunicorn server under test, an HTTP load generator, figures.

The load generator is asyncio with raw HTTP/1.1 over keep-alive connections,
so it costs the 2-core machine as little CPU as possible. The server is
gunicorn on PostgreSQL configured like production (DEBUG off, database task
queue, connection pool).
"""

import argparse
import asyncio
import contextlib
import dataclasses
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# One QR key for the bench process (which signs the codes) and the server (which verifies them).
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + secrets.token_urlsafe(40)),
    "QR_SIGNING_KEYS": os.environ.get("QR_SIGNING_KEYS", "bench-qr-key-" + secrets.token_urlsafe(32)),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    # The rest of what production settings require; plain HTTP straight to gunicorn.
    "CSRF_TRUSTED_ORIGINS": "http://127.0.0.1",
    "SITE_URL": "http://127.0.0.1",
    "EMAIL_URL": "smtp://127.0.0.1:25",
    "SECURE_SSL_REDIRECT": "false",
    "TASKS_BACKEND": "database",
    "LOG_LEVEL": "WARNING",
    # gunicorn reads ./gunicorn.conf.py: no access log line per request here.
    "GUNICORN_ACCESS_LOG": "",
    "AUTH_THROTTLE_RATE": "1000000/minute",
}


def throwaway_database(url: str) -> tuple[str, str]:
    """Return (maintenance URL, URL of a new database name) beside a PostgreSQL URL; refuse anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(
            f"The benchmarks measure PostgreSQL; DATABASE_URL is {parts.scheme or 'unset'}:. "
            "Set DATABASE_URL=postgresql://… (SQLite serialises writers and would say nothing about production)."
        )
    name = f"{(parts.path.lstrip('/') or 'eventhub')}_bench_{os.getpid()}_{secrets.token_hex(2)}"
    return parts._replace(path="/postgres").geturl(), parts._replace(path=f"/{name}").geturl()


def admin_sql(maintenance_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def own_database():
    """Point DATABASE_URL at a new database beside its own for the duration; drop it at the end."""
    maintenance_url, bench_url = throwaway_database(os.environ.get("DATABASE_URL", ""))
    name = urlsplit(bench_url).path.lstrip("/")
    admin_sql(maintenance_url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = bench_url
    try:
        yield bench_url
    finally:
        admin_sql(maintenance_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_benchmark(description: str, *, port: int, run, options=None) -> int:
    """Parse the options every API benchmark takes (and `options(parser)`'s), then return `run(args)` with Django set up.

    Against a running server (--url) it measures in that server's database;
    else in a new, migrated one beside DATABASE_URL's, dropped at the end.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", help="a running server; default: start gunicorn")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    if options is not None:
        options(parser)
    args = parser.parse_args()
    with contextlib.nullcontext() if args.url else own_database():
        setup_django()
        if not args.url:
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
        return run(args)


def setup_django() -> None:
    for key, value in SERVER_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eventhub.settings")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a migrated PostgreSQL database (the benchmarks measure the production setup).")
    import django

    django.setup()


@dataclasses.dataclass
class Server:
    url: str
    process: subprocess.Popen | None = None

    def worker_pids(self) -> list[int]:
        """Return the process ids of the gunicorn workers."""
        if self.process is None:
            return []
        return [int(pid) for pid in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()]

    def worker_rss_mb(self) -> list[float]:
        """Return the resident memory of each gunicorn worker (in `worker_pids` order), in MB."""
        sizes = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def cpu_seconds(self) -> float:
        """Return the CPU time (user + system) the gunicorn workers have used so far, recycled ones included.

        A worker gunicorn restarts (max_requests) takes its time along; the
        master's cutime/cstime keep what its reaped children used.
        """
        if self.process is None:
            return 0.0
        ticks = os.sysconf("SC_CLK_TCK")
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = int(fields[13]) + int(fields[14])  # cutime, cstime: the workers already reaped
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:  # exited between the listing and now
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


def database_cpu_seconds() -> float | None:
    """Return the CPU time used so far by the PostgreSQL backends connected to this database, or None if not local.

    Read from /proc for the backends pg_stat_activity lists (the pool keeps
    them for the whole run); None when the server is on another machine.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        pids = [row[0] for row in cursor.fetchall()]
    ticks, total, seen = os.sysconf("SC_CLK_TCK"), 0, False
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, PermissionError):
            continue
        seen = True
        total += int(fields[11]) + int(fields[12])
    return total / ticks if seen else None


def var_dir_with_static(database_url: str) -> str:
    """Return a new VAR_DIR (removed at exit) with the site's static files collected, as production serves them.

    Production settings name static files through the collected manifest; the
    API's own bundles (admin, DRF, Swagger UI) are left out to keep it quick.
    """
    import atexit
    import shutil
    import tempfile

    var = tempfile.mkdtemp(prefix="eventhub-var-")
    atexit.register(shutil.rmtree, var, ignore_errors=True)
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": database_url, "VAR_DIR": var}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", "-i", "admin",
                    "-i", "rest_framework", "-i", "drf_spectacular_sidecar"], cwd=ROOT, env=env, check=True)
    return var


def start_server(*, url: str | None, port: int, workers: int, threads: int, env: dict | None = None) -> Server:
    """Use the server at `url`, or start gunicorn on `port` (with `env` over SERVER_ENV) and wait until it answers."""
    if url:
        return Server(url=url.rstrip("/"))
    command = [
        sys.executable, "-m", "gunicorn", "eventhub.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "eventhub.gthread.ThreadWorker" if threads > 1 else "sync",  # production's (gunicorn.conf.py)
        "--keep-alive", "30", "--log-level", "warning", "--backlog", "2048",
    ]
    env = {**os.environ, **{k: os.environ.get(k, v) for k, v in SERVER_ENV.items()}, **(env or {})}
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None:
                sys.exit("gunicorn did not start.")
            time.sleep(0.2)
    server = Server(url=f"http://127.0.0.1:{port}", process=process)
    # Each worker loaded its views and opened its connections before accepting (eventhub/warmup.py); these
    # requests warm whichever workers they reach further (a second pool connection) before measuring.
    run(run_load(server.url, [("GET", "/api/v1/events/", None, {})] * (workers * threads * 4), concurrency=workers * threads))
    return server


@dataclasses.dataclass
class Servers:
    """Several gunicorn servers (one port each) behind the committed nginx config: answers at nginx's HTTPS URL."""

    servers: list
    nginx: object  # bench.nginx.Nginx

    @property
    def url(self) -> str:
        return self.nginx.url

    @property
    def ssl_context(self):
        return self.nginx.ssl_context()

    def worker_pids(self) -> list[int]:
        return [pid for server in self.servers for pid in server.worker_pids()]

    def worker_rss_mb(self) -> list[float]:
        return [mb for server in self.servers for mb in server.worker_rss_mb()]

    def cpu_seconds(self) -> float:
        """Return the CPU time the gunicorn workers of every server have used so far (nginx: `nginx.cpu_seconds`)."""
        return sum(server.cpu_seconds() for server in self.servers)

    def stop(self) -> None:
        self.nginx.stop()
        for server in self.servers:
            server.stop()


def start_servers(*, count: int, port: int, workers: int, threads: int, env: dict | None = None) -> Servers:
    """Start `count` gunicorn servers on `port`, `port + 1`, … and nginx in front of them with the committed config.

    They share the database (and Redis, when REDIS_URL is set), as API
    containers behind one nginx do.
    """
    import tempfile

    from bench import nginx

    servers = []
    try:
        for index in range(count):
            servers.append(start_server(url=None, port=port + index, workers=workers, threads=threads, env=env))
        directory = Path(tempfile.mkdtemp(prefix="eventhub-nginx-"))
        front = nginx.serve([server_port for server_port in range(port, port + count)], directory=directory,
                            static_root=directory / "static", workers=1)
    except BaseException:
        for server in servers:
            server.stop()
        raise
    cluster = Servers(servers=servers, nginx=front)
    # Warm nginx's upstream connections too.
    run(run_load(cluster.url, [("GET", "/api/v1/events/", None, {})] * (count * workers * threads * 2),
                         concurrency=count * workers * threads, ssl_context=cluster.ssl_context))
    return cluster


def run(coroutine):
    """Return `asyncio.run(coroutine)`, in a thread of its own when this thread already runs an event loop.

    A test process may: Playwright's sync API keeps a loop running in the main
    thread while its browser is open, and asyncio.run refuses to nest.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclasses.dataclass
class Answer:
    status: int
    seconds: float
    body: dict | None


class Connection:
    def __init__(self, host: str, port: int, ssl_context=None):
        self.host, self.port, self.ssl_context = host, port, ssl_context
        self.reader = self.writer = None

    async def _open(self):
        if self.ssl_context is None:
            return await asyncio.open_connection(self.host, self.port)
        # nginx listens on IPv4 only; the certificate and server_name are the host name's.
        address = "127.0.0.1" if self.host == "localhost" else self.host
        return await asyncio.open_connection(address, self.port, ssl=self.ssl_context, server_hostname=self.host)

    async def request(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await self._open()
            head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: keep-alive"]
            head += [f"{k}: {v}" for k, v in headers.items()]
            if body is not None:
                if not any(k.lower() == "content-type" for k in headers):
                    head.append("Content-Type: application/json")
                head.append(f"Content-Length: {len(body)}")
            try:
                self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
                await self.writer.drain()
                status_line = await self.reader.readuntil(b"\r\n")
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
                continue
            status = int(status_line.split()[1])
            length, close = 0, False
            while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection" and value.strip().lower() == "close":
                    close = True
            payload = await self.reader.readexactly(length) if length else b""
            if close:
                self.close()
            return status, payload
        raise RuntimeError("unreachable")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def run_load(
    base_url: str, requests: list[tuple], *, concurrency: int, ssl_context=None
) -> tuple[list[Answer], float]:
    """Send (method, path, json_body, headers) requests over `concurrency` connections; return answers and seconds.

    An https URL is spoken to over TLS with `ssl_context` (it must trust the server's certificate).
    """
    parts = urlsplit(base_url)
    if parts.scheme == "https" and ssl_context is None:
        import ssl

        ssl_context = ssl.create_default_context()
    queue: asyncio.Queue = asyncio.Queue()
    for index, item in enumerate(requests):
        queue.put_nowait((index, item))
    answers: list[Answer | None] = [None] * len(requests)

    async def client():
        connection = Connection(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                ssl_context if parts.scheme == "https" else None)
        try:
            while True:
                try:
                    index, (method, path, body, headers) = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                raw = json.dumps(body).encode() if body is not None else None
                started = time.perf_counter()
                status, payload = await connection.request(method, path, raw, headers)
                elapsed = time.perf_counter() - started
                try:
                    parsed = json.loads(payload) if payload else None
                except ValueError:
                    parsed = None
                answers[index] = Answer(status, elapsed, parsed)
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return answers, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    """Return the nearest-rank percentile `p` (0-100) of `values`."""
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def percentiles(seconds: list[float]) -> str:
    """Return `p50 …, p95 …, p99 … (max …)` in milliseconds for durations in seconds."""
    if not seconds:
        return "n/a"
    p50, p95, p99_ = (percentile(seconds, p) * 1000 for p in (50, 95, 99))
    return f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99_:.1f} ms (max {max(seconds) * 1000:.1f})"


def p99(seconds: list[float]) -> float:
    """Return the 99th percentile of durations in seconds, in milliseconds."""
    return percentile(seconds, 99) * 1000 if seconds else 0.0
