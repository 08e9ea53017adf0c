"""checkins/manifest/: the full download, then deltas by cursor that never miss a late commit."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from checkins import services
from checkins.tests.factories import CheckinFactory
from events.tests.factories import TicketFactory
from registrations import qr
from registrations import services as registration_services
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

MANIFEST = "/api/v1/checkins/manifest/"


def _get(client, event, cursor=None):
    params = {"event": str(event.pk)} | ({"cursor": cursor} if cursor else {})
    response = client.get(MANIFEST, params)
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.django_db
def test_full_manifest_lists_paid_tickets_by_hash(client_for, staff):
    paid = RegistrationFactory(paid=True)
    RegistrationFactory(ticket=paid.ticket)  # pending: not admissible
    RegistrationFactory(paid=True)  # another event
    checkin = CheckinFactory(registration=RegistrationFactory(paid=True, ticket=paid.ticket))
    body = _get(client_for(staff), paid.event)
    # One answer holding every ticket: no paging (the PWA follows no `next`).
    assert set(body) == {"cursor", "tickets", "removed"}
    assert body["removed"] == [] and body["cursor"]
    rows = {t["registration"]: t for t in body["tickets"]}
    assert set(rows) == {str(paid.pk), str(checkin.registration_id)}
    assert rows[str(paid.pk)] == {
        "registration": str(paid.pk),
        "code_sha256": qr.code_sha256(paid.qr_code),
        "attendee_name": paid.user.full_name,
        "ticket_name": paid.ticket.name,
        "status": "paid",
        "checked_in_at": None,
    }
    assert rows[str(checkin.registration_id)]["checked_in_at"] is not None
    assert paid.qr_code not in str(body)


@pytest.mark.django_db(transaction=True)  # each request its own transaction, as in production
def test_delta_has_payments_admissions_and_cancellations_since_the_cursor(client_for, staff):
    client = client_for(staff)
    ticket = TicketFactory()
    unchanged = RegistrationFactory(paid=True, ticket=ticket)
    to_admit = RegistrationFactory(paid=True, ticket=ticket)
    to_cancel = RegistrationFactory(paid=True, ticket=ticket)
    to_pay = RegistrationFactory(ticket=ticket)
    cursor = _get(client, ticket.event)["cursor"]

    assert _get(client, ticket.event, cursor)["tickets"] == []
    registration_services.mark_paid(registration=to_pay)
    registration_services.cancel(registration=to_cancel, reason=Registration.CancelReason.STAFF)
    services.scan(code=to_admit.qr_code, event_id=ticket.event_id, device="g", admin=staff)
    RegistrationFactory(ticket=ticket)  # a new pending registration: nothing for the scanner

    delta = _get(client, ticket.event, cursor)
    changed = {t["registration"]: t for t in delta["tickets"]}
    assert set(changed) == {str(to_pay.pk), str(to_admit.pk)}
    assert changed[str(to_admit.pk)]["checked_in_at"] is not None
    assert delta["removed"] == [str(to_cancel.pk)]
    assert str(unchanged.pk) not in changed
    quiet = _get(client, ticket.event, delta["cursor"])
    assert (quiet["tickets"], quiet["removed"]) == ([], [])


@pytest.mark.django_db
def test_a_forged_cursor_is_400_invalid_cursor(client_for, staff):
    event = TicketFactory().event
    for cursor in ("kemarin", "pg.9:1:", "pg.1:2:x", "seq.-1"):
        response = client_for(staff).get(MANIFEST, {"event": str(event.pk), "cursor": cursor})
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_cursor"


@pytest.mark.django_db
def test_manifest_is_for_admins_and_needs_an_event(client_for, user, staff):
    event = TicketFactory().event
    assert client_for(user).get(MANIFEST, {"event": str(event.pk)}).status_code == 403
    response = client_for(staff).get(MANIFEST)
    assert response.status_code == 400 and "event" in response.json()["fields"]
    assert client_for(staff).get(MANIFEST, {"event": "00000000-0000-0000-0000-000000000000"}).status_code == 404


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_after_a_later_one_is_not_missed(client_for, staff):
    """A payment whose transaction started before the cursor and committed after it still comes in the next delta."""
    client = client_for(staff)
    ticket = TicketFactory()
    slow = RegistrationFactory(ticket=ticket)
    fast = RegistrationFactory(ticket=ticket)
    written, release = threading.Event(), threading.Event()

    def pay_slowly():
        try:
            with transaction.atomic():
                Registration.objects.filter(pk=slow.pk).update(
                    status=Registration.Status.PAID, paid_at=timezone.now(), expires_at=None
                )
                written.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=pay_slowly)
    thread.start()
    assert written.wait(timeout=30)
    registration_services.mark_paid(registration=fast)  # commits first, though it was written second
    first = _get(client, ticket.event)
    assert [t["registration"] for t in first["tickets"]] == [str(fast.pk)]
    release.set()
    thread.join(timeout=30)

    delta = _get(client, ticket.event, first["cursor"])
    assert str(slow.pk) in [t["registration"] for t in delta["tickets"]]


@pytest.mark.django_db
def test_each_ticket_of_an_order_carries_its_attendees_name_in_the_manifest_and_the_scan(client_for, staff, user):
    from registrations.services import Attendee, Item

    ticket = TicketFactory(max_per_user=2)
    order = registration_services.place_order(
        user=user, event=ticket.event, items=[Item(ticket, 2)], attendees=[Attendee("Dewi Sartika"), Attendee()]
    )
    registration_services.mark_order_paid(order=order)
    client = client_for(staff)

    names = sorted(t["attendee_name"] for t in _get(client, ticket.event)["tickets"])
    dewi = order.registrations.get(attendee_name="Dewi Sartika")
    scan = client.post("/api/v1/checkins/scan/", {"code": dewi.qr_code, "event": str(ticket.event.pk)}, format="json")

    assert names == sorted(["Dewi Sartika", user.full_name])
    assert scan.status_code == 201 and scan.json()["registration"]["attendee_name"] == "Dewi Sartika"
