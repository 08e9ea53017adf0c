"""Run EventHub's periodic jobs on their intervals, in this one process.

Production runs exactly one scheduler (docker-compose.yml `scheduler`); the
jobs are idempotent, so a second one would only waste work, never double it.
A job whose command is not installed is skipped with a warning, so the
schedule can name jobs that later apps provide.
"""

import dataclasses
import io
import logging
import signal
import threading
import time
from pathlib import Path

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Job:
    command: str
    every: float  # seconds
    next_run: float = 0.0


# (command, interval in seconds)
SCHEDULE = [
    ("expire_registrations", 60),
    ("reconcile_payments", 5 * 60),
    # The waiting rooms that are on learn within seconds that their event sold out (or got seats back).
    ("refresh_waiting_rooms", 10),
]


class Scheduler:
    """Run each job's management command when its interval has passed."""

    def __init__(self, schedule, *, heartbeat: Path | None = None):
        self.jobs = [Job(command, every) for command, every in schedule]
        self.heartbeat = heartbeat
        self._skipped: set[str] = set()

    def run_due(self, now: float) -> list[str]:
        """Run every job due at `now` (a monotonic time); return the commands that ran."""
        ran = []
        for job in self.jobs:
            if now < job.next_run:
                continue
            job.next_run = now + job.every
            if self._run(job.command):
                ran.append(job.command)
        self.beat()
        return ran

    def seconds_until_next(self, now: float) -> float:
        return max(0.0, min(job.next_run for job in self.jobs) - now)

    def run_until(self, stop: threading.Event, *, tick: float = 15.0) -> None:
        """Run the jobs as they fall due until `stop` is set, waking at least every `tick` seconds."""
        while not stop.is_set():
            self.run_due(time.monotonic())
            stop.wait(min(tick, self.seconds_until_next(time.monotonic())) or 0.1)

    def beat(self) -> None:
        """Touch the heartbeat file the container healthcheck reads."""
        if self.heartbeat is not None:
            self.heartbeat.touch()

    def _run(self, command: str) -> bool:
        if command not in get_commands():
            if command not in self._skipped:
                logger.warning("Scheduler: command %s is not installed; skipping it", command)
                self._skipped.add(command)
            return False
        self._skipped.discard(command)
        close_old_connections()
        started = time.monotonic()
        output = io.StringIO()
        try:
            # The command's report goes into the log record, keeping stdout to JSON lines.
            call_command(command, stdout=output, stderr=output)
        except (Exception, SystemExit):
            # A failing job (an exception, or a command that exits non-zero)
            # must not stop the others; it runs again at its next interval.
            logger.exception("Scheduler: %s failed", command, extra={"output": output.getvalue().strip()})
        else:
            seconds = round(time.monotonic() - started, 3)
            logger.info("Scheduler: %s done in %ss: %s", command, seconds, output.getvalue().strip())
        finally:
            close_old_connections()
        return True


class Command(BaseCommand):
    help = (
        "Run the periodic jobs: expire_registrations every minute, reconcile_payments every 5 minutes, "
        "refresh_waiting_rooms every 10 seconds (skipped while not installed). Run exactly one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")
        parser.add_argument("--heartbeat-file", type=Path, help="Touch this file on every wake-up (for healthchecks).")
        parser.add_argument(
            "--tick", type=float, default=15.0, help="Longest sleep between wake-ups, in seconds (default 15)."
        )

    def handle(self, *args, once, heartbeat_file, tick, **options):
        scheduler = Scheduler(SCHEDULE, heartbeat=heartbeat_file)
        if once:
            ran = scheduler.run_due(time.monotonic())
            self.stdout.write(f"Ran: {', '.join(ran) or 'nothing'}.")
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        logger.info("Scheduler started: %s", ", ".join(f"{c} every {s}s" for c, s in SCHEDULE))
        scheduler.run_until(stop, tick=tick)
        logger.info("Scheduler stopped")
