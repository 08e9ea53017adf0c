import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

EVENTS = reverse("admin:events_event_changelist")
ADD_EVENT = reverse("admin:events_event_add")
UTC = datetime.UTC


def _listed(response) -> set[str]:
    assert response.status_code == 200
    return {str(obj) for obj in response.context["cl"].result_list}


def _ticket_row(index: int, ticket: Ticket | None = None, **values) -> dict:
    row = {"id": ticket.pk if ticket else "", "name": "Reguler", "price": "150000", "quota": "100",
           "description": "", "sales_start_0": "", "sales_start_1": "", "sales_end_0": "", "sales_end_1": ""}
    if ticket:
        row.update(name=ticket.name, price=str(ticket.price), quota=str(ticket.quota))
    row.update(values)
    return {f"tickets-{index}-{key}": value for key, value in row.items()}


def _event_form(*, title="Festival Kopi Nusantara", slug="festival-kopi", date="2030-06-01", time="19:00:00",
                timezone_name="Asia/Jakarta", rows=(), initial=0) -> dict:
    data = {
        "title": title, "slug": slug, "description": "Cicip kopi dari Aceh sampai Papua.", "location": "Makassar",
        "event_date_0": date, "event_date_1": time, "timezone": timezone_name, "is_active": "on",
        "tickets-TOTAL_FORMS": str(len(rows)), "tickets-INITIAL_FORMS": str(initial),
        "tickets-MIN_NUM_FORMS": "0", "tickets-MAX_NUM_FORMS": "1000",
        # The event's team, an inline of its own (no members added here).
        "team-TOTAL_FORMS": "0", "team-INITIAL_FORMS": "0", "team-MIN_NUM_FORMS": "0", "team-MAX_NUM_FORMS": "1000",
    }
    for row in rows:
        data.update(row)
    return data


def _change(event: Event) -> str:
    return reverse("admin:events_event_change", args=[event.pk])


def test_it_lists_events_with_local_date_and_seats(staff_client):
    event = EventFactory(
        title="Festival Musik Senja", timezone=Event.TimeZone.WITA,
        event_date=datetime.datetime(2030, 5, 1, 11, 0, tzinfo=UTC), location="Pantai Losari, Makassar",
    )
    TicketFactory(event=event, quota=100)
    full = TicketFactory(event=event, quota=20)
    for _ in range(3):
        RegistrationFactory(ticket=full)

    page = staff_client.get(EVENTS).content.decode()

    assert "Festival Musik Senja" in page
    assert "Pantai Losari, Makassar" in page
    assert "1 May 2030 19:00 WITA" in page
    assert "3 / 120" in page


def test_it_filters_events_by_upcoming_past_active_and_time_zone(staff_client):
    now = timezone.now()
    upcoming = EventFactory(title="Akan Datang", event_date=now + datetime.timedelta(days=3))
    past = EventFactory(title="Sudah Lewat", event_date=now - datetime.timedelta(days=3), timezone="Asia/Jayapura")
    hidden = EventFactory(title="Draf", is_active=False)

    assert _listed(staff_client.get(EVENTS, {"when": "upcoming"})) == {upcoming.title, hidden.title}
    assert _listed(staff_client.get(EVENTS, {"when": "past"})) == {past.title}
    assert _listed(staff_client.get(EVENTS, {"is_active__exact": "0"})) == {hidden.title}
    assert _listed(staff_client.get(EVENTS, {"timezone__exact": "Asia/Jayapura"})) == {past.title}
    assert _listed(staff_client.get(EVENTS, {"q": "lewat"})) == {past.title}


def test_it_prepopulates_the_slug_from_the_title(staff_client):
    form = staff_client.get(ADD_EVENT).context["adminform"]
    assert [(f["field"].name, [d.name for d in f["dependencies"]]) for f in form.prepopulated_fields] == [
        ("slug", ["title"])
    ]


def test_it_adds_an_event_with_ticket_types_at_the_event_local_time(staff_client):
    response = staff_client.post(
        ADD_EVENT,
        _event_form(timezone_name="Asia/Jayapura", rows=[
            _ticket_row(0, name="Early Bird", price="100000", quota="50"),
            _ticket_row(1, name="VIP", price="500000", quota="10"),
        ]),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="festival-kopi")
    # 19:00 WIT is 10:00 UTC.
    assert event.event_date == datetime.datetime(2030, 6, 1, 10, 0, tzinfo=UTC)
    assert sorted(event.tickets.values_list("name", "price", "quota", "sold")) == [
        ("Early Bird", Decimal("100000"), 50, 0), ("VIP", Decimal("500000"), 10, 0)
    ]


def test_it_shows_the_change_page_in_the_event_time_zone(staff_client):
    event = EventFactory(timezone=Event.TimeZone.WITA, event_date=datetime.datetime(2030, 5, 1, 11, 0, tzinfo=UTC))
    ticket = TicketFactory(event=event, quota=30)
    RegistrationFactory(ticket=ticket)

    response = staff_client.get(_change(event))

    page = response.content.decode()
    assert 'name="event_date_1" value="19:00:00"' in page
    # The first row is the ticket type (the last is the blank template for "add another").
    cells = dict(reversed(re.findall(r'<td class="field-(\w+)">\s*<p>([^<]*)</p>', page)))
    assert cells["sold"] == "1"
    assert cells["seats_left"] == "29"


def test_posting_a_changed_sold_changes_nothing(staff_client):
    event = EventFactory(event_date=datetime.datetime(2030, 6, 1, 12, 0, tzinfo=UTC))
    ticket = TicketFactory(event=event, quota=100)
    RegistrationFactory(ticket=ticket)
    form = _event_form(title=event.title, slug=event.slug, rows=[_ticket_row(0, ticket, sold="99", quota="80")],
                       initial=1)

    response = staff_client.post(_change(event), form)

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.quota == 80
    assert ticket.sold == 1


def test_the_ticket_admin_never_writes_sold_either(staff_client):
    ticket = TicketFactory(quota=10)
    RegistrationFactory(ticket=ticket)
    url = reverse("admin:events_ticket_change", args=[ticket.pk])
    response = staff_client.post(url, {"name": "Reguler Baru", "price": "150000", "quota": "10", "sold": "0",
                                       "event": str(TicketFactory().event_id)})
    assert response.status_code == 302
    moved = Ticket.objects.get(pk=ticket.pk)
    assert (moved.name, moved.sold, moved.event_id) == ("Reguler Baru", 1, ticket.event_id)


def test_it_refuses_a_quota_below_the_seats_taken(staff_client):
    event = EventFactory(event_date=datetime.datetime(2030, 6, 1, 12, 0, tzinfo=UTC))
    ticket = TicketFactory(event=event, quota=5)
    for _ in range(3):
        RegistrationFactory(ticket=ticket)
    form = _event_form(title=event.title, slug=event.slug, rows=[_ticket_row(0, ticket, quota="2")], initial=1)

    response = staff_client.post(_change(event), form)

    assert response.status_code == 200
    assert "The quota cannot be lower than the 3 seats already sold." in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).quota == 5


def test_it_refuses_a_negative_price_and_a_backwards_sales_window(staff_client):
    rows = [
        _ticket_row(0, name="Aneh", price="-1"),
        _ticket_row(1, name="Mundur", sales_start_0="2030-05-10", sales_start_1="10:00:00",
                    sales_end_0="2030-05-01", sales_end_1="10:00:00"),
    ]
    response = staff_client.post(ADD_EVENT, _event_form(rows=rows))

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[0]["price"] == ["Ensure this value is greater than or equal to 0."]
    assert errors[1]["sales_end"] == ["Sales must end after they start."]
    assert not Event.objects.exists()


def test_it_refuses_to_delete_a_ticket_type_someone_holds(staff_client):
    event = EventFactory(event_date=datetime.datetime(2030, 6, 1, 12, 0, tzinfo=UTC))
    ticket = TicketFactory(event=event)
    RegistrationFactory(ticket=ticket)
    form = _event_form(title=event.title, slug=event.slug, rows=[_ticket_row(0, ticket, DELETE="on")], initial=1)

    response = staff_client.post(_change(event), form)

    assert response.status_code == 200
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_the_ticket_list_shows_price_in_rupiah_and_seats_left(staff_client):
    ticket = TicketFactory(name="VIP Gold", price=Decimal("1250000"), quota=40)
    RegistrationFactory(ticket=ticket)
    response = staff_client.get(reverse("admin:events_ticket_changelist"))
    page = response.content.decode()
    assert "Rp 1.250.000" in page
    assert '<td class="field-seats_left">39</td>' in page
