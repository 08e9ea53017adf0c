"""A small run of the reservation benchmark, so `make bench` keeps working and never oversells."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection

from bench import harness, reserve

ROOT = Path(__file__).resolve().parents[2]


def _bench_databases() -> set[str]:
    """Return the benchmark databases made from this run's DATABASE_URL (other runs may share the server)."""
    params = connection.get_connection_params()
    prefix = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/") or "eventhub"
    with psycopg.connect(host=params.get("host"), port=params.get("port"), user=params.get("user"),
                         password=params.get("password"), dbname="postgres") as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [f"{prefix}_bench_"])
        return {row[0] for row in rows}


@pytest.mark.django_db(transaction=True)
def test_a_race_of_forty_buyers_for_ten_seats_sells_exactly_ten(settings):
    settings.TASKS = reserve.tasks_setting("dummy")
    ticket, user_ids = reserve.prepare(buyers=40, quota=10)

    run = reserve.race(ticket_id=ticket.pk, user_ids=user_ids, threads=8)

    outcomes = [attempt.outcome for attempt in run.attempts]
    assert outcomes.count("ok") == 10
    assert outcomes.count("sold_out") == 30
    assert reserve.count_seats(ticket.pk) == {"quota": 10, "sold": 10, "active": 10, "oversold": 0}


def test_it_reports_nearest_rank_percentiles():
    values = [n / 1000 for n in range(1, 101)]
    assert [harness.percentile(values, p) for p in (50, 95, 99, 100)] == [0.05, 0.095, 0.099, 0.1]


def test_it_refuses_anything_but_postgresql():
    for url in ("sqlite:///var/db.sqlite3", ""):
        with pytest.raises(SystemExit, match="measure PostgreSQL"):
            harness.throwaway_database(url)


@pytest.mark.django_db
def test_the_command_runs_in_processes_in_its_own_database_and_drops_it():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.fail("The benchmark needs DATABASE_URL=postgresql://…")
    before = _bench_databases()

    result = subprocess.run(
        [sys.executable, "bench/reserve.py", "--buyers", "60", "--concurrency", "6", "--quota", "20",
         "--processes", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "DATABASE_URL": url},
    )

    assert result.returncode == 0, result.stderr
    counts = {name: int(re.search(rf"^  {name} +(\d+)", result.stdout, re.M).group(1))
              for name in ("attempts", "successes", "sold out", "oversold")}
    assert counts == {"attempts": 60, "successes": 20, "sold out": 40, "oversold": 0}
    assert _bench_databases() == before
