"""The gate on every buying endpoint while an event's room is on, and the passes it takes (both stores)."""

import datetime
import time
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import EventFactory, TicketFactory
from payments.models import Payment
from registrations import services as registration_services
from waitingroom import gate, passes, services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ticket(store):
    return TicketFactory(quota=50)


@pytest.fixture
def room(ticket):
    return services.configure(
        event=ticket.event,
        changes={"enabled": True, "opens_at": timezone.now() - datetime.timedelta(minutes=5), "rate_per_minute": 6000},
    )


def _pass(event, user, *, minutes: float = 15) -> str:
    return passes.issue(event_id=event.pk, user_id=user.pk, expires=int(time.time() + minutes * 60))


def _tampered(token: str, index: int) -> str:
    """Return `token` with the character at `index` replaced by another."""
    chars = list(token)
    chars[index] = "B" if chars[index] != "B" else "C"
    return "".join(chars)


def _refused(answer, event):
    assert answer.status_code == 403, answer.content
    assert answer.json() == {
        "code": "waiting_room", "detail": answer.json()["detail"],
        "join_url": f"/api/v1/waiting-room/{event.slug}/join/", "queue_url": f"/events/{event.slug}/queue/",
    }


def _buy_one(client, ticket, **headers):
    return client.post("/api/v1/registrations/", {"ticket": str(ticket.pk)}, format="json", headers=headers)


def _order_one(client, ticket, **headers):
    return client.post(
        "/api/v1/orders/", {"event": str(ticket.event_id), "items": [{"ticket": str(ticket.pk), "quantity": 1}]},
        format="json", headers=headers,
    )


@pytest.mark.parametrize("buy", [_buy_one, _order_one], ids=["registrations", "orders"])
def test_buying_without_a_pass_is_refused_with_where_to_join(client_for, ticket, room, buy):
    user = UserFactory()
    _refused(buy(client_for(user), ticket), ticket.event)
    assert ticket.registrations.count() == 0


@pytest.mark.parametrize("buy", [_buy_one, _order_one], ids=["registrations", "orders"])
def test_buying_with_a_pass_goes_through(client_for, ticket, room, buy):
    user = UserFactory()
    answer = buy(client_for(user), ticket, **{"X-Waiting-Room-Pass": _pass(ticket.event, user)})
    assert answer.status_code == 201, answer.content


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda event, user, other: _pass(EventFactory(), user), id="another event"),
        pytest.param(lambda event, user, other: _pass(event, other), id="another user"),
        pytest.param(lambda event, user, other: _pass(event, user, minutes=-1), id="expired"),
        pytest.param(lambda event, user, other: _tampered(_pass(event, user), -3), id="tampered tag"),
        pytest.param(lambda event, user, other: _tampered(_pass(event, user), -1), id="spare bits of the tag"),
        pytest.param(
            lambda event, user, other: (lambda p: "WP1." + p.split(".")[1][:-4] + "AAAA." + p.split(".")[2])(
                _pass(event, user)), id="tampered body"),
        pytest.param(lambda event, user, other: "WP1.bm90aGluZw.bm90aGluZw", id="made up"),
        pytest.param(lambda event, user, other: "x" * 5000, id="huge"),
    ],
)
def test_a_pass_that_is_not_this_buyers_for_this_event_is_refused(client_for, ticket, room, make):
    user, other = UserFactory(), UserFactory()
    answer = _buy_one(client_for(user), ticket, **{"X-Waiting-Room-Pass": make(ticket.event, user, other)})
    _refused(answer, ticket.event)


def test_the_pass_cookie_of_the_site_counts_too(client_for, ticket, room):
    user = UserFactory()
    client = client_for(user)
    client.cookies[gate.cookie_name(ticket.event_id)] = _pass(ticket.event, user)
    assert _buy_one(client, ticket).status_code == 201


def test_a_room_that_is_off_lets_everyone_buy_and_costs_the_gate_no_query(client_for, ticket, rf):
    user = UserFactory()
    request = rf.post("/")
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        assert gate.require_admission(request, ticket.event) is None
        assert gate.site_refusal(request, ticket.event) is None
    assert len(queries) == 0
    assert _buy_one(client_for(user), ticket).status_code == 201


def test_switching_the_room_off_opens_the_doors_at_once(client_for, ticket, room):
    user = UserFactory()
    _refused(_buy_one(client_for(user), ticket), ticket.event)
    services.configure(event=ticket.event, changes={"enabled": False})
    assert _buy_one(client_for(user), ticket).status_code == 201


def _site(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.PAYMENT_SIMULATOR = True
    settings.MIDTRANS_SNAP_BASE_URL = settings.MIDTRANS_CORE_BASE_URL = settings.XENDIT_API_HOST = ""


def test_starting_to_pay_a_new_order_needs_a_pass_but_resuming_one_does_not(client_for, ticket, live_server, settings):
    _site(live_server, settings)
    user = UserFactory()
    registration = registration_services.reserve(ticket=ticket, user=user)  # bought before the room was switched on
    services.configure(event=ticket.event, changes={"enabled": True, "opens_at": timezone.now()})
    client = client_for(user)
    body = {"registration": str(registration.pk), "provider": "xendit"}
    _refused(client.post("/api/v1/payments/start/", body, format="json"), ticket.event)
    _refused(client.post("/api/v1/payments/start/", {"order": str(registration.order_id), "provider": "xendit"},
                         format="json"), ticket.event)
    started = client.post("/api/v1/payments/start/", body, format="json",
                          headers={"X-Waiting-Room-Pass": _pass(ticket.event, user)})
    assert started.status_code == 201, started.content
    # The pass has run out since, but the seat is held and the payment started: resuming it is allowed.
    again = client.post("/api/v1/payments/start/", body, format="json")
    assert again.status_code == 200, again.content
    assert Payment.objects.filter(registration=registration).count() == 1


def test_the_site_sends_a_buyer_without_a_pass_to_the_queue(client, ticket, room):
    user = UserFactory()
    client.force_login(user)
    answer = client.post(f"/events/{ticket.event.slug}/register/", {"ticket": str(ticket.pk)})
    assert answer.status_code == 302
    assert answer["Location"] == f"/events/{ticket.event.slug}/queue/"
    assert ticket.registrations.count() == 0
    client.cookies[gate.cookie_name(ticket.event_id)] = _pass(ticket.event, user)
    answer = client.post(f"/events/{ticket.event.slug}/register/", {"ticket": str(ticket.pk)})
    assert answer.status_code == 302
    assert answer["Location"] != f"/events/{ticket.event.slug}/queue/"
    assert ticket.registrations.count() == 1


def test_the_site_checkout_of_a_new_order_sends_a_buyer_without_a_pass_to_the_queue(client, ticket):
    user = UserFactory()
    registration = registration_services.reserve(ticket=ticket, user=user)
    services.configure(event=ticket.event, changes={"enabled": True, "opens_at": timezone.now()})
    client.force_login(user)
    answer = client.post(f"/checkout/{registration.pk}/", {"method": "qris"})
    assert answer.status_code == 302
    assert answer["Location"] == f"/events/{ticket.event.slug}/queue/"
    assert not Payment.objects.filter(registration=registration).exists()


def test_a_pass_names_its_event_user_and_expiry_and_nothing_else_verifies():
    event_id, user_id = uuid.uuid4(), uuid.uuid4()
    token = passes.issue(event_id=event_id, user_id=user_id, expires=2_000_000_000)
    assert token.startswith("WP1.")
    assert passes.is_valid(token, event_id=event_id, user_id=user_id, now=1_999_999_999)
    assert not passes.is_valid(token, event_id=event_id, user_id=user_id, now=2_000_000_000)
    assert not passes.is_valid(token, event_id=uuid.uuid4(), user_id=user_id, now=0)
    assert not passes.is_valid(token, event_id=event_id, user_id=uuid.uuid4(), now=0)
    assert not passes.is_valid(token.replace("WP1", "WP2"), event_id=event_id, user_id=user_id, now=0)
    assert not passes.is_valid(None, event_id=event_id, user_id=user_id, now=0)


def test_a_pass_is_signed_with_the_sites_secret(settings):
    event_id, user_id = uuid.uuid4(), uuid.uuid4()
    token = passes.issue(event_id=event_id, user_id=user_id, expires=2_000_000_000)
    settings.SECRET_KEY = "another-secret-" + "x" * 40
    assert not passes.is_valid(token, event_id=event_id, user_id=user_id, now=0)


def test_check_deploy_warns_when_production_has_no_redis(settings):
    from django.core import checks

    settings.DEBUG, settings.REDIS_URL = False, ""
    assert [m.id for m in checks.run_checks(include_deployment_checks=True, tags=["compatibility"])] == ["waitingroom.W001"]
    settings.REDIS_URL = "redis://redis:6379/0"
    assert checks.run_checks(include_deployment_checks=True, tags=["compatibility"]) == []


def test_the_sites_order_checkout_sends_a_buyer_without_a_pass_to_the_queue(client, ticket, room):
    user = UserFactory()
    client.force_login(user)
    answer = client.post(f"/events/{ticket.event.slug}/checkout/", {f"qty_{ticket.pk}": "1"})
    assert answer.status_code == 302
    assert answer["Location"] == f"/events/{ticket.event.slug}/queue/"
    client.cookies[gate.cookie_name(ticket.event_id)] = _pass(ticket.event, user)
    answer = client.get(f"/events/{ticket.event.slug}/checkout/")
    assert answer.get("Location") != f"/events/{ticket.event.slug}/queue/"
