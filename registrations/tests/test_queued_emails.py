"""A purchase's email with the database task queue: queued in the purchase's own transaction, never without it."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import TicketFactory
from registrations import services, tasks
from registrations.models import Registration
from registrations.services import orders

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}}


def _emails():
    return [(row.args_kwargs["args"][0], row.args_kwargs["args"][1]) for row in DBTaskResult.objects.all()]


def test_the_received_email_is_queued_inside_the_purchase_and_commits_once(database_queue):
    assert tasks.queued_in_transaction(tasks.send_registration_email)
    ticket = TicketFactory(quota=5)
    with CaptureQueriesContext(connection) as queries:
        registration = services.reserve(ticket=Ticket.objects.select_related("event").get(pk=ticket.pk),
                                        user=UserFactory())
    statements = [q["sql"] for q in queries]
    assert _emails() == [(str(registration.pk), "received")]
    # One transaction: the task row is written before the seat is taken, in the round trip that takes it
    # and commits, and there is a single COMMIT.
    last = next(sql for sql in statements if 'UPDATE "events_ticket"' in sql)
    assert sum("dbtaskresult" in sql for sql in statements) == 1
    assert last.index("dbtaskresult") < last.index('UPDATE "events_ticket"') < last.index("COMMIT")
    assert sum(sql == "COMMIT" or sql.endswith("; COMMIT") for sql in statements) == 1
    assert sum(sql == "BEGIN" or sql.startswith("BEGIN;") for sql in statements) == 1
    assert not [sql for sql in statements if "COUNT(" in sql]  # a just-placed order is known whole


def test_an_order_of_several_tickets_queues_its_one_email_inside_too(database_queue):
    ticket = TicketFactory(quota=5, max_per_user=4)
    with CaptureQueriesContext(connection) as queries:
        order = services.place_order(user=UserFactory(), event=ticket.event, items=[services.Item(ticket, 2)])
    assert _emails() == [(str(order.pk), "received")]
    assert [q["sql"] for q in queries].count("COMMIT") == 1


def test_a_purchase_refused_after_its_rows_were_written_queues_no_email(database_queue):
    ticket = TicketFactory(quota=1)
    read = Ticket.objects.select_related("event").get(pk=ticket.pk)
    services.reserve(ticket=read, user=UserFactory())  # the last seat, taken meanwhile
    before = _emails()
    # `read` still shows the seat free: the attempt writes the order, its registration and the task, is
    # refused the seat, and rolls all of them back.
    with pytest.raises(orders.SoldOut):
        orders.place_single(ticket=read, user=UserFactory(), now=timezone.now())
    assert _emails() == before
    assert Registration.objects.filter(ticket=ticket).count() == 1


def test_the_immediate_backend_still_sends_after_the_commit():
    # `make run` and the tests run a task at once: its email must wait for the commit (no mail under a row lock).
    assert not tasks.queued_in_transaction(tasks.send_registration_email)


def _row(pk) -> dict:
    return DBTaskResult.objects.filter(pk=pk).values().get()


@pytest.mark.parametrize("quantity", [1, 2])
def test_a_purchase_writes_its_task_row_as_the_backend_enqueue_writes_it(database_queue, mailoutbox, quantity):
    # The purchase writes the row by hand in its last round trip: it must be the row the library's
    # own `enqueue` writes, send the signal it sends, and be run by its worker.
    from django.tasks.signals import task_enqueued
    from django_tasks_db import DatabaseBackend

    heard = []
    receiver = lambda sender, task_result, **kwargs: heard.append((sender, task_result))  # noqa: E731
    task_enqueued.connect(receiver)
    try:
        ticket = TicketFactory(quota=5, max_per_user=2)
        if quantity == 1:
            purchase = services.reserve(ticket=Ticket.objects.select_related("event").get(pk=ticket.pk),
                                        user=UserFactory())
            task_, args = tasks.send_registration_email, (str(purchase.pk), "received")
        else:
            purchase = services.place_order(user=UserFactory(), event=ticket.event, items=[services.Item(ticket, 2)])
            task_, args = tasks.send_order_email, (str(purchase.pk), "received")
        (ours,) = DBTaskResult.objects.all()
        theirs = task_.enqueue(*args)
    finally:
        task_enqueued.disconnect(receiver)

    written, expected = _row(ours.pk), _row(theirs.id)
    assert set(written) == set(expected)
    assert isinstance(written["id"], type(expected["id"])) and written["id"].version == expected["id"].version
    assert abs(written["enqueued_at"] - expected["enqueued_at"]).total_seconds() < 60
    differ = {"id", "enqueued_at"}
    assert {k: v for k, v in written.items() if k not in differ} == {k: v for k, v in expected.items() if k not in differ}
    # The signal, as the backend sends it: from its class, with the row's result.
    assert [sender for sender, _ in heard] == [DatabaseBackend, DatabaseBackend]
    sent = heard[0][1]
    assert (str(sent.id), sent.args, sent.kwargs, sent.status) == (str(ours.pk), list(args), {}, theirs.status)
    assert sent.task.module_path == task_.module_path

    DBTaskResult.objects.filter(pk=theirs.id).delete()
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    assert DBTaskResult.objects.get(pk=ours.pk).status == "SUCCESSFUL"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [Registration.objects.filter(order__pk=getattr(purchase, "order_id", purchase.pk))
                                .first().user.email]
