"""A buyer whose pass runs out: what was bought through the room stays payable; the queue takes them back in line."""

import datetime
import time
import uuid

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketFactory
from payments.models import Payment
from registrations.models import Registration
from waitingroom import gate, passes, services
from waitingroom.store import Room

from .test_gate import _refused, _site

pytestmark = pytest.mark.django_db(transaction=True)

OPENS = 1_900_000_000.0
SLUG = "konser-besar"
PASS = 900


@pytest.fixture
def ticket(store):
    ticket = TicketFactory(quota=50, price=150000)
    services.configure(event=ticket.event, changes={
        "enabled": True, "opens_at": timezone.now() - datetime.timedelta(minutes=5), "rate_per_minute": 6000,
    })
    return ticket


def _admitted(client, ticket) -> str:
    answer = client.post(f"/api/v1/waiting-room/{ticket.event.slug}/join/").json()
    assert answer["state"] == "admitted"
    return answer["pass"]


def _held_through_the_room(client_for, ticket, user) -> Registration:
    client = client_for(user)
    token = _admitted(client, ticket)
    bought = client.post("/api/v1/registrations/", {"ticket": str(ticket.pk)}, format="json",
                         headers={"X-Waiting-Room-Pass": token})
    assert bought.status_code == 201, bought.content
    return Registration.objects.get(pk=bought.json()["id"])


def test_a_seat_held_through_the_room_is_payable_after_the_pass_ran_out(client_for, ticket, live_server, settings):
    _site(live_server, settings)
    user = UserFactory()
    registration = _held_through_the_room(client_for, ticket, user)
    ran_out = passes.issue(event_id=ticket.event_id, user_id=user.pk, expires=int(time.time() - 1))
    started = client_for(user).post(
        "/api/v1/payments/start/", {"registration": str(registration.pk), "provider": "xendit"}, format="json",
        headers={"X-Waiting-Room-Pass": ran_out},
    )
    assert started.status_code == 201, started.content


def test_the_site_checkout_of_a_seat_held_through_the_room_needs_no_new_pass(client, client_for, ticket, live_server,
                                                                             settings):
    _site(live_server, settings)
    user = UserFactory()
    registration = _held_through_the_room(client_for, ticket, user)
    client.force_login(user)  # no pass cookie: it ran out
    answer = client.post(f"/checkout/{registration.pk}/", {"method": "qris"})
    assert answer.status_code == 302 and "/queue/" not in answer["Location"]
    assert Payment.objects.filter(registration=registration).exists()


def test_an_order_placed_after_the_pass_ran_out_still_needs_one(client_for, ticket, settings):
    user = UserFactory()
    registration = _held_through_the_room(client_for, ticket, user)
    # As if placed 20 minutes after the admission (say, by a pass that was not this buyer's own).
    Registration.objects.filter(pk=registration.pk).update(created_at=timezone.now() + datetime.timedelta(minutes=20))
    answer = client_for(user).post(
        "/api/v1/payments/start/", {"registration": str(registration.pk), "provider": "xendit"}, format="json",
    )
    _refused(answer, ticket.event)


def test_the_gate_counts_only_orders_placed_while_the_pass_was_good(ticket, rf, settings):
    user = UserFactory()
    request = rf.post("/")
    request.user = user
    now = time.time()
    services.get_store().visit(ticket.event.slug, str(user.pk), now=now, join=True)
    admitted = datetime.datetime.fromtimestamp(now, datetime.UTC)
    pass_length = datetime.timedelta(seconds=services.pass_seconds())
    assert gate.placed_while_admitted(request, ticket.event, admitted + pass_length - datetime.timedelta(seconds=1))
    assert not gate.placed_while_admitted(request, ticket.event, admitted - datetime.timedelta(minutes=1))
    assert not gate.placed_while_admitted(request, ticket.event, admitted + pass_length + datetime.timedelta(minutes=1))
    request.user = UserFactory()
    assert not gate.placed_while_admitted(request, ticket.event, admitted)


# --- The queue after a pass has run out (store level, both stores) ---------------------


def _room(store, *, rate: int = 1) -> str:
    event_id = str(uuid.uuid4())
    store.put_room(SLUG, Room(event_id=event_id, active=True, enabled=True, opens_at=OPENS, rate=rate))
    return event_id


def test_joining_again_after_the_pass_ran_out_goes_to_the_back_of_the_line(store):
    event_id = _room(store)  # one a minute
    first, second, third = (str(uuid.uuid4()) for _ in range(3))
    for index, user in enumerate((first, second, third)):
        store.visit(SLUG, user, now=OPENS + index, join=True)
    seen = store.visit(SLUG, first, now=OPENS + 60, join=True, requeue_after=PASS)
    assert seen.state == "admitted" and seen.rank == 0 and seen.cursor == 1

    # Still within the pass: joining again changes nothing.
    assert store.visit(SLUG, first, now=OPENS + 60 + PASS - 1, join=True, requeue_after=PASS).rank == 0
    # Polling after it ran out only says so (admitted, the pass gone); it takes a join to queue again.
    late = OPENS + 60 + PASS + 1
    polled = store.visit(SLUG, first, now=late, join=False)
    assert polled.state == "admitted" and polled.admitted_at == OPENS + 60
    again = store.visit(SLUG, first, now=late, join=True, requeue_after=PASS)
    # The second one is let through now (a minute's credit), the first is last, behind the third.
    assert again.state == "waiting" and again.rank == 2 and again.cursor == 1 and again.admitted_at is None
    assert store.visit(SLUG, second, now=late, join=False).state == "admitted"
    assert store.visit(SLUG, third, now=late, join=False).state == "waiting"
    assert store.admitted_at(event_id, first) is None
    # In turn (the third a minute later, then the first) the first is admitted again, with a new pass's time.
    assert store.visit(SLUG, third, now=late + 60, join=False).state == "admitted"
    readmitted = store.visit(SLUG, first, now=late + 120, join=False)
    assert readmitted.state == "admitted" and readmitted.admitted_at == late + 120
    assert store.stats(event_id, now=late + 120, pass_seconds=PASS)["waiting"] == 0


def test_joining_again_within_the_pass_or_before_admission_keeps_the_place(store):
    _room(store)
    users = [str(uuid.uuid4()) for _ in range(3)]
    for index, user in enumerate(users):
        store.visit(SLUG, user, now=OPENS + index, join=True)
    ranks = [store.visit(SLUG, user, now=OPENS + 10_000, join=True, requeue_after=PASS).rank for user in users]
    # Enough credit for one more at a time only (one batch): nobody waiting loses a place.
    assert ranks == [0, 1, 2]
