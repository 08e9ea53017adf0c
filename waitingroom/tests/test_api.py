"""The queue's API (join, poll) and the staff's room endpoint, on both stores."""

import concurrent.futures
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.factories import AdminFactory, UserFactory
from audit.models import AuditEntry
from events.models import EventMember
from events.tests.factories import EventFactory, TicketFactory
from waitingroom import gate, passes, services
from waitingroom.models import WaitingRoom

pytestmark = pytest.mark.django_db(transaction=True)

KEYS = {"state", "position", "ahead", "estimated_wait_seconds", "opens_at", "poll_after_seconds", "pass",
        "pass_expires_at", "event"}


@pytest.fixture
def ticket(store):
    return TicketFactory(quota=50)


def _open(event, *, minutes_ago: float = 5, rate: int = 6000, **changes):
    return services.configure(event=event, changes={
        "enabled": True, "opens_at": timezone.now() - datetime.timedelta(minutes=minutes_ago), "rate_per_minute": rate,
        **changes,
    })


def _bearer(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def _join(client, event):
    return client.post(f"/api/v1/waiting-room/{event.slug}/join/")


def _poll(client, event):
    return client.get(f"/api/v1/waiting-room/{event.slug}/")


def test_joining_answers_the_place_and_joining_again_the_same(ticket):
    _open(ticket.event, minutes_ago=-10)  # opens in ten minutes
    client = _bearer(UserFactory())
    first = _join(client, ticket.event)
    assert first.status_code == 200
    assert set(first.json()) == KEYS
    assert first.json()["state"] == "before_open"
    assert first.json()["position"] == 1 and first.json()["ahead"] == 0
    assert first.json()["pass"] is None
    assert 600 - 60 <= first.json()["estimated_wait_seconds"] <= 600 + 1
    assert first.json()["event"] == ticket.event.slug
    assert _join(client, ticket.event).json()["position"] == 1
    polled, joined = _poll(client, ticket.event).json(), _join(client, ticket.event).json()
    # The wait before the opening counts down by the second: the two answers may straddle one.
    assert abs(polled.pop("estimated_wait_seconds") - joined.pop("estimated_wait_seconds")) <= 1
    assert polled == joined


def test_an_admitted_buyer_gets_a_pass_in_the_answer_and_a_cookie_and_buys(ticket):
    _open(ticket.event)
    user = UserFactory()
    client = _bearer(user)
    answer = _join(client, ticket.event).json()
    assert answer["state"] == "admitted"
    assert answer["ahead"] == 0 and answer["estimated_wait_seconds"] == 0
    assert passes.is_valid(answer["pass"], event_id=ticket.event_id, user_id=user.pk,
                           now=timezone.now().timestamp())
    expires = datetime.datetime.fromisoformat(answer["pass_expires_at"])
    assert abs((expires - timezone.now()).total_seconds() - 15 * 60) < 5
    cookie = client.cookies[gate.cookie_name(ticket.event_id)]
    assert cookie.value == answer["pass"] and cookie["httponly"]
    bought = client.post("/api/v1/registrations/", {"ticket": str(ticket.pk)}, format="json",
                         headers={"X-Waiting-Room-Pass": answer["pass"]})
    assert bought.status_code == 201
    # Polling again keeps the same pass: the admission (and so its expiry) happened once.
    assert _poll(client, ticket.event).json()["pass_expires_at"] == answer["pass_expires_at"]


def test_the_pass_lasts_waiting_room_pass_minutes(ticket, settings):
    settings.WAITING_ROOM_PASS_MINUTES = 2
    _open(ticket.event)
    answer = _join(_bearer(UserFactory()), ticket.event).json()
    expires = datetime.datetime.fromisoformat(answer["pass_expires_at"])
    assert abs((expires - timezone.now()).total_seconds() - 120) < 5


def test_people_behind_see_how_many_are_ahead_and_the_wait(ticket):
    _open(ticket.event, minutes_ago=0, rate=1)
    clients = [_bearer(UserFactory()) for _ in range(20)]
    answers = [_join(client, ticket.event).json() for client in clients]
    last = answers[-1]
    assert last["state"] == "waiting"
    assert last["position"] == 20
    assert last["ahead"] >= 20 - 1 - 2  # one batch (one person) let through, and one a minute since
    assert last["estimated_wait_seconds"] == (last["ahead"] + 1) * 60  # one a minute
    assert last["poll_after_seconds"] == 2


def test_polling_before_joining_is_not_in_queue_and_an_unknown_event_not_found(ticket):
    _open(ticket.event)
    client = _bearer(UserFactory())
    answer = _poll(client, ticket.event)
    assert answer.status_code == 404 and answer.json()["code"] == "not_in_queue"
    for response in (_poll(client, type("E", (), {"slug": "tidak-ada"})),
                     _join(client, type("E", (), {"slug": "tidak-ada"}))):
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_inactive_event_has_no_queue(ticket):
    _open(ticket.event)
    ticket.event.is_active = False
    ticket.event.save()
    assert _join(_bearer(UserFactory()), ticket.event).json()["code"] == "not_found"


def test_a_room_that_is_off_says_so(ticket):
    answer = _join(_bearer(UserFactory()), ticket.event)
    assert answer.status_code == 200
    assert answer.json()["state"] == "off" and answer.json()["position"] is None


def test_anonymous_visitors_must_log_in(ticket):
    _open(ticket.event)
    assert _join(APIClient(), ticket.event).status_code == 401
    assert _poll(APIClient(), ticket.event).status_code == 401


def test_a_session_can_join_too(client, ticket):
    _open(ticket.event)
    client.force_login(UserFactory())
    answer = client.post(f"/api/v1/waiting-room/{ticket.event.slug}/join/")
    assert answer.status_code == 200 and answer.json()["state"] == "admitted"


def test_joining_and_polling_run_no_sql(ticket):
    _open(ticket.event, minutes_ago=0, rate=1)
    clients = [_bearer(UserFactory()) for _ in range(3)]
    _join(clients[0], ticket.event)  # settings already in the store (written when saved)
    with CaptureQueriesContext(connection) as queries:
        for client in clients:
            assert _join(client, ticket.event).status_code == 200
            assert _poll(client, ticket.event).status_code == 200
    assert [q["sql"] for q in queries] == []


def test_a_new_store_learns_the_settings_from_the_database_once(ticket, store):
    _open(ticket.event)
    store.put_room(ticket.event.slug, services.Room(event_id=str(ticket.event_id), active=True))  # stale: off
    services.sync_room(slug=ticket.event.slug)
    assert _join(_bearer(UserFactory()), ticket.event).json()["state"] == "admitted"


def test_200_users_joining_at_once_through_the_api_get_distinct_places(ticket):
    _open(ticket.event, minutes_ago=0, rate=1)
    clients = [_bearer(UserFactory()) for _ in range(200)]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda c: _join(c, ticket.event).json(), clients))
    assert sorted(a["position"] for a in answers) == list(range(1, 201))


def test_sold_out_is_told_to_those_waiting_and_taken_back_when_seats_return(ticket):
    _open(ticket.event, minutes_ago=0, rate=1)
    waiting = [_bearer(UserFactory()) for _ in range(3)]
    for client in waiting:
        _join(client, ticket.event)
    type(ticket).objects.filter(pk=ticket.pk).update(sold=ticket.quota)
    services.refresh_all()  # the scheduler's job
    assert _poll(waiting[-1], ticket.event).json()["state"] == "sold_out"
    assert _join(_bearer(UserFactory()), ticket.event).json()["state"] == "sold_out"
    ticket.refresh_from_db()
    ticket.quota += 10  # staff add seats: the room hears at once
    ticket.save()
    assert _poll(waiting[-1], ticket.event).json()["state"] == "waiting"


def test_a_buyer_arriving_at_a_sold_out_event_tells_the_room(ticket):
    _open(ticket.event, minutes_ago=0, rate=1)
    waiting = _bearer(UserFactory())
    _join(waiting, ticket.event)
    type(ticket).objects.filter(pk=ticket.pk).update(sold=ticket.quota)
    gate.forget_all()
    buyer = UserFactory()
    _bearer(buyer).post("/api/v1/registrations/", {"ticket": str(ticket.pk)}, format="json",
                        headers={"X-Waiting-Room-Pass": passes.issue(event_id=ticket.event_id, user_id=buyer.pk,
                                                                     expires=2_000_000_000)})
    assert _poll(waiting, ticket.event).json()["state"] == "sold_out"


# --- Staff ---------------------------------------------------------------------------


def _staff_url(event) -> str:
    return f"/api/v1/events/{event.slug}/waiting-room/"


def test_staff_see_the_default_settings_of_an_event_without_a_room(ticket):
    answer = _bearer(AdminFactory()).get(_staff_url(ticket.event))
    assert answer.status_code == 200
    assert answer.json()["enabled"] is False
    assert answer.json()["stats"] == {"waiting": 0, "admitted": 0, "buying": 0, "sold": 0}
    assert not WaitingRoom.objects.exists()


def test_a_manager_switches_the_room_on_and_it_is_audited(ticket):
    manager = UserFactory()
    EventMember.objects.create(event=ticket.event, user=manager, role=EventMember.Role.MANAGER)
    client = _bearer(manager)
    opens = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    answer = client.patch(_staff_url(ticket.event), {"enabled": True, "opens_at": opens.isoformat(),
                                                     "rate_per_minute": 500}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["enabled"] is True and answer.json()["rate_per_minute"] == 500
    assert datetime.datetime.fromisoformat(answer.json()["opens_at"]) == opens
    entry = AuditEntry.objects.get(action="waiting_room.add")
    assert entry.actor == manager and entry.event_id == ticket.event_id
    client.patch(_staff_url(ticket.event), {"paused": True}, format="json")
    entry = AuditEntry.objects.get(action="waiting_room.change")
    assert entry.changes == {"paused": [False, True]}
    # Buyers are sent to the queue at once.
    buyer = _bearer(UserFactory())
    assert buyer.post("/api/v1/registrations/", {"ticket": str(ticket.pk)}, format="json").json()["code"] == "waiting_room"
    assert _join(buyer, ticket.event).json()["state"] == "before_open"


def test_staff_see_the_queue_live(ticket):
    _open(ticket.event, minutes_ago=0, rate=1)
    for _ in range(4):
        _join(_bearer(UserFactory()), ticket.event)
    stats = _bearer(AdminFactory()).get(_staff_url(ticket.event)).json()["stats"]
    assert stats["waiting"] + stats["admitted"] == 4
    assert stats["buying"] == stats["admitted"]


@pytest.mark.parametrize("body", [
    {"rate_per_minute": 0}, {"rate_per_minute": -5}, {"rate_per_minute": 10**12}, {"rate_per_minute": "banyak"},
    {"opens_at": "besok"}, {"opens_at": "9999-01-01T00:00:00Z"}, {"enabled": "mungkin"},
])
def test_bad_settings_are_refused_with_the_field(ticket, body):
    answer = _bearer(AdminFactory()).patch(_staff_url(ticket.event), body, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid" and set(answer.json()["fields"]) == set(body)
    assert not WaitingRoom.objects.exists()


def test_who_may_see_and_change_a_room(ticket):
    other_event = EventFactory()
    manager, other_manager, door = UserFactory(), UserFactory(), UserFactory()
    EventMember.objects.create(event=ticket.event, user=manager, role=EventMember.Role.MANAGER)
    EventMember.objects.create(event=other_event, user=other_manager, role=EventMember.Role.MANAGER)
    EventMember.objects.create(event=ticket.event, user=door, role=EventMember.Role.DOOR)
    expected = {AdminFactory(): 200, manager: 200, other_manager: 404, door: 403, UserFactory(): 403}
    for user, status in expected.items():
        client = _bearer(user)
        assert client.get(_staff_url(ticket.event)).status_code == status
        assert client.patch(_staff_url(ticket.event), {"paused": True}, format="json").status_code == status
    assert APIClient().get(_staff_url(ticket.event)).status_code == 401


# --- The hot path ahead of the stack (waitingroom/middleware.py) ---------------------

FAST = "waitingroom.middleware.QueueMiddleware"


@pytest.fixture
def without_fast_path(settings):
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != FAST]


def _answers(event, users):
    """Join and poll as each user; return the bodies, statuses and the headers that matter."""
    found = []
    for user in users:
        client = _bearer(user)
        for response in (_join(client, event), _poll(client, event)):
            headers = {k: response.headers.get(k) for k in (
                "Content-Type", "Content-Length", "Cache-Control", "Content-Security-Policy", "X-Frame-Options",
                "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy")}
            body = response.json()
            for moving in ("estimated_wait_seconds", "pass", "pass_expires_at"):
                body[moving] = body[moving] is not None
            cookie = client.cookies.get(gate.cookie_name(event.pk))
            lasts = int(cookie["max-age"]) if cookie else None
            found.append((response.status_code, body, headers, lasts is not None and 880 <= lasts <= 900,
                          cookie["httponly"] if cookie else None, cookie["samesite"] if cookie else None))
    return found


def test_the_fast_path_answers_as_the_view_does(ticket, settings):
    _open(ticket.event, minutes_ago=0, rate=1)
    other = EventFactory()
    _open(other, rate=6000)
    users = [UserFactory() for _ in range(3)]
    fast = _answers(ticket.event, users) + _answers(other, users)
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != FAST]
    assert _answers(ticket.event, users) + _answers(other, users) == fast


def test_the_view_path_runs_no_sql_either(ticket, without_fast_path):
    _open(ticket.event, minutes_ago=0, rate=1)
    clients = [_bearer(UserFactory()) for _ in range(3)]
    _join(clients[0], ticket.event)
    with CaptureQueriesContext(connection) as queries:
        for client in clients:
            assert _join(client, ticket.event).status_code == 200
            assert _poll(client, ticket.event).status_code == 200
    assert [q["sql"] for q in queries] == []


@pytest.mark.parametrize("headers, status, code", [
    ({"HTTP_AUTHORIZATION": "Bearer not-a-token"}, 401, "token_not_valid"),
    ({"HTTP_AUTHORIZATION": "Bearer " + "x" * 3000}, 401, "token_not_valid"),
    ({"HTTP_ORIGIN": "https://elsewhere.example.com"}, 200, None),  # CORS is the stack's
    ({"HTTP_HOST": "evil.example.com"}, 400, None),  # ALLOWED_HOSTS is the stack's
])
def test_what_the_fast_path_cannot_answer_goes_to_the_stack(ticket, headers, status, code):
    _open(ticket.event)
    user = UserFactory()
    client = APIClient()
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(user)}", **headers}
    response = client.post(f"/api/v1/waiting-room/{ticket.event.slug}/join/", **kwargs)
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code


def test_an_expired_token_is_told_to_refresh(ticket):
    _open(ticket.event)
    token = AccessToken.for_user(UserFactory())
    token.set_exp(lifetime=-datetime.timedelta(seconds=1))
    response = APIClient().get(f"/api/v1/waiting-room/{ticket.event.slug}/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401 and response.json()["code"] == "token_expired"


def test_the_fast_path_never_answers_a_refusal(ticket):
    _open(ticket.event)
    client = _bearer(UserFactory())
    assert _poll(client, ticket.event).json()["code"] == "not_in_queue"
    assert client.put(f"/api/v1/waiting-room/{ticket.event.slug}/").status_code == 405
    assert client.get(f"/api/v1/waiting-room/{ticket.event.slug}/join/").status_code == 405
