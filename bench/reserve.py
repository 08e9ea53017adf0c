"""Benchmark: N buyers race for a ticket's quota through the reservation service on PostgreSQL.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/eventhub python bench/reserve.py --case flash

It creates a throwaway database next to the one DATABASE_URL names, migrates
it and makes the buyers (untimed), releases every worker at once, times each
`services.reserve` call, counts oversold seats from the database, and drops
the database. Email tasks go to Django's dummy tasks backend, which records
them without sending, so the figures are the reservation's own; with
`--tasks database` they are queued as production queues them (django-tasks-db:
one more INSERT per registration, after the commit). Workers are threads by
default; with `--processes P` they are spread over P processes, past the GIL.

Cases:
  flash      1,000 buyers, 50 concurrent, quota 100     (target: >= 500 attempts/s, 0 oversold)
  sustained  2,000 buyers, 20 concurrent, quota 100,000 (target: >= 300 reservations/s, p99 <= 100 ms)
"""

import argparse
import dataclasses
import math
import multiprocessing
import os
import queue
import secrets
import sys
import threading
import time
import urllib.parse
from pathlib import Path

try:
    from bench import harness
except ImportError:  # run as a script: bench/ is on sys.path
    import harness

CASES = {
    "flash": {"buyers": 1000, "concurrency": 50, "quota": 100},
    "sustained": {"buyers": 2000, "concurrency": 20, "quota": 100_000},
}
TARGETS = {"flash": "attempts/s >= 500, oversold 0", "sustained": "reservations/s >= 300, success p99 <= 100 ms"}
TASK_BACKENDS = {"dummy": "django.tasks.backends.dummy.DummyBackend", "database": "django_tasks_db.DatabaseBackend"}


@dataclasses.dataclass
class Attempt:
    outcome: str  # "ok", "sold_out", or another error code / exception name
    seconds: float


@dataclasses.dataclass
class Run:
    attempts: list[Attempt]
    started: float
    finished: float


# --- Inside Django: the race itself ---------------------------------------


def prepare(*, buyers: int, quota: int, price: int = 150_000) -> tuple:
    """Create an upcoming event with one ticket type and `buyers` accounts without a usable password.

    Return the ticket and the buyers' ids.
    """
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from events.models import Event, Ticket

    tag = secrets.token_hex(4)
    event = Event.objects.create(
        title=f"Bench {tag}", slug=f"bench-{tag}", event_date=timezone.now() + datetime.timedelta(days=30)
    )
    ticket = Ticket.objects.create(event=event, name="Flash sale", price=price, quota=quota)
    users = User.objects.bulk_create(
        [
            User(email=f"buyer{i}-{tag}@bench.invalid", full_name=f"Pembeli {i}", password=make_password(None))
            for i in range(buyers)
        ],
        batch_size=1000,
    )
    return ticket, [user.pk for user in users]


def race(*, ticket_id, user_ids: list, threads: int, before_start=None) -> Run:
    """Reserve one seat per user from `threads` threads released together; time every call."""
    from django.db import connection

    from accounts.models import User
    from events.models import Ticket
    from registrations import services

    users = list(User.objects.filter(pk__in=user_ids))
    work: queue.SimpleQueue = queue.SimpleQueue()
    for user in users:
        work.put(user)
    ready = threading.Barrier(threads + 1)
    go = threading.Event()
    results: list[list[Attempt]] = [[] for _ in range(threads)]

    def worker(index: int) -> None:
        try:
            ticket = Ticket.objects.select_related("event").get(pk=ticket_id)  # also opens the connection
            ready.wait()
            go.wait()
            mine = results[index]
            while True:
                try:
                    user = work.get_nowait()
                except queue.Empty:
                    return
                start = time.perf_counter()
                try:
                    services.reserve(ticket=ticket, user=user)
                    outcome = "ok"
                except services.RegistrationError as exc:
                    outcome = exc.code
                except Exception as exc:  # noqa: BLE001 - counted and shown, never hidden
                    outcome = type(exc).__name__
                mine.append(Attempt(outcome, time.perf_counter() - start))
        finally:
            connection.close()

    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    ready.wait()
    if before_start is not None:
        before_start()
    started = time.monotonic()
    go.set()
    for thread in pool:
        thread.join()
    finished = time.monotonic()
    return Run([a for batch in results for a in batch], started, finished)


def count_seats(ticket_id) -> dict:
    """Return what the database holds for the ticket: quota, sold, active registrations, oversold."""
    from events.models import Ticket
    from registrations.models import Registration

    ticket = Ticket.objects.get(pk=ticket_id)
    active = Registration.objects.filter(ticket_id=ticket_id, status__in=Registration.ACTIVE_STATUSES).count()
    return {
        "quota": ticket.quota, "sold": ticket.sold, "active": active,
        "oversold": max(active - ticket.quota, ticket.sold - ticket.quota, 0),
    }


def statements_per_reserve() -> dict[str, int]:
    """Count the SQL statements of one successful and one sold-out reservation (untimed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registrations import services

    from accounts.models import User

    ticket, user_ids = prepare(buyers=2, quota=1)
    users = User.objects.in_bulk(user_ids)
    counts = {}
    for name, user_id in zip(("ok", "sold_out"), user_ids):
        user = users[user_id]
        with CaptureQueriesContext(connection) as queries:
            try:
                services.reserve(ticket=ticket, user=user)
            except services.RegistrationError:
                pass
        counts[name] = len(queries)
    return counts


def tasks_setting(backend: str) -> dict:
    """Return a TASKS setting that queues tasks in `backend` (a TASK_BACKENDS key) without running them."""
    return {"default": {"BACKEND": TASK_BACKENDS[backend], "QUEUES": ["default", "email"]}}


def configure(tasks: str) -> None:
    """Queue tasks in the `tasks` backend and stop logging every query, for the whole process."""
    from django.test.utils import override_settings

    override_settings(DEBUG=False, TASKS=tasks_setting(tasks)).enable()


# --- Processes -------------------------------------------------------------


def _child(ticket_id, user_ids, threads, tasks, barrier, results) -> None:
    import django

    django.setup()
    configure(tasks)
    run = race(ticket_id=ticket_id, user_ids=user_ids, threads=threads, before_start=barrier.wait)
    results.put(run)


def race_in_processes(*, ticket_id, user_ids: list, concurrency: int, processes: int, tasks: str) -> Run:
    """Spread the buyers and `concurrency` workers over `processes` processes; merge their runs."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    threads = math.ceil(concurrency / processes)
    children = [
        context.Process(target=_child, args=(ticket_id, user_ids[i::processes], threads, tasks, barrier, results))
        for i in range(processes)
    ]
    for child in children:
        child.start()
    runs = [results.get() for _ in children]
    for child in children:
        child.join()
    return Run(
        [a for run in runs for a in run.attempts], min(r.started for r in runs), max(r.finished for r in runs)
    )


# --- Report ----------------------------------------------------------------


def latency_line(label: str, values: list[float]) -> str:
    if not values:
        return f"  {label:<10} (none)"
    p50, p95, p99 = (harness.percentile(values, p) * 1000 for p in (50, 95, 99))
    return f"  {label:<10} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   p99 {p99:7.1f} ms   max {max(values) * 1000:7.1f} ms"


def report(run: Run, seats: dict, *, title: str, out=sys.stdout) -> dict:
    """Print the figures of a run and return them."""
    elapsed = run.finished - run.started
    ok = [a.seconds for a in run.attempts if a.outcome == "ok"]
    sold_out = [a.seconds for a in run.attempts if a.outcome == "sold_out"]
    others: dict[str, int] = {}
    for attempt in run.attempts:
        if attempt.outcome not in ("ok", "sold_out"):
            others[attempt.outcome] = others.get(attempt.outcome, 0) + 1
    figures = {
        "attempts": len(run.attempts), "seconds": elapsed, "attempts_per_s": len(run.attempts) / elapsed,
        "reservations_per_s": len(ok) / elapsed, "successes": len(ok), "sold_out": len(sold_out),
        "other": others, "oversold": seats["oversold"],
        "success_p99_ms": harness.percentile(ok, 99) * 1000 if ok else None,
    }
    print(title, file=out)
    print(f"  attempts     {len(run.attempts):>7} in {elapsed:.2f} s = {figures['attempts_per_s']:8.1f} attempts/s",
          file=out)
    print(f"  successes    {len(ok):>7}            = {figures['reservations_per_s']:8.1f} reservations/s", file=out)
    print(f"  sold out     {len(sold_out):>7}", file=out)
    if others:
        print(f"  other        {others}", file=out)
    print("  latency:", file=out)
    print(latency_line("success", ok), file=out)
    print(latency_line("sold out", sold_out), file=out)
    print(
        f"  oversold     {seats['oversold']:>7}   (database: quota {seats['quota']}, sold {seats['sold']}, "
        f"active registrations {seats['active']})",
        file=out,
    )
    return figures


# --- Command line ------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog="cases:" + __doc__.split("Cases:")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--case", choices=sorted(CASES), default="flash", help="preset (default: flash)")
    parser.add_argument("--buyers", type=int, help="buyers, one attempt each")
    parser.add_argument("--concurrency", type=int, help="workers racing at once")
    parser.add_argument("--quota", type=int, help="seats of the ticket type")
    parser.add_argument("--processes", type=int, default=0, help="spread the workers over this many processes")
    parser.add_argument("--tasks", choices=sorted(TASK_BACKENDS), default="dummy",
                        help="where the email tasks go (default: dummy, recorded and dropped)")
    args = parser.parse_args(argv)
    for name, value in CASES[args.case].items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if min(args.buyers, args.concurrency, args.quota) < 1 or args.processes < 0:
        parser.error("--buyers, --concurrency and --quota must be positive, --processes not negative")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    maintenance_url, bench_url = harness.throwaway_database(os.environ.get("DATABASE_URL", ""))
    db_name = urllib.parse.urlsplit(bench_url).path.lstrip("/")
    threads = math.ceil(args.concurrency / args.processes) if args.processes else args.concurrency

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.update(
        DATABASE_URL=bench_url, DJANGO_SETTINGS_MODULE="eventhub.settings", LOG_LEVEL="WARNING",
        DB_POOL_MIN_SIZE="1", DB_POOL_MAX_SIZE=str(threads + 2),
    )
    harness.admin_sql(maintenance_url, f'CREATE DATABASE "{db_name}"')
    try:
        import django
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        configure(args.tasks)
        call_command("migrate", verbosity=0)
        statements = statements_per_reserve()
        ticket, user_ids = prepare(buyers=args.buyers, quota=args.quota)
        connection.close()
        if args.processes:
            run = race_in_processes(ticket_id=ticket.pk, user_ids=user_ids, concurrency=args.concurrency,
                                    processes=args.processes, tasks=args.tasks)
        else:
            run = race(ticket_id=ticket.pk, user_ids=user_ids, threads=args.concurrency)
        seats = count_seats(ticket.pk)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        workers = f"{args.processes} processes x {threads} threads" if args.processes else f"{threads} threads"
        title = (
            f"reserve benchmark [{args.case}]: {args.buyers} buyers, {args.concurrency} concurrent ({workers}), "
            f"quota {args.quota}; PostgreSQL {version}; email tasks: {args.tasks} backend\n"
            f"  SQL statements per reserve: {statements['ok']} (success), {statements['sold_out']} (sold out)\n"
            f"  target: {TARGETS[args.case]}"
        )
        figures = report(run, seats, title=title)
        connection.close()
        connection.close_pool()
    finally:
        harness.admin_sql(maintenance_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    return 1 if figures["oversold"] or figures["other"] else 0


if __name__ == "__main__":
    sys.exit(main())
