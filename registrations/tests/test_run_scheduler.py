# The scheduler closes stale connections between jobs, as a long-running process must:
# these tests run outside a test transaction.
import datetime
import logging
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Ticket
from registrations.management.commands.run_scheduler import SCHEDULE, Scheduler
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory


def _stale_registration():
    return RegistrationFactory(expires_at=timezone.now() - datetime.timedelta(minutes=1))


def _status(registration):
    registration.refresh_from_db()
    return registration.status


@pytest.mark.django_db(transaction=True)
def test_it_expires_stale_registrations_on_its_first_run():
    registration = _stale_registration()

    call_command("run_scheduler", "--once")

    assert _status(registration) == Registration.Status.CANCELLED
    assert registration.cancel_reason == Registration.CancelReason.EXPIRED
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 0


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_job_again_only_after_its_interval():
    scheduler = Scheduler([("expire_registrations", 60)])
    assert scheduler.run_due(1000.0) == ["expire_registrations"]

    registration = _stale_registration()
    assert scheduler.run_due(1030.0) == []
    assert _status(registration) == Registration.Status.PENDING
    assert scheduler.seconds_until_next(1030.0) == 30.0

    assert scheduler.run_due(1060.0) == ["expire_registrations"]
    assert _status(registration) == Registration.Status.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_it_skips_a_command_that_is_not_installed_and_warns_once(caplog):
    scheduler = Scheduler([("no_such_command", 60), ("expire_registrations", 60)])
    registration = _stale_registration()

    with caplog.at_level(logging.WARNING):
        assert scheduler.run_due(0.0) == ["expire_registrations"]
        assert scheduler.run_due(60.0) == ["expire_registrations"]

    warnings = [r for r in caplog.records if "no_such_command" in r.getMessage()]
    assert len(warnings) == 1
    assert _status(registration) == Registration.Status.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_it_keeps_running_the_other_jobs_when_one_fails(caplog):
    # check_seats exits with status 1 on drift: a failing job.
    drifted = RegistrationFactory().ticket
    Ticket.objects.filter(pk=drifted.pk).update(sold=5)
    registration = _stale_registration()
    scheduler = Scheduler([("check_seats", 60), ("expire_registrations", 60)])

    with caplog.at_level(logging.ERROR):
        assert scheduler.run_due(0.0) == ["check_seats", "expire_registrations"]

    assert any("check_seats failed" in r.getMessage() for r in caplog.records)
    assert _status(registration) == Registration.Status.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_it_touches_the_heartbeat_file_on_every_wake_up(tmp_path):
    heartbeat = tmp_path / "heartbeat"
    scheduler = Scheduler([("expire_registrations", 60)], heartbeat=heartbeat)

    scheduler.run_due(0.0)
    assert heartbeat.exists()
    os.utime(heartbeat, (0, 0))

    assert scheduler.run_due(10.0) == []  # nothing due, still alive
    assert heartbeat.stat().st_mtime > 0


def test_the_schedule_runs_expiry_every_minute_reconciliation_every_five_and_waiting_rooms_every_ten_seconds():
    assert dict(SCHEDULE) == {"expire_registrations": 60, "reconcile_payments": 300, "refresh_waiting_rooms": 10}
