"""Background tasks of registrations: the emails, sent after the change commits."""

import logging
from collections.abc import Callable

from django.tasks import task

from eventhub.mail import retry_later

logger = logging.getLogger(__name__)


def _send_or_retry(send: Callable[[], None], *, retry, args: tuple, attempt: int, what: str) -> None:
    """Send an email; on failure queue `retry(*args)` with backoff, and raise once no retry is left."""
    try:
        send()
    except Exception:
        queued = retry_later(retry, *args, attempt=attempt)
        logger.exception("Sending %s failed (attempt %d, %s)", what, attempt, "retry queued" if queued else "giving up")
        if not queued:
            raise


def queued_in_transaction(task_) -> bool:
    """Return whether enqueuing `task_` writes a row in the default database (django-tasks-db), so it is transactional.

    Such a task enqueued inside a transaction commits with it or not at all
    (no task for a purchase that rolled back, none lost if the process dies
    after the commit), and costs no commit of its own. Any other backend
    (the immediate one of `make run` and the tests runs the task at once)
    must wait for the commit.
    """
    from django.db import DEFAULT_DB_ALIAS, router
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    return isinstance(task_.get_backend(), DatabaseBackend) and router.db_for_write(DBTaskResult) == DEFAULT_DB_ALIAS


def task_row(task_, *args, **kwargs):
    """Return the django-tasks-db row that `task_.enqueue(*args, **kwargs)` would write, not yet written.

    For a caller that sends its INSERT (`eventhub.inserts.statement`) with
    other statements in one round trip; call `row_written(row)` once it is.
    Built as `DatabaseBackend.enqueue` builds it (the task validated, the
    backend's id, the task's priority, queue, `run_after` and path), and
    `pre_save` is sent as `objects.create` sends it (the library's receiver
    turns no `run_after` into its far-future date). Only for a backend
    `queued_in_transaction` accepts; a test compares such a row field by
    field with one the backend writes.
    """
    from django.db import DEFAULT_DB_ALIAS
    from django.db.models.signals import pre_save
    from django_tasks_db.compat import normalize_json
    from django_tasks_db.models import DBTaskResult

    backend = task_.get_backend()
    backend.validate_task(task_)
    row = DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
        priority=task_.priority,
        task_path=task_.module_path,
        queue_name=task_.queue_name,
        run_after=task_.run_after,
        backend_name=backend.alias,
    )
    pre_save.send(sender=DBTaskResult, instance=row, raw=False, using=DEFAULT_DB_ALIAS, update_fields=None)
    return row


def row_written(row) -> None:
    """Finish what `enqueue` does once a `task_row` is written: `post_save`, then the `task_enqueued` signal."""
    from django.db import DEFAULT_DB_ALIAS
    from django.db.models.signals import post_save
    from django.tasks import task_backends
    from django_tasks_db.compat import task_enqueued

    from eventhub import inserts

    inserts.saved([row])
    post_save.send(sender=type(row), instance=row, created=True, update_fields=None, raw=False, using=DEFAULT_DB_ALIAS)
    task_enqueued.send(type(task_backends[row.backend_name]), task_result=row.task_result)


@task(queue_name="email")
def send_registration_email(registration_id: str, kind: str, attempt: int = 1) -> None:
    """Send one registration email (`received`, `ticket`, `cancelled`), retrying with backoff on failure."""
    from . import emails
    from .models import Registration

    registration = (
        Registration.objects.select_related("user", "event", "ticket").filter(pk=registration_id).first()
    )
    if registration is None:
        return
    _send_or_retry(
        lambda: emails.send(registration=registration, kind=kind), retry=send_registration_email,
        args=(registration_id, kind), attempt=attempt, what=f"the {kind} email for registration {registration_id}",
    )


@task(queue_name="email")
def send_order_email(order_id: str, kind: str, attempt: int = 1) -> None:
    """Send one order email to its buyer (`received`, `confirmed`, `cancelled`), retrying with backoff on failure."""
    from . import emails
    from .models import Order

    order = Order.objects.select_related("user", "event", "voucher").filter(pk=order_id).first()
    if order is None:
        return
    _send_or_retry(
        lambda: emails.send_order(order=order, kind=kind), retry=send_order_email,
        args=(order_id, kind), attempt=attempt, what=f"the {kind} email for order {order_id}",
    )


@task(queue_name="email")
def send_waitlist_offer_email(entry_id: str, attempt: int = 1) -> None:
    """Tell the next in line that seats are held for them, with the link to claim them; retry on failure."""
    from . import emails
    from .models import WaitlistEntry

    entry = WaitlistEntry.objects.select_related("user", "event", "ticket").filter(pk=entry_id).first()
    if entry is None or entry.status != WaitlistEntry.Status.OFFERED:
        return
    _send_or_retry(
        lambda: emails.send_waitlist_offer(entry=entry), retry=send_waitlist_offer_email,
        args=(entry_id,), attempt=attempt, what=f"the waiting-list offer for entry {entry_id}",
    )
