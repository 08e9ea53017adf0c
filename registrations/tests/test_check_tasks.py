import datetime

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


@pytest.mark.django_db
def test_it_passes_when_no_task_waits(database_tasks):
    _enqueue(waited=datetime.timedelta(seconds=10))

    call_command("check_tasks", "--max-wait", "300")


@pytest.mark.django_db
def test_it_fails_when_a_task_has_waited_too_long(database_tasks):
    _enqueue(waited=datetime.timedelta(minutes=10))

    with pytest.raises(CommandError, match="1 task"):
        call_command("check_tasks", "--max-wait", "300")


@pytest.mark.django_db
def test_it_counts_a_deferred_task_from_its_run_after(database_tasks):
    # Enqueued long ago but due only a minute ago: not overdue yet.
    result = _enqueue(waited=datetime.timedelta(minutes=1), deferred=True)
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))

    call_command("check_tasks", "--max-wait", "300")
