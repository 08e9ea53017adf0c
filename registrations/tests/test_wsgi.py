"""A sold-out refusal at the WSGI level (registrations/wsgi.py) answers exactly as the full stack, with no SQL."""

import json

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.factories import UserFactory
from eventhub.handler import WSGIHandler
from events.tests.factories import TicketFactory
from registrations import wsgi
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory
from registrations.wsgi import ANSWERED, SoldOutApplication

# A WSGI call sends request_started and request_finished, which close the database connection.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stacks(sold_out_board, settings):
    """The WSGI applications to compare: the fast path in front of Django, and Django alone (HSTS on, as in production)."""
    settings.SECURE_HSTS_SECONDS = 3600  # before the middleware is built: it reads its settings then
    django = WSGIHandler()
    return {"fast": SoldOutApplication(django), "full": django}


@pytest.fixture
def known_sold_out(stacks):
    """A ticket type of one seat, held, that the board knows is sold out (one refusal read the database)."""
    ticket = TicketFactory(quota=1)
    RegistrationFactory(ticket=ticket)
    assert _post(stacks["full"], ticket, _token())[0] == "409 Conflict"
    return ticket


def _token(user=None) -> str:
    return str(AccessToken.for_user(user or UserFactory()))


def _post(application, ticket, token, *, body=None, environ=None, **extra):
    """Return (status, sorted headers, body, environ) of one WSGI POST /api/v1/registrations/."""
    data = json.dumps({"ticket": str(ticket.pk)}) if body is None else body
    request = RequestFactory().generic("POST", wsgi.PATH, data, content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Bearer {token}", **extra)
    request.environ.update(environ or {})
    found = {}

    def start_response(status, headers, exc_info=None):
        found["status"], found["headers"] = status, sorted(headers)

    answer = application(request.environ, start_response)
    try:
        return found["status"], found["headers"], b"".join(answer), request.environ
    finally:
        if hasattr(answer, "close"):
            answer.close()


@pytest.mark.parametrize("extra", [
    {},
    {"HTTP_ACCEPT_LANGUAGE": "en"},
    {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9,id;q=0.8"},
    {"HTTP_ACCEPT_LANGUAGE": "fr"},
    {"HTTP_ACCEPT": "application/json", "HTTP_ACCEPT_LANGUAGE": "id"},
    {"secure": True},
])
def test_a_refusal_is_answered_byte_for_byte_as_the_full_stack_answers(known_sold_out, stacks, extra):
    fast = _post(stacks["fast"], known_sold_out, _token(), **extra)
    full = _post(stacks["full"], known_sold_out, _token(), **extra)
    assert fast[3].get(ANSWERED) and not full[3].get(ANSWERED)
    assert fast[:3] == full[:3]
    assert fast[0] == "409 Conflict" and json.loads(fast[2])["code"] == "sold_out"
    if extra.get("secure"):
        assert any(name == "Strict-Transport-Security" for name, _ in fast[1])


def test_a_refusal_speaks_the_buyers_language(known_sold_out, stacks):
    english = _post(stacks["fast"], known_sold_out, _token(), HTTP_ACCEPT_LANGUAGE="en")
    indonesian = _post(stacks["fast"], known_sold_out, _token())
    assert json.loads(english[2])["detail"] == "This ticket is sold out."
    assert ("Content-Language", "en") in english[1]
    assert json.loads(indonesian[2])["detail"] == "Tiket ini sudah habis terjual."
    assert ("Content-Language", "id") in indonesian[1]


def test_a_refusal_runs_no_sql(known_sold_out, stacks):
    tokens = [_token() for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        for token in tokens:
            assert _post(stacks["fast"], known_sold_out, token)[0] == "409 Conflict"
    assert [q["sql"] for q in queries] == []


@pytest.mark.parametrize("extra", [
    {"QUERY_STRING": "format=json"},
    {"HTTP_COOKIE": "django_language=en"},
    {"HTTP_ORIGIN": "https://elsewhere.example"},
    {"HTTP_ACCEPT": "text/html"},
    {"HTTP_ACCEPT": "application/json; indent=4"},
    {"HTTP_HOST": "not-allowed.example"},
])
def test_what_it_leaves_alone_the_stack_answers(known_sold_out, stacks, extra):
    fast = _post(stacks["fast"], known_sold_out, _token(), environ=extra)
    full = _post(stacks["full"], known_sold_out, _token(), environ=extra)
    assert not fast[3].get(ANSWERED)
    assert fast[:3] == full[:3]


@pytest.mark.parametrize("body, answered", [
    ('{"ticket": "not-a-uuid"}', False),
    ('{"ticket": 7}', False),
    ("[1, 2]", False),
    ("{not json", False),
    ('{"ticket": "%s", "n": NaN}', False),  # DRF's parser refuses NaN
    ('{"ticket": "%s", "deep": ' + "[" * 40 + "]" * 40 + "}", False),  # the sanitiser refuses the nesting
    ('{"ticket": "%s", "pad": "' + "x" * 300 + '"}', False),  # longer than any buyer's
    ('{"ticket": "%s", "name": "Bu\\u00e9"}', True),  # escapes the sanitiser accepts: the same refusal
])
def test_a_body_it_does_not_plainly_understand_goes_to_the_stack(known_sold_out, stacks, body, answered):
    body = body.replace("%s", str(known_sold_out.pk))
    fast = _post(stacks["fast"], known_sold_out, _token(), body=body)
    full = _post(stacks["full"], known_sold_out, _token(), body=body)
    assert bool(fast[3].get(ANSWERED)) is answered
    assert fast[:3] == full[:3]


def test_a_bad_or_expired_token_is_the_stacks_to_refuse(known_sold_out, stacks):
    import datetime

    expired = AccessToken.for_user(UserFactory())
    expired.set_exp(lifetime=datetime.timedelta(seconds=-5))
    good = _token()
    for token in (str(expired), good[:-2] + ("AA" if good[-2:] != "AA" else "BB"), "not-a-token"):
        fast = _post(stacks["fast"], known_sold_out, token)
        assert not fast[3].get(ANSWERED)
        assert fast[0] == "401 Unauthorized"
        assert fast[:3] == _post(stacks["full"], known_sold_out, token)[:3]


def test_a_holder_is_not_refused_here_and_hears_already_registered(stacks):
    ticket = TicketFactory(quota=1)
    holder = UserFactory()
    assert _post(stacks["full"], ticket, _token(holder))[0] == "201 Created"
    assert _post(stacks["full"], ticket, _token())[0] == "409 Conflict"  # the board now knows
    again = _post(stacks["fast"], ticket, _token(holder))
    assert not again[3].get(ANSWERED)
    assert (again[0], json.loads(again[2])["code"]) == ("409 Conflict", "already_registered")


def test_a_buyer_the_board_does_not_refuse_buys_and_the_board_is_asked_once(stacks, monkeypatch):
    from events import soldout

    asked = []
    real = soldout.refuses
    monkeypatch.setattr(soldout, "refuses", lambda *args: asked.append(args) or real(*args))
    ticket = TicketFactory(quota=5)
    status, _, body, environ = _post(stacks["fast"], ticket, _token())
    assert status == "201 Created" and not environ.get(ANSWERED)
    assert Registration.objects.get(pk=json.loads(body)["id"]).ticket == ticket
    assert len(asked) == 1
