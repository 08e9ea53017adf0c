"""gunicorn settings for the EventHub API container, sized for a 2–4 vCPU machine.

Each value can be changed from the environment without rebuilding the image:
GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT,
GUNICORN_KEEPALIVE, GUNICORN_MAX_REQUESTS, GUNICORN_GC_EVERY, GUNICORN_LOG_LEVEL,
GUNICORN_ACCESS_LOG. Every process
keeps its own database pool, so DB_POOL_MAX_SIZE should be at least
GUNICORN_THREADS, and GUNICORN_WORKERS × DB_POOL_MAX_SIZE (plus the worker and
scheduler) must stay under PostgreSQL's max_connections (100 by default).
"""

import datetime
import json
import os

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _cpus() -> int:
    # The CPUs this process may run on (a container's cpuset), not the host's.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


wsgi_app = "eventhub.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or "0.0.0.0:8000"

# Threads let one process wait on PostgreSQL and payment gateways for several
# requests at once; processes use the cores.
# Two per vCPU (4 on 2 vCPU, 8 on 4 vCPU), four threads each. gunicorn's
# gthread worker, except that a worker whose threads are all busy leaves new
# connections to the others (eventhub/gthread.py): else a burst of them piles
# onto one worker, whose kept-alive connections then wait in line while the
# others idle.
worker_class = "eventhub.gthread.ThreadWorker"
workers = _int("GUNICORN_WORKERS", min(2 * _cpus(), 8))
threads = _int("GUNICORN_THREADS", 4)

# A request taking longer than this is killed; gateways and the database are
# called with shorter timeouts of their own.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than nginx's upstream keepalive_timeout (15 s), so nginx never reuses
# a connection gunicorn has just closed (a stray 502).
keepalive = _int("GUNICORN_KEEPALIVE", 20)
# Recycle workers now and then (a guard against slow leaks), jittered so they
# do not all restart at once. Not often: a new worker costs about 1.3 s of CPU
# to import the app, and an on-sale's waiting room answers thousands of polls a
# second at well under 1 ms each, so every 2,000 requests would more than
# double their cost (bench/waiting_room.py); every 100,000 adds about 2 %.
max_requests = _int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = max_requests // 10
# Worker heartbeats on tmpfs: an overlay filesystem can stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The control socket would default to $HOME/.gunicorn/, which a read-only
# container (or two instances under one user) cannot share; not needed here.
control_socket_disable = True


# A full garbage collection every this many requests of a worker (0: only
# CPython's own), after freezing what warm-up loaded: else the reference cycles
# every request leaves reach the rarely collected oldest generation and their
# garbage keeps growing the worker's memory (eventhub/garbage.py, bench/soak.py).
gc_every = _int("GUNICORN_GC_EVERY", 100)


def post_worker_init(worker):
    # Before the worker accepts a connection: else its first buyers wait while
    # Django loads the URLconf, catalogues and connections (eventhub/warmup.py).
    from eventhub import garbage, warmup

    warmup.warm_up()
    garbage.after_warm_up(every=gc_every)


def post_request(worker, req, environ, resp):
    # The waiting room's joins and polls and the sold-out refusals answered ahead of Django
    # (waitingroom/wsgi.py, registrations/wsgi.py) leave no reference cycles: they do not bring
    # the next full collection nearer, which thousands of polls a second would otherwise make
    # every few dozen milliseconds.
    if environ.get("eventhub.waiting_room.answered") or environ.get("eventhub.sold_out.answered"):
        return
    from eventhub import garbage

    garbage.request_finished()

# Logs go to stdout/stderr for `docker compose logs`; Django's own records are
# JSON lines (settings LOGGING), and so is every access log line.
# GUNICORN_ACCESS_LOG= (empty) turns the access log off, e.g. where nginx's
# own JSON access log is enough.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"


class JsonAccessLogger(Logger):
    """Write each access log line as one JSON object, like Django's log records."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        entry = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "logger": "gunicorn.access",
            "remote_addr": atoms["h"],
            # nginx overwrites X-Forwarded-For with the client's address.
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "referer": atoms["f"],
            "user_agent": atoms["a"],
            "request_id": environ.get("HTTP_X_REQUEST_ID", ""),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False))


logger_class = JsonAccessLogger
