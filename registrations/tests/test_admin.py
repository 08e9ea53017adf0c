import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registrations_registration_changelist")
UTC = datetime.UTC


def _listed(response) -> set[str]:
    assert response.status_code == 200
    return {registration.user.email for registration in response.context["cl"].result_list}


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "checkbox"):
            self.values[attrs["name"]] = attrs.get("value") or ""


def _form_inputs(page: str) -> dict:
    """Return what the page's form would post as it stands (inline management forms included)."""
    parser = _Inputs()
    parser.feed(page)
    return parser.values


def _change(registration: Registration) -> str:
    return reverse("admin:registrations_registration_change", args=[registration.pk])


def test_it_lists_registrations_with_attendee_ticket_and_rupiah(staff_client):
    event = EventFactory(title="Festival Musik Senja", timezone="Asia/Makassar")
    ticket = TicketFactory(event=event, name="VIP", price=Decimal("750000"))
    RegistrationFactory(
        ticket=ticket, user=UserFactory(email="siti@example.com", full_name="Siti Rahayu"), paid=True,
        paid_at=datetime.datetime(2030, 1, 2, 3, 4, tzinfo=UTC),
    )

    page = staff_client.get(CHANGELIST).content.decode()

    for text in ("siti@example.com", "Siti Rahayu", "Festival Musik Senja", "VIP", "Rp 750.000", "Paid",
                 "2 Jan 2030 11:04 WITA"):
        assert text in page


def test_it_filters_by_status_event_ticket_reason_and_paid_date(staff_client):
    concert = TicketFactory(name="Reguler")
    vip = TicketFactory(name="VIP", event=concert.event)
    other = TicketFactory(name="Umum")
    RegistrationFactory(ticket=concert, user=UserFactory(email="pending@example.com"))
    RegistrationFactory(ticket=vip, user=UserFactory(email="paid@example.com"), paid=True)
    RegistrationFactory(
        ticket=other, user=UserFactory(email="expired@example.com"), status=Registration.Status.CANCELLED,
        cancel_reason=Registration.CancelReason.EXPIRED, cancelled_at=timezone.now(),
    )

    assert _listed(staff_client.get(CHANGELIST, {"status__exact": "paid"})) == {"paid@example.com"}
    assert _listed(staff_client.get(CHANGELIST, {"event__id__exact": concert.event_id})) == {
        "pending@example.com", "paid@example.com"
    }
    assert _listed(staff_client.get(CHANGELIST, {"ticket": vip.pk})) == {"paid@example.com"}
    assert _listed(staff_client.get(CHANGELIST, {"cancel_reason__exact": "expired"})) == {"expired@example.com"}
    # What the filter's "Today" link sends: the day's bounds in the site's time zone.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    paid_today = {"paid_at__gte": str(midnight), "paid_at__lt": str(midnight + datetime.timedelta(days=1))}
    assert _listed(staff_client.get(CHANGELIST, paid_today)) == {"paid@example.com"}


def test_the_ticket_filter_offers_the_chosen_event_s_ticket_types(staff_client):
    ticket = TicketFactory(name="Reguler", event__title="Jazz di Kota Tua")
    TicketFactory(name="Umum", event__title="Pameran Batik")

    def choices(params):
        spec = next(f for f in staff_client.get(CHANGELIST, params).context["cl"].filter_specs
                    if getattr(f, "parameter_name", None) == "ticket")
        return [title for _, title in spec.lookup_choices]

    assert choices({}) == ["Jazz di Kota Tua — Reguler", "Pameran Batik — Umum"]
    assert choices({"event__id__exact": ticket.event_id}) == ["Reguler"]


def test_a_malformed_ticket_or_event_in_the_filters_is_no_error(staff_client):
    RegistrationFactory()
    response = staff_client.get(CHANGELIST, {"ticket": "not-a-uuid"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{CHANGELIST}?e=1"
    assert staff_client.get(CHANGELIST, {"event__id__exact": "not-a-uuid"}).status_code == 200


def test_it_searches_by_email_name_qr_code_and_payment_ref(staff_client):
    siti = RegistrationFactory(user=UserFactory(email="siti@example.com", full_name="Siti Rahayu"),
                               payment_ref="EH-20300101-ABCD")
    RegistrationFactory(user=UserFactory(email="budi@example.com", full_name="Budi Santoso"))

    assert _listed(staff_client.get(CHANGELIST, {"q": "SITI@"})) == {"siti@example.com"}
    assert _listed(staff_client.get(CHANGELIST, {"q": "santoso"})) == {"budi@example.com"}
    assert _listed(staff_client.get(CHANGELIST, {"q": siti.qr_code})) == {"siti@example.com"}
    assert _listed(staff_client.get(CHANGELIST, {"q": "20300101-abcd"})) == {"siti@example.com"}
    # Part of a code finds nothing: a code is matched whole.
    assert _listed(staff_client.get(CHANGELIST, {"q": siti.qr_code[:12]})) == set()


def test_the_list_costs_the_same_queries_for_fifty_rows(staff_client, django_assert_max_num_queries):
    tickets = [TicketFactory(event=EventFactory()) for _ in range(5)]
    for index in range(50):
        RegistrationFactory(ticket=tickets[index % 5], paid=index % 2 == 0)

    with django_assert_max_num_queries(12):
        response = staff_client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 50


def test_the_change_page_is_read_only_with_a_qr_preview_and_event_local_times(staff_client):
    registration = RegistrationFactory(
        paid=True, payment_ref="EH-1", paid_at=datetime.datetime(2030, 1, 2, 3, 4, tzinfo=UTC),
        ticket=TicketFactory(price=Decimal("1250000"), event=EventFactory(timezone="Asia/Jayapura")),
    )

    response = staff_client.get(_change(registration))

    page = response.content.decode()
    assert response.status_code == 200
    assert registration.qr_code in page
    assert 'src="data:image/png;base64,' in page
    assert "Rp 1.250.000" in page
    assert "Times on this page are in the event's time zone, WIT (Asia/Jayapura)." in page
    assert "Jan. 2, 2030, 12:04 p.m." in page
    form = response.context["adminform"].form
    assert list(form.fields) == []


def test_posting_to_the_change_page_changes_nothing(staff_client):
    ticket = TicketFactory(quota=10)
    registration = RegistrationFactory(ticket=ticket)

    form = _form_inputs(staff_client.get(_change(registration)).content.decode())
    form.update(status="paid", amount="0", ticket=str(TicketFactory().pk), qr_code="EH1.x.y", payment_ref="X")
    response = staff_client.post(_change(registration), form)

    assert response.status_code == 302
    after = Registration.objects.get(pk=registration.pk)
    assert (after.status, after.amount, after.ticket_id, after.qr_code, after.payment_ref) == (
        registration.status, registration.amount, ticket.pk, registration.qr_code, ""
    )
    assert Ticket.objects.get(pk=ticket.pk).sold == 1


def test_staff_can_neither_add_nor_delete_registrations(staff_client):
    registration = RegistrationFactory()
    assert staff_client.get(reverse("admin:registrations_registration_add")).status_code == 403
    assert staff_client.post(
        reverse("admin:registrations_registration_delete", args=[registration.pk]), {"post": "yes"}
    ).status_code == 403
    assert Registration.objects.filter(pk=registration.pk).exists()
