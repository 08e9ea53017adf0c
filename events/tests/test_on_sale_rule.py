"""One on-sale rule (events.services.sales_state): every surface that sells agrees with it.

Each case is a ticket type in one state; the reservation service, the site's
register form, the event page, the API's `on_sale` / `sales_closed_reason` (what
the PWA shows) and the API's reservation must all say the same. A second copy of
the rule that disagrees in any state fails here.
"""

import datetime
import inspect
import pathlib

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from events import services
from events.tests.factories import EventFactory, TicketFactory
from registrations import services as registrations
from registrations.models import Registration

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)

CASES = {
    "on_sale": (lambda now: {}, lambda now: {"sales_end": now + HOUR}),
    "inactive": (lambda now: {"is_active": False}, lambda now: {}),
    "event_over": (lambda now: {"event_date": now - HOUR}, lambda now: {}),
    "not_started": (lambda now: {}, lambda now: {"sales_start": now + HOUR}),
    "ended": (lambda now: {}, lambda now: {"sales_end": now - HOUR}),
    "sold_out": (lambda now: {}, lambda now: {"quota": 2, "sold": 2}),
}

REASONS = {
    "on_sale": None,
    "inactive": "This event is not open for registration.",
    "event_over": "This event has already taken place.",
    "not_started": "Sales for this ticket have not started yet.",
    "ended": "Sales for this ticket have ended.",
    "sold_out": "This ticket is sold out.",
}


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture(params=list(CASES))
def case(request):
    now = timezone.now()
    event_kwargs, ticket_kwargs = CASES[request.param]
    ticket = TicketFactory(event=EventFactory(**event_kwargs(now)), **ticket_kwargs(now))
    return request.param, ticket


def test_the_rule_names_each_state(case, english):
    code, ticket = case
    state = services.sales_state(ticket)
    assert (state.code, state.on_sale, services.is_on_sale(ticket)) == (code, code == "on_sale", code == "on_sale")
    assert state.reason == REASONS[code]
    assert services.sales_closed_reason(ticket) == (REASONS[code] if code in services.CLOSED else None)


def test_the_api_exposes_the_rule_for_the_pwa(case, client_for, staff):
    code, ticket = case
    client = client_for(staff)  # an admin sees inactive events' tickets too
    url = f"/api/v1/events/{ticket.event.slug}/tickets/"
    for body in (client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0],
                 client.get(f"/api/v1/events/{ticket.event.slug}/", HTTP_ACCEPT_LANGUAGE="en").json()["tickets"][0]):
        assert (body["on_sale"], body["sales_closed_reason"]) == (code == "on_sale", REASONS[code])


def test_the_reservation_service_sells_only_on_sale(case, user, english):
    code, ticket = case
    if code == "on_sale":
        assert registrations.reserve(ticket=ticket, user=user).status == Registration.Status.PENDING
        return
    with pytest.raises(registrations.RegistrationError) as refused:
        registrations.reserve(ticket=ticket, user=user)
    assert (refused.value.code, str(refused.value)) == (
        "sold_out" if code == "sold_out" else "sales_closed", REASONS[code]
    )


def test_the_api_reservation_agrees(case, client_for, user):
    code, ticket = case
    response = client_for(user).post(
        "/api/v1/registrations/", {"ticket": str(ticket.pk)}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    if code == "on_sale":
        assert response.status_code == 201
    else:
        assert response.status_code == 409
        assert response.json()["code"] == ("sold_out" if code == "sold_out" else "sales_closed")
    assert Registration.objects.filter(user=user).exists() == (code == "on_sale")


def test_the_event_page_offers_a_register_button_only_on_sale(case, en_client):
    code, ticket = case
    response = en_client.get(reverse("events:detail", kwargs={"slug": ticket.event.slug}))
    if code == "inactive":
        assert response.status_code == 404
        return
    assert ('name="ticket"' in response.content.decode()) == (code == "on_sale")


def test_the_site_register_form_agrees(case, logged_in, user):
    code, ticket = case
    response = logged_in.post(
        reverse("registrations:register", kwargs={"slug": ticket.event.slug}), {"ticket": str(ticket.pk)}, follow=True
    )
    assert Registration.objects.filter(user=user).exists() == (code == "on_sale")
    if code not in ("on_sale", "inactive"):
        assert [str(m) for m in response.context["messages"]] == [REASONS[code]]


def test_no_other_module_decides_on_sale():
    """The window comparisons live in events/services.py only (the PWA reads `on_sale`)."""
    root = pathlib.Path(settings.BASE_DIR)
    rule = inspect.getsourcefile(services)
    sources = [p for p in root.glob("*/**/*.py") if ".venv" not in p.parts and "tests" not in p.parts]
    sources += list((root / "frontend" / "app").glob("**/*.vue")) + list((root / "frontend" / "app").glob("**/*.ts"))
    offenders = []
    for path in sources:
        if str(path) == rule or "migrations" in path.parts or path.name == "api.ts":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ("now < ticket.sales_start" in line or "now >= ticket.sales_end" in line
                    or "Date.parse(ticket.sales_" in line or "sales_start > now" in line):
                offenders.append(f"{path.relative_to(root)}:{number}")
    assert offenders == []
