"""check_tasks, the worker's healthcheck: each case shows the command both passing and failing.

A check that passes says so; every passing case also fails with a tighter
--max-wait, so the task it enqueued is really looked at.
"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.tasks import send_registration_email


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}}


def _enqueue(*, waited: datetime.timedelta, deferred: bool = False):
    task = send_registration_email
    if deferred:
        task = task.using(run_after=timezone.now() - waited)
    result = task.enqueue("00000000-0000-0000-0000-000000000000", "received")
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - waited)
    return result


def _check(max_wait: int) -> str:
    out = io.StringIO()
    call_command("check_tasks", "--max-wait", str(max_wait), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_passes_when_no_task_waits(database_tasks):
    _enqueue(waited=datetime.timedelta(seconds=10))

    assert _check(300) == "No task has waited more than 300s.\n"
    with pytest.raises(CommandError, match="1 task"):
        _check(5)


@pytest.mark.django_db
def test_it_fails_when_a_task_has_waited_too_long(database_tasks):
    _enqueue(waited=datetime.timedelta(minutes=10))

    with pytest.raises(CommandError, match=r"^1 task\(s\) have waited more than 300s: is a worker running\?$"):
        _check(300)
    assert _check(900).startswith("No task has waited")


@pytest.mark.django_db
def test_it_counts_a_deferred_task_from_its_run_after(database_tasks):
    # Enqueued long ago but due only a minute ago: not overdue yet.
    result = _enqueue(waited=datetime.timedelta(minutes=1), deferred=True)
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))

    assert _check(300).startswith("No task has waited")
    with pytest.raises(CommandError, match="1 task"):
        _check(30)


@pytest.mark.django_db
def test_a_task_a_worker_has_taken_is_not_waiting(database_tasks):
    result = _enqueue(waited=datetime.timedelta(hours=1))
    with pytest.raises(CommandError, match="1 task"):
        _check(300)
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING")

    assert _check(300).startswith("No task has waited")


@pytest.mark.django_db
def test_it_counts_every_overdue_task(database_tasks):
    for waited in (10, 20, 30):
        _enqueue(waited=datetime.timedelta(minutes=waited))
    _enqueue(waited=datetime.timedelta(seconds=1))

    with pytest.raises(CommandError, match="^3 task"):
        _check(300)
