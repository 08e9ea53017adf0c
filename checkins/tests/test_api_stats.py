"""events/{slug}/stats/: counts by status, per ticket type, and admissions per minute per device."""

import datetime

import pytest
from django.utils import timezone

from checkins.tests.factories import CheckinFactory
from events.tests.factories import TicketFactory
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_stats_have_the_designed_shape_and_counts(client_for, staff):
    regular = TicketFactory(name="Reguler", price=100000, quota=10)
    vip = TicketFactory(name="VIP", price=500000, quota=5, event=regular.event)
    RegistrationFactory(ticket=regular)
    RegistrationFactory(ticket=regular, status=Registration.Status.CANCELLED, expires_at=None)
    paid = [RegistrationFactory(ticket=regular, paid=True), RegistrationFactory(ticket=vip, paid=True)]
    minute = timezone.now().replace(second=0, microsecond=0)
    CheckinFactory(registration=paid[0], device="g1", checked_in_at=minute)
    CheckinFactory(registration=paid[1], device="g1", checked_in_at=minute + datetime.timedelta(seconds=20))
    CheckinFactory(registration=RegistrationFactory(ticket=vip, paid=True), device="g1", checked_in_at=minute - datetime.timedelta(hours=2))
    RegistrationFactory(paid=True)  # another event

    body = client_for(staff).get(f"/api/v1/events/{regular.event.slug}/stats/").json()

    assert body["event"] == str(regular.event_id)
    assert (body["registered"], body["pending"], body["paid"], body["cancelled"], body["checked_in"]) == (5, 1, 3, 1, 3)
    assert body["tickets"] == [
        {"id": str(regular.pk), "name": "Reguler", "quota": 10, "sold": 2, "paid": 1, "checked_in": 1},
        {"id": str(vip.pk), "name": "VIP", "quota": 5, "sold": 2, "paid": 2, "checked_in": 2},
    ]
    [row] = body["admissions_per_minute"]
    assert (row["device"], row["count"]) == ("g1", 2)
    assert datetime.datetime.fromisoformat(row["minute"]) == minute


def test_stats_are_for_admins_only(client_for, user):
    ticket = TicketFactory()
    assert client_for(user).get(f"/api/v1/events/{ticket.event.slug}/stats/").status_code == 403
