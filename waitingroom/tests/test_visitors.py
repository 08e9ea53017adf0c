"""The site's queue page joins and polls with its visitor token, so its visits run no SQL (both stores)."""

import datetime
import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from events.tests.factories import EventFactory, TicketFactory
from waitingroom import passes, services, visitors

pytestmark = pytest.mark.django_db(transaction=True)

FAST = "waitingroom.middleware.QueueMiddleware"
# Browsers send Origin on a same-origin POST (the join), not on a same-origin GET (the poll).
SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


@pytest.fixture
def ticket(store):
    ticket = TicketFactory(quota=50)
    services.configure(event=ticket.event, changes={
        "enabled": True, "opens_at": timezone.now() - datetime.timedelta(minutes=5), "rate_per_minute": 1,
    })
    return ticket


@pytest.fixture
def without_fast_path(settings):
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != FAST]


def _page_token(client, event) -> str:
    page = client.get(f"/events/{event.slug}/queue/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    return re.search(r'data-visitor="([^"]+)"', page.content.decode())[1]


def _join(client, event, token, **extra):
    return client.post(
        f"/api/v1/waiting-room/{event.slug}/join/", HTTP_X_WAITING_ROOM_VISITOR=token, **SAME_ORIGIN, **extra
    )


def _poll(client, event, token, **extra):
    return client.get(f"/api/v1/waiting-room/{event.slug}/", HTTP_X_WAITING_ROOM_VISITOR=token, **extra)


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sessions(count: int, event) -> list[tuple[Client, str]]:
    found = []
    for _ in range(count):
        client = _logged_in(UserFactory())
        found.append((client, _page_token(client, event)))
    return found


def test_the_queue_page_carries_a_token_for_its_user_and_event(ticket):
    user = UserFactory()
    token = _page_token(_logged_in(user), ticket.event)
    visitor = visitors.check(token, slug=ticket.event.slug, now=time.time())
    assert visitor is not None and visitor.user_id == user.pk and visitor.renewed is None
    assert visitors.check(token, slug=EventFactory().slug, now=time.time()) is None


def test_a_tokens_parts_are_spelt_in_unpadded_base64url_once(ticket):
    assert passes.b64encode(b"\xfb\xff\xfe") == "-__-" and passes.b64encode(b"\x00") == "AA"
    user, now = UserFactory(), time.time()
    token = visitors.issue(user_id=user.pk, slug=ticket.event.slug, now=now, limit=now + 60)
    prefix, body, tag = token.split(".")
    assert visitors.check(token, slug=ticket.event.slug, now=now) is not None
    # The same bytes padded are another spelling: not a token.
    assert visitors.check(f"{prefix}.{body}=.{tag}", slug=ticket.event.slug, now=now) is None


def test_the_pages_joins_and_polls_run_no_sql(ticket):
    pages = _sessions(3, ticket.event)
    with CaptureQueriesContext(connection) as queries:
        for client, token in pages:
            joined = _join(client, ticket.event, token)
            polled = _poll(client, ticket.event, token)
            assert joined.status_code == polled.status_code == 200
    assert [q["sql"] for q in queries] == []
    assert [_poll(client, ticket.event, token).json()["ahead"] for client, token in pages] == [0, 0, 1]


def test_the_pages_visits_run_no_sql_on_the_view_path_either(ticket, without_fast_path):
    pages = _sessions(3, ticket.event)
    with CaptureQueriesContext(connection) as queries:
        for client, token in pages:
            assert _join(client, ticket.event, token).status_code == 200
            assert _poll(client, ticket.event, token).status_code == 200
        # A refusal goes through the stack, and is no query either.
        client, token = _sessions(1, ticket.event)[0]
    with CaptureQueriesContext(connection) as queries:
        assert _poll(client, ticket.event, token).json()["code"] == "not_in_queue"
        assert _join(client, ticket.event, token).status_code == 200
    assert [q["sql"] for q in queries] == []


def test_the_fast_path_answers_the_page_as_the_view_does(ticket, settings):
    user = UserFactory()
    client = _logged_in(user)
    token = _page_token(client, ticket.event)
    fast = [_join(client, ticket.event, token), _poll(client, ticket.event, token)]
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != FAST]
    slow = [_join(client, ticket.event, token), _poll(client, ticket.event, token)]
    assert [(r.status_code, r.json()["state"], r.json()["position"]) for r in fast] == [
        (r.status_code, r.json()["state"], r.json()["position"]) for r in slow
    ]


@pytest.mark.parametrize("change", ["other_user", "other_event", "expired", "tampered", "truncated", "a_pass"])
def test_a_token_not_valid_here_is_refused(ticket, change):
    user, now = UserFactory(), time.time()
    token = visitors.issue(user_id=user.pk, slug=ticket.event.slug, now=now, limit=now + 3600)
    if change == "other_user":
        # The user's id swapped for another's in a genuine token: the tag no longer matches.
        other = visitors.issue(user_id=UserFactory().pk, slug=ticket.event.slug, now=now, limit=now + 3600)
        token = ".".join([token.split(".")[0], other.split(".")[1], token.split(".")[2]])
    elif change == "other_event":
        token = visitors.issue(user_id=user.pk, slug=EventFactory().slug, now=now, limit=now + 3600)
    elif change == "expired":
        token = visitors.issue(user_id=user.pk, slug=ticket.event.slug, now=now - 601, limit=now + 3600)
    elif change == "tampered":
        token = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    elif change == "truncated":
        token = token.rsplit(".", 1)[0]
    elif change == "a_pass":
        from waitingroom import passes

        token = passes.issue(event_id=ticket.event_id, user_id=user.pk, expires=int(now + 600))
    anonymous = Client()
    assert _join(anonymous, ticket.event, token).status_code == 401
    assert _poll(anonymous, ticket.event, token).status_code == 401
    assert services.stats(event=ticket.event)["waiting"] + services.stats(event=ticket.event)["admitted"] == 0


def test_a_refused_token_falls_back_to_the_session_which_brings_a_fresh_one(ticket):
    user = UserFactory()
    client = _logged_in(user)
    stale = visitors.issue(user_id=user.pk, slug=ticket.event.slug, now=time.time() - 601, limit=time.time() + 3600)
    answer = _join(client, ticket.event, stale, HTTP_X_CSRFTOKEN="")  # force_login: the test client skips CSRF
    assert answer.status_code == 200 and answer.json()["position"] == 1
    fresh = answer[visitors.HEADER]
    assert visitors.check(fresh, slug=ticket.event.slug, now=time.time()).user_id == user.pk
    with CaptureQueriesContext(connection) as queries:
        assert _poll(Client(), ticket.event, fresh).json()["position"] == 1
    assert [q["sql"] for q in queries] == []


def test_an_old_page_polling_by_session_alone_still_works(ticket):
    client = _logged_in(UserFactory())
    answer = client.post(f"/api/v1/waiting-room/{ticket.event.slug}/join/")
    assert answer.status_code == 200 and answer.json()["state"] in ("admitted", "waiting")
    assert client.get(f"/api/v1/waiting-room/{ticket.event.slug}/").status_code == 200


def test_a_token_past_half_its_life_is_renewed_but_never_past_the_session(ticket, store):
    user, now = UserFactory(), time.time()
    old = visitors.issue(user_id=user.pk, slug=ticket.event.slug, now=now - 400, limit=now + 3600)
    answers = [_join(Client(), ticket.event, old), _poll(Client(), ticket.event, old)]
    for answer in answers:
        assert answer.status_code == 200
        renewed = visitors.check(answer[visitors.HEADER], slug=ticket.event.slug, now=now + 500)
        assert renewed is not None and renewed.user_id == user.pk
    young = visitors.issue(user_id=user.pk, slug=ticket.event.slug, now=now, limit=now + 3600)
    assert visitors.HEADER not in _poll(Client(), ticket.event, young)
    # The session ends in a minute: the token is good until then, and no renewal goes beyond it.
    ending = visitors.issue(user_id=user.pk, slug=ticket.event.slug, now=now, limit=now + 60)
    assert visitors.HEADER not in _poll(Client(), ticket.event, ending)
    assert visitors.check(ending, slug=ticket.event.slug, now=now + 61) is None


def _in_line_in_two_browsers(event) -> tuple:
    """Return a user, their session's client, its page's token (joined), and the page token of a second session."""
    user = UserFactory()
    client = _logged_in(user)
    token = _page_token(client, event)
    assert _join(client, event, token).status_code == 200
    return user, client, token, _page_token(_logged_in(user), event)


def test_after_logging_out_the_pages_token_is_refused(ticket):
    user, client, token, other_page = _in_line_in_two_browsers(ticket.event)
    client.post("/accounts/logout/")
    for answer in (_poll(client, ticket.event, token), _poll(Client(), ticket.event, token),
                   _poll(Client(), ticket.event, other_page)):
        assert answer.status_code == 401
    # Logging in again renders a token that works, in the same place.
    client.force_login(user)
    time.sleep(0.002)
    assert _poll(Client(), ticket.event, _page_token(client, ticket.event)).json()["position"] == 1


def test_after_a_password_change_the_other_pages_tokens_are_refused(ticket):
    _, client, token, other_page = _in_line_in_two_browsers(ticket.event)
    changed = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "Sate-Padang-2031", "new_password2": "Sate-Padang-2031",
    })
    assert changed.status_code == 302
    for answer in (_poll(Client(), ticket.event, token), _poll(Client(), ticket.event, other_page)):
        assert answer.status_code == 401
    # The session that changed it lives on: it vouches for its page, which gets a fresh token.
    kept = _poll(client, ticket.event, token)
    assert kept.status_code == 200 and kept.json()["position"] == 1 and visitors.HEADER in kept
    time.sleep(0.002)
    assert _poll(Client(), ticket.event, _page_token(client, ticket.event)).status_code == 200
