import csv
import datetime
import io

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from checkins.models import Checkin
from events.tests.factories import EventFactory, TicketFactory
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:checkins_checkin_changelist")
UTC = datetime.UTC


def _admit(registration, staff, *, device="Gerbang A", at=None) -> Checkin:
    return Checkin.objects.create(
        registration=registration, admin=staff, device=device,
        checked_in_at=at or datetime.datetime(2030, 3, 1, 12, 30, tzinfo=UTC),
    )


def _listed(response) -> set[str]:
    assert response.status_code == 200
    return {checkin.registration.user.email for checkin in response.context["cl"].result_list}


def test_it_lists_admissions_with_attendee_event_ticket_time_device_and_staff(staff_client, staff):
    ticket = TicketFactory(name="VIP", event=EventFactory(title="Workshop Raja Ampat", timezone="Asia/Jayapura"))
    registration = RegistrationFactory(ticket=ticket, paid=True,
                                       user=UserFactory(email="siti@example.com", full_name="Siti Rahayu"))
    _admit(registration, staff)

    page = staff_client.get(CHANGELIST).content.decode()

    for text in ("Siti Rahayu &lt;siti@example.com&gt;", "Workshop Raja Ampat", "VIP", "1 Mar 2030 21:30 WIT",
                 "Gerbang A", staff.email):
        assert text in page


def test_it_filters_by_event_device_and_date_and_searches_attendees(staff_client, staff):
    first = RegistrationFactory(paid=True, user=UserFactory(email="siti@example.com", full_name="Siti Rahayu"))
    second = RegistrationFactory(paid=True, user=UserFactory(email="budi@example.com", full_name="Budi Santoso"))
    _admit(first, staff, device="Gerbang A")
    _admit(second, staff, device="Gerbang B", at=datetime.datetime(2030, 3, 5, 2, 0, tzinfo=UTC))

    assert _listed(staff_client.get(CHANGELIST, {"registration__event__id__exact": first.event_id})) == {
        "siti@example.com"
    }
    assert _listed(staff_client.get(CHANGELIST, {"device": "Gerbang B"})) == {"budi@example.com"}
    march_5 = {"checked_in_at__gte": "2030-03-05 00:00:00+07:00", "checked_in_at__lt": "2030-03-06 00:00:00+07:00"}
    assert _listed(staff_client.get(CHANGELIST, march_5)) == {"budi@example.com"}
    assert _listed(staff_client.get(CHANGELIST, {"q": "rahayu"})) == {"siti@example.com"}
    assert _listed(staff_client.get(CHANGELIST, {"q": "budi@example"})) == {"budi@example.com"}
    assert _listed(staff_client.get(CHANGELIST, {"q": second.qr_code})) == {"budi@example.com"}


def test_the_list_costs_the_same_queries_for_many_rows(staff_client, staff, django_assert_max_num_queries):
    for _ in range(30):
        _admit(RegistrationFactory(paid=True), staff)
    with django_assert_max_num_queries(12):
        response = staff_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 30


def test_admissions_cannot_be_added_changed_or_deleted_in_the_admin(staff_client, staff):
    checkin = _admit(RegistrationFactory(paid=True), staff)

    assert staff_client.get(reverse("admin:checkins_checkin_add")).status_code == 403
    view = staff_client.get(reverse("admin:checkins_checkin_change", args=[checkin.pk]))
    assert view.status_code == 200 and "Gerbang A" in view.content.decode()
    change = reverse("admin:checkins_checkin_change", args=[checkin.pk])
    assert staff_client.post(change, {"device": "Pintu Belakang"}).status_code == 403
    delete = reverse("admin:checkins_checkin_delete", args=[checkin.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    checkin.refresh_from_db()
    assert checkin.device == "Gerbang A"


def test_a_registration_page_shows_its_admission(staff_client, staff):
    registration = RegistrationFactory(paid=True)
    _admit(registration, staff, device="Gerbang Utara")

    response = staff_client.get(reverse("admin:registrations_registration_change", args=[registration.pk]))

    page = response.content.decode()
    assert "Gerbang Utara" in page
    assert staff.email in page


def test_the_registration_export_says_when_each_attendee_was_admitted(staff_client, staff):
    ticket = TicketFactory(event=EventFactory(timezone="Asia/Jayapura"))
    admitted = RegistrationFactory(ticket=ticket, paid=True, user=UserFactory(email="a@example.com"))
    waiting = RegistrationFactory(ticket=ticket, paid=True, user=UserFactory(email="b@example.com"))
    _admit(admitted, staff)

    response = staff_client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "export_csv", "_selected_action": [str(admitted.pk), str(waiting.pk)]},
    )

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {row["email"]: row["checked_in_at"] for row in rows} == {
        "a@example.com": "2030-03-01T21:30:00+09:00", "b@example.com": ""
    }
