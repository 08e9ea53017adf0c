"""A sale's round trips, and its own transaction: BEGIN with its first statements, COMMIT with its seat, nothing left open on any exit.

Outside a transaction (as in production) a one-ticket sale sends BEGIN, the
buyer's lock and their holds in one round trip while Django's connection
stays in autocommit (`seats.own_transaction`); these tests run outside the
test transaction so that path is the one taken.
"""

import datetime
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from psycopg.pq import TransactionStatus

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import TicketFactory
from registrations import services
from registrations.models import Order, Registration
from registrations.services import orders
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)

REGISTRATIONS = "/api/v1/registrations/"


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}}


def _read(ticket) -> Ticket:
    return Ticket.objects.select_related("event").get(pk=ticket.pk)


def _left_clean() -> None:
    """Assert the connection is out of any transaction and holds no buyer's lock."""
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    assert connection.get_autocommit() and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        assert cursor.fetchone() == (0,)


def test_a_sale_is_three_round_trips_committed_once(client_for, user, database_queue):
    client, ticket = client_for(user), TicketFactory()
    client.get("/api/v1/events/")  # connected: the first request's connection set-up is not the sale's

    with CaptureQueriesContext(connection) as queries:
        response = client.post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json")

    assert response.status_code == 201
    sent = [query["sql"] for query in queries]
    # The buyer's account and the ticket type read; BEGIN, the buyer's lock and their holds; the order,
    # its ticket and its email's task row written, the seat taken and the transaction committed.
    assert len(sent) == 3, sent
    assert sent[0].startswith("SELECT password") and "; SELECT t.created_at" in sent[0]
    assert sent[1].startswith("BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('buyer:")
    assert sent[2].startswith('INSERT INTO "registrations_order"') and sent[2].endswith("; COMMIT")
    assert "dbtaskresult" in sent[2]
    assert Registration.objects.get().user == user
    _left_clean()


def test_a_sale_refused_its_seat_rolls_back_its_own_transaction():
    ticket = TicketFactory(quota=1)
    read = _read(ticket)
    services.reserve(ticket=read, user=UserFactory())  # the last seat, taken since `read`

    with pytest.raises(orders.SoldOut):
        orders.place_single(ticket=read, user=UserFactory(), now=timezone.now())

    _left_clean()
    assert Registration.objects.filter(ticket=ticket).count() == 1 and Order.objects.count() == 1
    # The connection serves the next sale.
    assert services.reserve(ticket=_read(TicketFactory()), user=UserFactory()).pk


def test_an_error_inside_the_sale_rolls_it_back(monkeypatch):
    ticket, buyer = TicketFactory(), UserFactory()

    def broken(**kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(orders.seats, "take_seats_and_commit", broken)
    with pytest.raises(RuntimeError):
        services.reserve(ticket=_read(ticket), user=buyer)
    _left_clean()
    monkeypatch.undo()

    assert not Registration.objects.exists()
    assert services.reserve(ticket=_read(ticket), user=buyer).user == buyer


def test_a_refused_sale_through_the_api_leaves_the_next_request_fine(client_for, user, monkeypatch):
    ticket = TicketFactory(quota=1)
    write = orders._write

    def others_buy_first(**kwargs):
        # Another buyer takes the last seat (on a connection of their own) while this sale writes its rows.
        other = threading.Thread(target=lambda: (Ticket.objects.filter(pk=ticket.pk).update(sold=1),
                                                 connection.close()))
        other.start()
        other.join()
        return write(**kwargs)

    monkeypatch.setattr(orders, "_write", others_buy_first)
    refused = client_for(user).post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json")
    monkeypatch.undo()

    assert refused.status_code == 409 and refused.json()["code"] == "sold_out"
    _left_clean()
    assert not Registration.objects.filter(ticket=ticket).exists()
    bought = client_for(user).post(REGISTRATIONS, {"ticket": str(TicketFactory().pk)}, format="json")
    assert bought.status_code == 201
    _left_clean()


def test_a_buyer_holding_a_ticket_is_refused_and_one_whose_hold_ran_out_buys_again():
    ticket = TicketFactory(quota=5)
    holder, late = UserFactory(), UserFactory()
    RegistrationFactory(ticket=ticket, user=holder)
    stale = RegistrationFactory(ticket=ticket, user=late, expires_at=timezone.now() - datetime.timedelta(seconds=1))

    with pytest.raises(services.RegistrationError) as refused:
        services.reserve(ticket=_read(ticket), user=holder)
    assert refused.value.code == "already_registered"
    _left_clean()

    bought = services.reserve(ticket=_read(ticket), user=late)
    _left_clean()
    stale.refresh_from_db()
    assert stale.status == Registration.Status.CANCELLED and bought.status == Registration.Status.PENDING
    assert Ticket.objects.get(pk=ticket.pk).sold == 2


def test_many_buyers_clicking_many_times_for_few_seats(race):
    ticket = TicketFactory(quota=7)
    read = _read(ticket)
    buyers = UserFactory.create_batch(15)

    results = race([lambda u=u: services.reserve(ticket=read, user=u) for u in buyers for _ in range(4)])

    won = [r for r in results if isinstance(r, Registration)]
    assert len(won) == 7 and len({r.user_id for r in won}) == 7
    assert len(results) - len(won) == results.count("sold_out") + results.count("already_registered")
    assert Ticket.objects.get(pk=ticket.pk).sold == 7
    active = Registration.objects.filter(ticket=ticket, status__in=Registration.ACTIVE_STATUSES)
    assert active.count() == 7 and active.values("user").distinct().count() == 7
    assert Order.objects.filter(event=ticket.event).count() == 7
