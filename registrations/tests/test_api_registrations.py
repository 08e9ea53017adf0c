"""registrations/: buy through the reservation service, owner-scoped reads, cancel, QR image."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import EventFactory, FreeTicketFactory, TicketFactory
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

REGISTRATIONS = "/api/v1/registrations/"
PNG = b"\x89PNG\r\n\x1a\n"


def _sold(ticket):
    return Ticket.objects.get(pk=ticket.pk).sold


def test_buying_a_ticket_creates_a_pending_registration(client_for, user):
    ticket = TicketFactory()
    response = client_for(user).post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert body["amount"] == "150000"
    assert body["event"] == str(ticket.event_id) and body["ticket"] == str(ticket.pk)
    assert body["qr_code"] is None and body["qr_image_url"] is None
    assert body["expires_at"].endswith("+07:00")
    assert Registration.objects.get(pk=body["id"]).user == user
    assert _sold(ticket) == 1


def test_a_free_ticket_is_paid_at_once_with_its_qr(client_for, user):
    response = client_for(user).post(REGISTRATIONS, {"ticket": str(FreeTicketFactory().pk)}, format="json")
    body = response.json()
    assert response.status_code == 201
    assert body["status"] == "paid" and body["amount"] == "0"
    assert body["qr_code"].startswith("EH1.")
    assert body["qr_image_url"].endswith(f"/api/v1/registrations/{body['id']}/qr.png")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="elsewhere the ORM writes them, and no advisory lock")
def test_a_sale_is_six_statements_committed_once(client_for, user):
    client, ticket = client_for(user), TicketFactory()

    with CaptureQueriesContext(connection) as queries:
        response = client.post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json")

    assert response.status_code == 201
    sql = [" ".join(query["sql"].split()[:3]) for query in queries]
    # The test's own transaction turns the sale's into a savepoint: one, so one commit outside tests.
    assert [line for line in sql if "SAVEPOINT" in line][0].startswith("SAVEPOINT")
    assert sum(line.startswith("SAVEPOINT") for line in sql) == 1
    statements = [line for line in sql if "SAVEPOINT" not in line]
    # The buyer and the ticket type read together; their purchases serialised; their holds read; the
    # order and its ticket written (with the database task queue, its email's task row too); the seat
    # taken last, so that its row stays locked only until the commit. Outside a transaction (production)
    # these are three round trips: see test_sale_transaction.
    assert len(statements) == 6, statements
    assert queries[0]["sql"].startswith("SELECT password") and "JOIN events_event" in queries[0]["sql"]
    assert statements[-1].startswith('UPDATE "events_ticket" SET')


@pytest.mark.parametrize("change, code", [
    (lambda user: user.delete(), "user_not_found"),
    (lambda user: type(user).objects.filter(pk=user.pk).update(is_active=False), "user_inactive"),
])
def test_a_purchase_whose_account_is_gone_is_refused_as_any_request_is(client_for, user, change, code):
    # The account is read with the ticket type: it is refused exactly as authenticating refuses it.
    client, ticket = client_for(user), TicketFactory()
    change(user)
    response = client.post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert not Registration.objects.exists()


@pytest.mark.parametrize("body", [{"ticket": "not-a-uuid"}, {"ticket": "00000000-0000-4000-8000-000000000000"}, {}])
def test_a_purchase_naming_no_ticket_type_is_400_after_the_buyer_is_known(client_for, user, body):
    response = client_for(user).post(REGISTRATIONS, body, format="json")
    assert response.status_code == 400
    assert not Registration.objects.exists()


@pytest.mark.parametrize("content_type", ["text/plain", "application/json"])
def test_a_purchase_without_a_valid_token_is_401_whatever_its_body(api_client, content_type):
    # The body is read with the account only for a bearer whose token is valid: before, nothing parses it.
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}):
        response = api_client.post(REGISTRATIONS, data="{not json", content_type=content_type, **headers)
        assert response.status_code == 401, (headers, response.content)


def test_a_purchase_checks_its_access_token_once(client_for, user, monkeypatch):
    from accounts import authentication

    check, decoded = authentication.access_token, []
    monkeypatch.setattr(authentication, "access_token", lambda raw: decoded.append(1) or check(raw))
    # The sold-out board is asked before the account is read, and authenticating reuses what it validated.
    response = client_for(user).post(REGISTRATIONS, {"ticket": str(TicketFactory().pk)}, format="json")
    assert response.status_code == 201
    assert len(decoded) == 1


@pytest.mark.parametrize("make_ticket", [TicketFactory, FreeTicketFactory])
def test_a_purchase_is_answered_as_the_registration_serializer_answers(client_for, user, make_ticket):
    ticket = make_ticket()
    client = client_for(user)
    bought = client.post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json").json()
    again = client.post(REGISTRATIONS, {"ticket": str(make_ticket().pk)}, format="json").json()  # the thread's fields reused

    assert bought == client.get(f"{REGISTRATIONS}{bought['id']}/").json()
    assert again == client.get(f"{REGISTRATIONS}{again['id']}/").json()


@pytest.mark.parametrize(
    "make_ticket, code",
    [
        (lambda: TicketFactory(quota=0), "sold_out"),
        (lambda: TicketFactory(event=EventFactory(is_active=False)), "sales_closed"),
        (lambda: TicketFactory(event=EventFactory(event_date=timezone.now() - datetime.timedelta(hours=1))), "sales_closed"),
        (lambda: TicketFactory(sales_start=timezone.now() + datetime.timedelta(days=1)), "sales_closed"),
    ],
)
def test_refusals_are_409_with_a_code(client_for, user, make_ticket, code):
    ticket = make_ticket()
    response = client_for(user).post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == code
    assert not Registration.objects.exists()


def test_a_second_active_registration_for_the_event_is_409(client_for, user):
    ticket = TicketFactory()
    RegistrationFactory(user=user, ticket=ticket)
    response = client_for(user).post(REGISTRATIONS, {"ticket": str(ticket.pk)}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_registered"
    assert _sold(ticket) == 1


@pytest.mark.parametrize("value", ["00000000-0000-0000-0000-000000000000", "bukan-uuid", None])
def test_an_unknown_ticket_is_400_with_fields(client_for, user, value):
    response = client_for(user).post(REGISTRATIONS, {"ticket": value}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "ticket" in response.json()["fields"]


def test_buying_needs_authentication(api_client):
    assert api_client.post(REGISTRATIONS, {"ticket": str(TicketFactory().pk)}, format="json").status_code == 401


def test_users_list_only_their_own(client_for, user):
    mine = RegistrationFactory(user=user)
    RegistrationFactory()
    body = client_for(user).get(REGISTRATIONS).json()
    assert [r["id"] for r in body["results"]] == [str(mine.pk)]
    assert body["count"] == 1


def test_another_users_registration_is_404_for_detail_cancel_and_qr(client_for, user):
    other = RegistrationFactory(paid=True)
    client = client_for(user)
    for response in (
        client.get(f"{REGISTRATIONS}{other.pk}/"),
        client.post(f"{REGISTRATIONS}{other.pk}/cancel/"),
        client.get(f"{REGISTRATIONS}{other.pk}/qr.png"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert Registration.objects.get(pk=other.pk).status == "paid"


def test_another_users_registration_is_404_by_filter_too(client_for, user):
    other = RegistrationFactory()
    assert client_for(user).get(REGISTRATIONS, {"event": str(other.event_id)}).json()["count"] == 0


def test_admin_lists_all_and_filters_by_event_status_and_email(client_for, staff):
    sari = UserFactory(email="sari@contoh.id")
    wanted = RegistrationFactory(user=sari, paid=True)
    RegistrationFactory(ticket=wanted.ticket)
    RegistrationFactory()
    client = client_for(staff)
    assert client.get(REGISTRATIONS).json()["count"] == 3
    assert client.get(REGISTRATIONS, {"event": str(wanted.event_id)}).json()["count"] == 2
    assert [r["id"] for r in client.get(REGISTRATIONS, {"event": str(wanted.event_id), "status": "paid"}).json()["results"]] == [str(wanted.pk)]
    assert [r["id"] for r in client.get(REGISTRATIONS, {"search": "SARI@"}).json()["results"]] == [str(wanted.pk)]
    assert client.get(REGISTRATIONS, {"status": "lost"}).status_code == 400


def test_door_staff_find_a_ticket_by_its_attendee_not_only_its_buyer(client_for, staff):
    buyer = UserFactory(full_name="Ani Pembeliqu", email="ani@contoh.id")
    budi = RegistrationFactory(user=buyer, paid=True, attendee_name="Budi Qwertz", attendee_email="bqz@contoh.id")
    RegistrationFactory(ticket=budi.ticket, paid=True)
    client = client_for(staff)
    for term in ("qwertz", "BQZ@", "pembeliqu"):
        assert [r["id"] for r in client.get(REGISTRATIONS, {"search": term}).json()["results"]] == [str(budi.pk)], term
    assert client.get(REGISTRATIONS, {"search": "qwertz"}).json()["results"][0]["attendee_name"] == "Budi Qwertz"


def test_detail_shows_the_qr_once_paid(client_for, user):
    registration = RegistrationFactory(user=user, paid=True)
    body = client_for(user).get(f"{REGISTRATIONS}{registration.pk}/").json()
    assert body["qr_code"] == registration.qr_code
    assert body["paid_at"].endswith("+07:00")
    assert body["id"] == str(registration.pk)


def test_qr_png_for_the_owner_by_token_or_session_and_for_admins(client_for, client, user, staff):
    registration = RegistrationFactory(user=user, paid=True)
    url = f"{REGISTRATIONS}{registration.pk}/qr.png"
    response = client_for(user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response.content.startswith(PNG)
    assert client_for(staff).get(url, HTTP_ACCEPT="image/png").content.startswith(PNG)
    client.force_login(user)
    assert client.get(url).content.startswith(PNG)


def test_qr_png_is_404_before_payment_and_401_anonymous(client_for, api_client, user):
    registration = RegistrationFactory(user=user)
    url = f"{REGISTRATIONS}{registration.pk}/qr.png"
    response = client_for(user).get(url, HTTP_ACCEPT="image/png")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api_client.get(url).status_code == 401


def test_owner_cancels_a_pending_registration_and_again_is_unchanged(client_for, user):
    registration = RegistrationFactory(user=user)
    client = client_for(user)
    response = client.post(f"{REGISTRATIONS}{registration.pk}/cancel/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled" and body["cancel_reason"] == "user"
    assert _sold(registration.ticket) == 0
    again = client.post(f"{REGISTRATIONS}{registration.pk}/cancel/")
    assert again.status_code == 200
    assert again.json() == body
    assert _sold(registration.ticket) == 0


def test_owner_cannot_cancel_a_paid_registration(client_for, user):
    registration = RegistrationFactory(user=user, paid=True)
    response = client_for(user).post(f"{REGISTRATIONS}{registration.pk}/cancel/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_cancellable"
    assert Registration.objects.get(pk=registration.pk).status == "paid"
    assert _sold(registration.ticket) == 1


def test_admin_cancels_a_paid_registration_as_staff(client_for, staff):
    registration = RegistrationFactory(paid=True)
    response = client_for(staff).post(f"{REGISTRATIONS}{registration.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["cancel_reason"] == "staff"
    assert _sold(registration.ticket) == 0


def test_a_registration_says_when_it_was_used_at_the_door(db):
    from checkins.tests.factories import CheckinFactory
    from rest_framework.test import APIClient

    used = CheckinFactory().registration
    unused = RegistrationFactory(user=used.user, paid=True)
    client = APIClient()
    client.force_authenticate(used.user)
    rows = {row["id"]: row for row in client.get("/api/v1/registrations/").json()["results"]}
    assert rows[str(used.pk)]["checked_in_at"] is not None
    assert rows[str(unused.pk)]["checked_in_at"] is None
    assert rows[str(used.pk)]["event_timezone"] == used.event.timezone
