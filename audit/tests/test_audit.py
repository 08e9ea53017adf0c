"""The audit log: an entry for each staff action, who sees which, and that nobody can change it (issue 11)."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from accounts.tests.factories import AdminFactory, UserFactory
from audit import services as audit
from audit.models import AppendOnlyError, AuditEntry
from events.models import EventMember
from events.tests.factories import EventFactory, TicketFactory
from events.tests.test_admin import _change, _event_form, _ticket_row
from files.tests.factories import FileFactory
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _manager(event):
    user = UserFactory()
    EventMember.objects.create(event=event, user=user, role=EventMember.Role.MANAGER)
    return user


def _only(action: str) -> AuditEntry:
    [entry] = AuditEntry.objects.filter(action=action)
    return entry


def test_event_and_ticket_edits_through_the_api_record_who_where_and_what(client_for):
    event = EventFactory(location="Jakarta")
    ticket = TicketFactory(event=event, quota=100)
    manager = _manager(event)
    client = client_for(manager)

    client.patch(f"/api/v1/events/{event.slug}/", {"location": "Bandung"}, format="json", REMOTE_ADDR="10.1.2.3")
    client.patch(f"/api/v1/events/{event.slug}/tickets/{ticket.pk}/", {"quota": 80}, format="json")
    client.post(f"/api/v1/events/{event.slug}/tickets/", {"name": "VIP", "price": "500000", "quota": 5}, format="json")

    edit = _only("event.change")
    assert (edit.actor, edit.ip_address, edit.event_id) == (manager, "10.1.2.3", event.pk)
    assert edit.changes == {"location": ["Jakarta", "Bandung"]}
    assert manager.email in edit.actor_label
    assert _only("ticket.change").changes == {"quota": [100, 80]}
    assert _only("ticket.add").changes["price"] == "500000"


def test_event_edits_in_the_admin_record_the_event_its_ticket_types_and_team(client, staff):
    event = EventFactory(event_date=datetime.datetime(2030, 6, 1, 12, 0, tzinfo=UTC), location="Makassar")
    ticket = TicketFactory(event=event, quota=100)
    door = UserFactory()
    client.force_login(staff)
    form = _event_form(title="Judul Baru", slug=event.slug, rows=[_ticket_row(0, ticket, quota="80")], initial=1)
    form.update({"team-TOTAL_FORMS": "1", "team-0-user": str(door.pk), "team-0-role": "door", "team-0-id": ""})

    assert client.post(_change(event), form).status_code == 302

    assert _only("event.change").changes["title"] == [event.title, "Judul Baru"]
    assert _only("ticket.change").changes == {"quota": [100, 80]}
    team = _only("team.add")
    assert team.event_id == event.pk and team.changes["role"] == [None, "door"]


def test_a_staff_cancellation_is_recorded_and_an_owners_is_not(client_for):
    registration = RegistrationFactory(paid=True)
    own = RegistrationFactory()
    client_for(_manager(registration.event)).post(f"/api/v1/registrations/{registration.pk}/cancel/")
    client_for(own.user).post(f"/api/v1/registrations/{own.pk}/cancel/")

    entry = _only("registration.cancel")
    assert entry.object_id == str(registration.pk) and entry.changes == {"status": ["paid", "cancelled"]}


def test_role_and_team_changes_are_recorded(client_for, client):
    admin, user = AdminFactory(), UserFactory()
    event = EventFactory()
    api = client_for(admin)

    api.patch(f"/api/v1/users/{user.pk}/", {"role": "admin"}, format="json")
    api.post(f"/api/v1/events/{event.slug}/team/", {"email": user.email, "role": "manager"}, format="json")
    api.delete(f"/api/v1/events/{event.slug}/team/", {"user": str(user.pk)}, format="json")
    client.force_login(admin)
    other = UserFactory()
    data = {"email": other.email, "full_name": other.full_name, "phone": other.phone, "role": "admin", "is_active": "on"}
    assert client.post(f"/admin/accounts/user/{other.pk}/change/", data).status_code == 302

    changes = [entry.changes for entry in AuditEntry.objects.filter(action="user.change").order_by("at")]
    assert changes == [{"role": ["user", "admin"]}, {"role": ["user", "admin"]}]
    assert _only("team.add").changes == {"user": user.email, "role": [None, "manager"]}
    assert _only("team.remove").event_id == event.pk


def test_device_pairing_and_revocation_are_recorded(client_for):
    event = EventFactory()
    manager = _manager(event)
    api = client_for(manager)
    code = api.post(f"/api/v1/events/{event.slug}/devices/", {"name": "Gerbang 1"}, format="json").json()["code"]
    device = client_for(manager).post("/api/v1/devices/pair/", {"code": code}, format="json",
                                      REMOTE_ADDR="10.9.9.9").json()["device"]
    api.post(f"/api/v1/events/{event.slug}/devices/{device['id']}/revoke/")
    api.post(f"/api/v1/events/{event.slug}/devices/{device['id']}/revoke/")

    assert _only("device.pairing_code").actor == manager
    paired = _only("device.pair")
    assert (paired.actor, paired.ip_address, paired.object_id) == (manager, "10.9.9.9", device["id"])
    assert _only("device.revoke").event_id == event.pk


def test_file_deletions_are_recorded(client_for):
    registration = RegistrationFactory(paid=True)
    file = FileFactory(user=registration.user, registration=registration)
    manager = _manager(registration.event)
    assert client_for(manager).delete(f"/api/v1/files/{file.pk}/").status_code == 204

    entry = _only("file.delete")
    assert entry.actor == manager and entry.event_id == registration.event_id
    assert entry.changes == {"filename": file.filename}


def test_managers_read_their_events_log_only_and_admins_everything(client_for):
    event, other = EventFactory(), EventFactory()
    manager = _manager(event)
    mine = audit.record(manager, "event.change", event, {"title": ["A", "B"]})
    audit.record(None, "event.change", other, {"title": ["C", "D"]})
    audit.record(None, "user.change", UserFactory(), {"role": ["user", "admin"]})

    listed = client_for(manager).get("/api/v1/audit/").json()
    assert [row["id"] for row in listed["results"]] == [str(mine.pk)]
    assert client_for(manager).get(f"/api/v1/events/{event.slug}/audit/").json()["count"] == 1
    assert client_for(manager).get(f"/api/v1/events/{other.slug}/audit/").status_code == 404
    assert client_for(AdminFactory()).get("/api/v1/audit/").json()["count"] == 3


def test_entries_cannot_be_changed_or_deleted_by_the_model_or_the_database():
    entry = audit.record(None, "event.change", EventFactory(), {"title": ["A", "B"]})
    entry.action = "event.delete"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    for sql in ("UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.get().action == "event.change"


def test_the_admin_offers_no_add_change_or_delete(client, staff):
    entry = audit.record(staff, "event.change", EventFactory(), {"title": ["A", "B"]})
    client.force_login(staff)

    page = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    listing = client.get("/admin/audit/auditentry/")

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert "deletelink" not in page.content.decode()
    assert "delete_selected" not in listing.content.decode()
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "x"}).status_code == 403
    assert AuditEntry.objects.get().action == "event.change"


def test_deleting_an_event_keeps_its_entries(client_for):
    event = EventFactory()
    client_for(AdminFactory()).delete(f"/api/v1/events/{event.slug}/")
    entry = _only("event.delete")
    assert entry.event_id == event.pk and entry.object_repr == event.title
