"""A purchase's email with the database task queue: queued in the purchase's own transaction, never without it."""

import pytest
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
    # One transaction: the task row is written before the seat is taken, and there is a single COMMIT.
    insert_task = next(i for i, sql in enumerate(statements) if "dbtaskresult" in sql)
    take_seat = next(i for i, sql in enumerate(statements) if 'UPDATE "events_ticket"' in sql)
    assert insert_task < take_seat < statements.index("COMMIT")
    assert statements.count("COMMIT") == 1
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
