"""POST registrations/ once a ticket type is known to be sold out: refused without the database, served again the
moment a seat comes back (cancellation, expiry, a quota raised), in this process and in another."""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events import services as event_services
from events.models import Ticket
from events.tests.factories import TicketFactory
from registrations import services
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

REGISTRATIONS = "/api/v1/registrations/"


def buy(client_for, user, ticket):
    response = client_for(user).post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json")
    return response.status_code, response.json()


def sold_out_ticket(**fields):
    """A ticket type of one seat, held by someone."""
    ticket = TicketFactory(quota=1, **fields)
    holder = RegistrationFactory(ticket=ticket)
    return ticket, holder


@pytest.mark.django_db
def test_once_known_sold_out_a_refusal_reads_nothing_from_the_database(client_for, sold_out_board):
    ticket, _ = sold_out_ticket()
    assert buy(client_for, UserFactory(), ticket)[1]["code"] == "sold_out"  # the database says so: remembered
    buyer = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        status, body = buy(client_for, buyer, ticket)
    assert (status, body) == (409, {"code": "sold_out", "detail": "Tiket ini sudah habis terjual."})
    assert len(queries) == 0, [q["sql"] for q in queries]


@pytest.mark.django_db
@pytest.mark.parametrize("language, detail", [("en", "This ticket is sold out."), ("id", "Tiket ini sudah habis terjual.")])
def test_the_refusal_from_memory_is_the_refusal_from_the_database(client_for, sold_out_board, language, detail):
    ticket, _ = sold_out_ticket()
    answers = []
    for _ in range(2):  # the database's answer, then memory's
        response = client_for(UserFactory()).post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json",
                                                  HTTP_ACCEPT_LANGUAGE=language)
        answers.append((response.status_code, response.json(), response["Content-Type"]))
    assert answers[0] == answers[1] == (409, {"code": "sold_out", "detail": detail}, "application/json")


@pytest.mark.django_db
def test_a_holder_asking_again_still_hears_already_registered(client_for, sold_out_board):
    ticket, holder = sold_out_ticket()
    assert buy(client_for, UserFactory(), ticket)[1]["code"] == "sold_out"  # remembered
    assert buy(client_for, holder.user, ticket)[1]["code"] == "already_registered"


@pytest.mark.django_db(transaction=True)
def test_a_buyer_of_another_ticket_type_of_the_event_hears_already_registered(client_for, sold_out_board):
    ticket, _ = sold_out_ticket()
    other = TicketFactory(event=ticket.event, quota=5)
    buyer = UserFactory()
    assert buy(client_for, UserFactory(), ticket)[1]["code"] == "sold_out"  # remembered
    assert buy(client_for, buyer, other)[0] == 201
    assert buy(client_for, buyer, ticket)[1]["code"] == "already_registered"


@pytest.mark.django_db
def test_bad_credentials_are_still_401_on_a_sold_out_ticket(api_client, client_for, sold_out_board):
    ticket, _ = sold_out_ticket()
    buy(client_for, UserFactory(), ticket)
    assert api_client.post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")
    response = api_client.post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json")
    assert response.status_code == 401 and response.json()["code"] == "token_not_valid"


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_seat_is_bought_by_the_next_buyer(client_for, sold_out_board):
    ticket, holder = sold_out_ticket()
    assert buy(client_for, UserFactory(), ticket)[1]["code"] == "sold_out"
    response = client_for(holder.user).post(f"{REGISTRATIONS}{holder.pk}/cancel/")
    assert response.json()["status"] == "cancelled"
    status, body = buy(client_for, UserFactory(), ticket)
    assert status == 201 and body["status"] == "pending"
    assert buy(client_for, UserFactory(), ticket)[1]["code"] == "sold_out"
    assert Ticket.objects.get(pk=ticket.pk).sold == 1


@pytest.mark.django_db(transaction=True)
def test_a_hold_running_out_is_bought_by_the_next_buyer_at_that_moment(client_for, sold_out_board):
    ticket = TicketFactory(quota=1)
    RegistrationFactory(ticket=ticket, expires_at=timezone.now() + datetime.timedelta(seconds=1))
    assert buy(client_for, UserFactory(), ticket)[1]["code"] == "sold_out"
    assert buy(client_for, UserFactory(), ticket)[1]["code"] == "sold_out"  # from memory
    time.sleep(1.1)
    assert buy(client_for, UserFactory(), ticket)[0] == 201  # the mark ended with the hold: released, sold


@pytest.mark.django_db(transaction=True)
def test_a_quota_raised_is_on_sale_at_once(client_for, sold_out_board, staff):
    ticket, _ = sold_out_ticket()
    assert buy(client_for, UserFactory(), ticket)[1]["code"] == "sold_out"
    event_services.change_quota(Ticket.objects.get(pk=ticket.pk), 2)
    assert buy(client_for, UserFactory(), ticket)[0] == 201


@pytest.mark.django_db(transaction=True)
def test_a_ticket_type_saved_in_the_admin_answers_afresh(client_for, sold_out_board):
    ticket, _ = sold_out_ticket()
    assert buy(client_for, UserFactory(), ticket)[1]["code"] == "sold_out"
    saved = Ticket.objects.get(pk=ticket.pk)
    saved.sales_end = timezone.now() - datetime.timedelta(minutes=1)
    saved.sales_start = timezone.now() - datetime.timedelta(hours=1)
    saved.save()
    assert buy(client_for, UserFactory(), ticket)[1]["code"] == "sales_closed"
    event = saved.event
    saved.sales_end = None
    saved.save()
    event.is_active = False
    event.save()
    assert buy(client_for, UserFactory(), ticket)[1]["code"] == "sales_closed"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_seat_released_in_one_thread_is_sold_in_another(client_for, sold_out_board):
    """Buyers refused from memory in threads while a holder cancels in another: the seat is sold once, at once."""
    import threading

    ticket, holder = sold_out_ticket()
    assert buy(client_for, UserFactory(), ticket)[1]["code"] == "sold_out"
    clients = [client_for(buyer) for buyer in UserFactory.create_batch(6)]
    answers: list = []  # (started after the cancellation committed, started, answered, status, code)
    cancelled = threading.Event()
    done = threading.Event()

    def keep_buying(client):
        try:
            while not done.is_set():
                after, started = cancelled.is_set(), time.monotonic()
                response = client.post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json")
                answers.append((after, started, time.monotonic(), response.status_code, response.json().get("code")))
                if response.status_code == 201 or (after and time.monotonic() - started > 5):
                    done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=keep_buying, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    assert answers and all(a[3:] == (409, "sold_out") for a in answers)
    services.cancel(registration=holder)
    cancelled.set()
    for thread in threads:
        thread.join(30)
    sales = [a for a in answers if a[3] == 201]
    assert len(sales) == 1
    # Asked after the cancellation had committed, "sold out" is right only once the seat was sold again.
    assert all(a[2] > sales[0][1] for a in answers if a[0] and a[4] == "sold_out")
    assert Ticket.objects.get(pk=ticket.pk).sold == 1
    assert Registration.objects.filter(ticket=ticket, status__in=Registration.ACTIVE_STATUSES).count() == 1
    assert not services.seat_drift()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_servers_share_what_is_sold_out_and_a_cancellation_in_one_reaches_the_other():
    """Two gunicorn servers on one Redis: a seat cancelled through one is sold at once through the other."""
    import os
    import uuid

    import requests
    from rest_framework_simplejwt.tokens import AccessToken

    from eventhub.tests.servers import gunicorn

    ticket, holder = sold_out_ticket()
    shared = {"REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15",
              "REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}:"}

    def post(server, user, path=REGISTRATIONS, body=None):
        response = requests.post(f"{server.url}{path}", json=body, timeout=30,
                                 headers={"Authorization": f"Bearer {AccessToken.for_user(user)}"})
        return response.status_code, response.json()

    with gunicorn(workers=1, threads=2, **shared) as one, gunicorn(workers=1, threads=2, **shared) as two:
        body = {"ticket": str(ticket.pk)}
        assert post(two, UserFactory(), body=body) == (409, {"code": "sold_out", "detail": "Tiket ini sudah habis terjual."})
        assert post(one, UserFactory(), body=body)[0] == 409
        assert post(one, holder.user, f"{REGISTRATIONS}{holder.pk}/cancel/")[1]["status"] == "cancelled"
        status, bought = post(two, UserFactory(), body=body)
        assert status == 201 and bought["status"] == "pending"
        assert post(one, UserFactory(), body=body)[1]["code"] == "sold_out"
    assert Ticket.objects.get(pk=ticket.pk).sold == 1
    assert not services.seat_drift()
