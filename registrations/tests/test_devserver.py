"""`make run` serves with the periodic jobs beside it, and prints the demo logins last (issue 15, defects 1 and 8)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from registrations.models import Registration
from registrations.tests.test_run_scheduler import _stale_registration

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the server shares the test database only on PostgreSQL")
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait(condition, *, seconds: float, process: subprocess.Popen):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"devserver exited with {process.returncode}: {process.stdout.read()}")
        if condition():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.django_db(transaction=True)
def test_devserver_serves_and_expires_holds_without_a_separate_scheduler():
    stale = _stale_registration()
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": _database_url(), "DB_POOL": "false"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "devserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        def answers() -> bool:
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200
            except OSError:
                return False

        def expired() -> bool:
            stale.refresh_from_db()
            return stale.status == Registration.Status.CANCELLED

        assert _wait(answers, seconds=60, process=process), "the server never answered"
        assert _wait(expired, seconds=60, process=process), "the hold was never expired"
        assert stale.cancel_reason == Registration.CancelReason.EXPIRED
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_make_run_builds_the_pwa_then_prints_the_demo_logins_then_serves_with_the_jobs():
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    # -n prints what would run, -B as if nothing were built yet.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    output = subprocess.run(
        ["make", "-nB", "--no-print-directory", "run", "HAVE_NPM=yes"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout
    steps = [line for line in output.splitlines() if not line.startswith("make")]

    def step(text: str) -> int:
        return next(i for i, line in enumerate(steps) if text in line)

    assert step("npm run --silent generate") < step("manage.py seed_demo") < step("manage.py devserver")
    assert step("manage.py devserver") == len(steps) - 1
    assert not [line for line in steps if "manage.py runserver" in line]
