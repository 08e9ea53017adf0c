"""The orders migration makes every registration so far an order of one."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("registrations", "0002_timestamp_labels"), ("events", "0004_event_sales_page")]
AFTER = [("registrations", "0005_registration_order_required")]


@pytest.fixture
def executor():
    """Hand out a migration executor; leave every app migrated to its latest state afterwards."""
    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_it_gives_each_existing_registration_an_order_of_one_with_the_buyer_as_attendee(executor):
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    Event = old.get_model("events", "Event")
    Ticket = old.get_model("events", "Ticket")
    Registration = old.get_model("registrations", "Registration")
    buyer = User.objects.create(email="ani@example.com", full_name="Ani Lestari", password="x")
    event = Event.objects.create(title="Jazz", slug="jazz", event_date=timezone.now() + datetime.timedelta(days=9))
    ticket = Ticket.objects.create(event=event, name="Regular", price=150000, quota=10, sold=1)
    now = timezone.now()
    Registration.objects.create(
        user=buyer, event=event, ticket=ticket, qr_code="EH1.a.b", status="paid", amount=150000, paid_at=now
    )
    Registration.objects.create(
        user=buyer, event=event, ticket=ticket, qr_code="EH1.c.d", status="cancelled", amount=150000,
        cancelled_at=now, cancel_reason="expired",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = {
        r.qr_code: r for r in new.get_model("registrations", "Registration").objects.select_related("order")
    }
    paid, expired = rows["EH1.a.b"], rows["EH1.c.d"]

    assert (paid.order.status, paid.order.total, paid.order.paid_at) == ("paid", 150000, now)
    assert (expired.order.status, expired.order.total) == ("expired", 150000)
    assert paid.order_id != expired.order_id
    assert paid.order.user_id == buyer.pk and paid.order.number.startswith("EH-")
    assert (paid.attendee_name, paid.attendee_email) == ("Ani Lestari", "ani@example.com")
    new_ticket = new.get_model("events", "Ticket").objects.get(pk=ticket.pk)
    assert new_ticket.max_per_user == 1 and new_ticket.event.max_tickets_per_order == 10
