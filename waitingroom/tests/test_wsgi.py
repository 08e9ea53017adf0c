"""The queue's hot path at the WSGI level (eventhub/wsgi.py) answers exactly as Django would, with no SQL, on both stores."""

import datetime
import gc
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketFactory
from waitingroom import middleware
from waitingroom.store import get_store
from waitingroom.wsgi import ANSWERED, QueueApplication

from .test_api import FAST, _open

pytestmark = pytest.mark.django_db(transaction=True)

# What the skipped middleware would add to an answer (and the full stack does).
SECURITY = ("Content-Type", "Content-Length", "Cache-Control", "Content-Security-Policy", "X-Frame-Options",
            "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy", "Strict-Transport-Security")


@pytest.fixture
def ticket(store):
    return TicketFactory(quota=50)


@pytest.fixture
def stacks(settings):
    """The WSGI applications to compare: the fast path, Django with the middleware, Django's full stack alone."""
    middleware._verified.clear()
    with_middleware = WSGIHandler()
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != FAST]
    yield {"wsgi": QueueApplication(with_middleware), "middleware": with_middleware, "full": WSGIHandler()}
    middleware._verified.clear()


def _freeze(monkeypatch) -> None:
    """One moment for every path compared: the countdowns, the pass cookie's age and its expiry date."""
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)


def _call(application, method: str, path: str, token: str, **extra):
    """Return (status, sorted headers with every Set-Cookie, body) of one WSGI call."""
    environ = RequestFactory().generic(method, path, HTTP_AUTHORIZATION=f"Bearer {token}", **extra).environ
    found = {}

    def start_response(status, headers, exc_info=None):
        found["status"], found["headers"] = status, sorted(headers)

    body = b"".join(application(environ, start_response))
    return found["status"], found["headers"], body


def _visits(application, event, token):
    return [_call(application, "POST", f"/api/v1/waiting-room/{event.slug}/join/", token),
            _call(application, "GET", f"/api/v1/waiting-room/{event.slug}/", token)]


def _seen(answer):
    """What the full stack must agree on: status, body, cookies and the security headers (it adds Vary, Allow)."""
    status, headers, body = answer
    return status, body, [(k, v) for k, v in headers if k in SECURITY or k == "Set-Cookie"]


@pytest.mark.parametrize("state, changes", [
    ("before_open", {"minutes_ago": -10}),
    ("waiting", {"minutes_ago": 0, "rate": 1}),
    ("admitted", {}),
    ("sold_out", {"minutes_ago": 0, "rate": 1}),
    ("paused", {"paused": True}),
    ("off", {"enabled": False}),
])
def test_the_wsgi_path_answers_byte_for_byte_as_the_middleware_and_as_the_full_stack(
        ticket, stacks, monkeypatch, state, changes):
    _open(ticket.event, **changes)
    _freeze(monkeypatch)
    if state == "sold_out":
        get_store().set_sold_out(ticket.event.slug, True)
    token = str(AccessToken.for_user(UserFactory()))
    fast = _visits(stacks["wsgi"], ticket.event, token)
    assert [answer[0] for answer in fast] == ["200 OK", "200 OK"]
    assert all(f'"state":"{state}"'.encode() in answer[2] for answer in fast)
    if state == "admitted":
        assert any(name == "Set-Cookie" and "HttpOnly" in value for name, value in fast[0][1])
    assert _visits(stacks["middleware"], ticket.event, token) == fast
    assert [_seen(answer) for answer in _visits(stacks["full"], ticket.event, token)] == [_seen(a) for a in fast]


def test_the_wsgi_path_runs_no_sql(ticket, stacks):
    _open(ticket.event, minutes_ago=0, rate=1)
    tokens = [str(AccessToken.for_user(UserFactory())) for _ in range(3)]
    _visits(stacks["wsgi"], ticket.event, tokens[0])  # settings already in the store (written when saved)
    with CaptureQueriesContext(connection) as queries:
        for token in tokens:
            assert [answer[0] for answer in _visits(stacks["wsgi"], ticket.event, token)] == ["200 OK", "200 OK"]
    assert [q["sql"] for q in queries] == []


def test_what_the_wsgi_path_declines_django_answers_with_one_visit_of_the_store(ticket, stacks, monkeypatch):
    _open(ticket.event)
    store = get_store()
    visits = []
    real = store.visit
    monkeypatch.setattr(store, "visit", lambda *args, **kwargs: visits.append(args) or real(*args, **kwargs))
    token = str(AccessToken.for_user(UserFactory()))
    path = f"/api/v1/waiting-room/{ticket.event.slug}/"
    declined = _call(stacks["wsgi"], "GET", path, token)
    assert declined[0].startswith("404") and b"not_in_queue" in declined[2]
    assert len(visits) == 2  # the fast path's, then the view's (the middleware skips what it declined)
    assert _seen(declined) == _seen(_call(stacks["full"], "GET", path, token))
    for refused in ("not-a-token", token[:-2] + ("AA" if token[-2:] != "AA" else "BB")):
        found = _call(stacks["wsgi"], "GET", path, refused)
        assert found[0].startswith("401") and _seen(found) == _seen(_call(stacks["full"], "GET", path, refused))


def test_a_token_verified_before_is_refused_once_it_expires(ticket, stacks):
    _open(ticket.event)
    access = AccessToken.for_user(UserFactory())
    access.set_exp(lifetime=datetime.timedelta(seconds=1))
    path = f"/api/v1/waiting-room/{ticket.event.slug}/join/"
    assert _call(stacks["wsgi"], "POST", path, str(access))[0] == "200 OK"
    time.sleep(max(0.0, access["exp"] - time.time()) + 0.05)
    status, _, body = _call(stacks["wsgi"], "POST", path, str(access))
    assert status.startswith("401") and b"token_expired" in body


def test_an_unexpected_failure_is_left_to_django(ticket, stacks, monkeypatch):
    _open(ticket.event)
    monkeypatch.setattr(get_store(), "visit", lambda *args, **kwargs: 1 / 0)
    token = str(AccessToken.for_user(UserFactory()))
    path = f"/api/v1/waiting-room/{ticket.event.slug}/join/"
    assert _call(stacks["wsgi"], "POST", path, token)[0] == _call(stacks["full"], "POST", path, token)[0]


def test_what_the_wsgi_path_answers_is_marked_and_leaves_no_reference_cycles(ticket, stacks):
    _open(ticket.event)
    token = str(AccessToken.for_user(UserFactory()))
    path = f"/api/v1/waiting-room/{ticket.event.slug}/"
    declined = RequestFactory().get(path, HTTP_AUTHORIZATION=f"Bearer {token}").environ
    b"".join(stacks["wsgi"](declined, lambda *args: None))  # not in the queue yet: Django answers
    assert ANSWERED not in declined
    _call(stacks["wsgi"], "POST", path + "join/", token)
    environs = [RequestFactory().get(path, HTTP_AUTHORIZATION=f"Bearer {token}").environ for _ in range(50)]
    gc.collect()
    gc.disable()
    try:
        for environ in environs:
            b"".join(stacks["wsgi"](environ, lambda *args: None))
        assert all(environ[ANSWERED] for environ in environs)
        assert gc.collect() == 0  # so gunicorn.conf.py's post_request need not count them towards a collection
    finally:
        gc.enable()
