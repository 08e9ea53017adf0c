import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registrations_registration_changelist")
Status = Registration.Status


def _act(client, action: str, registrations, **extra):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [str(r.pk) for r in registrations], **extra}, follow=True
    )


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _sold(ticket) -> int:
    return Ticket.objects.get(pk=ticket.pk).sold


def test_cancel_asks_first_and_changes_nothing_until_confirmed(staff_client):
    ticket = TicketFactory(quota=10)
    registration = RegistrationFactory(ticket=ticket, paid=True, user=UserFactory(email="siti@example.com"))

    response = _act(staff_client, "cancel_and_release_seat", [registration])

    page = response.content.decode()
    assert "siti@example.com" in page
    assert "1 of them is paid: the attendee is owed a refund." in page
    assert 'name="post" value="yes"' in page
    assert Registration.objects.get(pk=registration.pk).status == Status.PAID
    assert _sold(ticket) == 1


def test_cancel_releases_each_seat_once_and_reports_per_result(staff_client, staff):
    ticket = TicketFactory(quota=10)
    pending = RegistrationFactory(ticket=ticket)
    paid = RegistrationFactory(ticket=ticket, paid=True)
    cancelled = RegistrationFactory(
        ticket=ticket, status=Status.CANCELLED, cancelled_at=timezone.now(), cancel_reason="user"
    )
    assert _sold(ticket) == 2

    response = _act(staff_client, "cancel_and_release_seat", [pending, paid, cancelled], post="yes")

    assert _messages(response) == [
        "Cancelled 2 registrations and released their seats.",
        "1 of them was marked paid without an online payment: there is nothing to refund through a gateway.",
        "1 registration was already cancelled: nothing changed.",
    ]
    assert _sold(ticket) == 0
    for registration in (pending, paid):
        registration.refresh_from_db()
        assert (registration.status, registration.cancel_reason) == (Status.CANCELLED, "staff")
    cancelled.refresh_from_db()
    assert cancelled.cancel_reason == "user"
    assert LogEntry.objects.filter(user=staff, object_id=str(paid.pk)).exists()
    call_command("check_seats")

    again = _act(staff_client, "cancel_and_release_seat", [pending, paid], post="yes")
    assert _messages(again) == ["2 registrations were already cancelled: nothing changed."]
    assert _sold(ticket) == 0


def test_resend_ticket_email_queues_it_for_paid_registrations_only(staff_client, django_capture_on_commit_callbacks):
    paid = RegistrationFactory(paid=True, user=UserFactory(email="lunas@example.com"))
    pending = RegistrationFactory(user=UserFactory(email="belum@example.com"))

    with django_capture_on_commit_callbacks(execute=True):
        response = _act(staff_client, "resend_ticket_email", [paid, pending])

    assert _messages(response) == [
        "The ticket email was queued for 1 registration.",
        "1 registration is not paid and has no ticket to send.",
    ]
    assert [message.to for message in mail.outbox] == [["lunas@example.com"]]
    assert paid.qr_code in mail.outbox[0].body


def test_export_csv_streams_the_selected_registrations(staff_client):
    event = EventFactory(title="Festival Musik Senja", timezone="Asia/Makassar")
    ticket = TicketFactory(event=event, name="VIP", price=Decimal("750000"))
    paid = RegistrationFactory(
        ticket=ticket, paid=True, paid_at=datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        user=UserFactory(email="siti@example.com", full_name="Siti Rahayu", phone="+628111"),
    )
    pending = RegistrationFactory(ticket=ticket, user=UserFactory(email="budi@example.com"))
    RegistrationFactory(user=UserFactory(email="not-selected@example.com"))

    response = staff_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [str(paid.pk), str(pending.pk)]}
    )

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="registrations-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["email"] for row in rows] == ["budi@example.com", "siti@example.com"]
    siti = rows[1]
    assert {key: siti[key] for key in ("attendee", "phone", "event", "ticket", "status", "amount", "paid_at")} == {
        "attendee": "Siti Rahayu", "phone": "'+628111", "event": "Festival Musik Senja", "ticket": "VIP",
        "status": "paid", "amount": "750000", "paid_at": "2030-01-02T11:04:05+08:00",
    }
    assert rows[0]["paid_at"] == ""


def test_export_csv_keeps_a_formula_in_a_name_as_text(staff_client):
    registration = RegistrationFactory(
        user=UserFactory(full_name='=HYPERLINK("http://evil.example","klik")', phone="+6281234")
    )

    response = staff_client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [str(registration.pk)]})

    row = next(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert row["attendee"] == '\'=HYPERLINK("http://evil.example","klik")'
    assert row["phone"] == "'+6281234"
