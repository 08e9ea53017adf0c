"""A manager of one event sees nothing of another: API lists and details, the admin, download links."""

import pytest
from django.urls import reverse

from events.tests.factories import TicketFactory
from files.tests.factories import FileFactory
from registrations.tests.factories import RegistrationFactory

from .principals import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def test_api_lists_show_only_the_managers_events(w):
    api = w.api_client("other_manager")
    mine = {"event": str(w.other_event.pk), "page_size": 100}
    registrations = api.get(reverse("api-registrations"), mine).data["results"]
    assert {r["id"] for r in registrations} == {str(w.other_registration.pk)}
    files = api.get(reverse("files_api:file-list"), mine).data["results"]
    assert {f["id"] for f in files} == {str(w.other_file.pk)}
    orders = api.get(reverse("api-orders"), mine).data["results"]
    assert {o["id"] for o in orders} == {str(w.other_registration.order_id)}
    assert api.get(reverse("api-checkins")).data["results"] == []
    # Filtering by the other event finds nothing either.
    theirs = {"event": str(w.event.pk)}
    for name in ("api-registrations", "files_api:file-list", "api-orders"):
        assert api.get(reverse(name), theirs).data["count"] == 0, name


@pytest.mark.parametrize("principal", ["manager", "door"])
def test_a_team_members_lists_without_their_event_are_their_own_tickets(w, principal):
    """The PWA's "my tickets" and "my files" of a volunteer never list the attendees of the event they work."""
    member = getattr(w, principal)
    own = RegistrationFactory(user=member, ticket=TicketFactory(), paid=True)
    own_file = FileFactory(user=member, registration=own)
    api = w.api_client(principal)
    for query in ({}, {"status": "paid"}, {"search": w.attendee.email}, {"event": str(w.other_event.pk)}):
        registrations = api.get(reverse("api-registrations"), query).data["results"]
        assert [r["id"] for r in registrations] == ([str(own.pk)] if "event" not in query else []), query
    assert [o["id"] for o in api.get(reverse("api-orders")).data["results"]] == [str(own.order_id)]
    assert [f["id"] for f in api.get(reverse("files_api:file-list")).data["results"]] == [str(own_file.pk)]
    # Their own ticket is still theirs to open.
    assert api.get(reverse("api-registration", kwargs={"pk": own.pk})).status_code == 200


def test_the_door_lists_and_searches_its_events_attendees_by_event(w):
    api = w.api_client("door")
    event = {"event": str(w.event.pk)}
    listed = {r["id"] for r in api.get(reverse("api-registrations"), event).data["results"]}
    assert str(w.registration.pk) in listed and str(w.other_registration.pk) not in listed
    found = api.get(reverse("api-registrations"), {**event, "search": w.attendee.email}).data["results"]
    assert [r["id"] for r in found] == [str(w.registration.pk)]
    # Orders and files are the managers': the door gets its own only, even naming the event.
    assert api.get(reverse("api-orders"), event).data["count"] == 0
    assert api.get(reverse("files_api:file-list"), event).data["count"] == 0


def test_an_admins_lists_stay_everyones(w):
    api = w.api_client("admin")
    registrations = {r["id"] for r in api.get(reverse("api-registrations"), {"page_size": 100}).data["results"]}
    assert {str(w.registration.pk), str(w.other_registration.pk)} <= registrations
    files = {f["id"] for f in api.get(reverse("files_api:file-list")).data["results"]}
    assert files == {str(w.file.pk), str(w.other_file.pk)}


@pytest.mark.parametrize("principal", ["admin", "manager"])
def test_mine_lists_only_ones_own_whatever_the_roles(w, principal):
    """An admin's (or a manager's) "my tickets" in the PWA asks `?mine=true`, even naming their event."""
    member = getattr(w, principal)
    own = RegistrationFactory(user=member, ticket=w.ticket, paid=True)
    own_file = FileFactory(user=member, registration=own)
    api = w.api_client(principal)
    for query in ({"mine": "true"}, {"mine": "true", "event": str(w.event.pk)}):
        assert [r["id"] for r in api.get(reverse("api-registrations"), query).data["results"]] == [str(own.pk)]
        assert [o["id"] for o in api.get(reverse("api-orders"), query).data["results"]] == [str(own.order_id)]
        assert [f["id"] for f in api.get(reverse("files_api:file-list"), query).data["results"]] == [str(own_file.pk)]
    assert api.get(reverse("api-registrations"), {"mine": "perhaps"}).status_code == 400


def test_api_details_of_another_event_are_404(w):
    api = w.api_client("other_manager")
    urls = [
        reverse("api-registration", kwargs={"pk": w.registration.pk}),
        reverse("api-registration-qr", kwargs={"pk": w.registration.pk}),
        reverse("files_api:file-detail", kwargs={"pk": w.file.pk}),
        reverse("files_api:file-download", kwargs={"pk": w.file.pk}),
        reverse("api-event-stats", kwargs={"slug": w.event.slug}),
        reverse("api-event-team", kwargs={"slug": w.event.slug}),
        reverse("api-checkin-manifest") + f"?event={w.event.pk}",
        reverse("api-event-audit", kwargs={"slug": w.event.slug}),
        reverse("api-event-report", kwargs={"slug": w.event.slug}),
        reverse("api-event-export", kwargs={"slug": w.event.slug, "kind": "attendees", "fmt": "csv"}),
        reverse("api-registration-ticket-pdf", kwargs={"pk": w.registration.pk}),
        reverse("api-order", kwargs={"pk": w.registration.order_id}),
    ]
    assert [api.get(url).status_code for url in urls] == [404] * len(urls)


def test_the_audit_log_of_another_event_is_not_there(w):
    api = w.api_client("other_manager")
    assert str(w.audit_entry.pk) not in {e["id"] for e in api.get(reverse("api-audit")).data["results"]}
    assert api.get(reverse("api-audit"), {"event": str(w.event.pk)}).data["count"] == 0
    mine = w.api_client("manager").get(reverse("api-audit"), {"event": str(w.event.pk)}).data["results"]
    assert [e["id"] for e in mine] == [str(w.audit_entry.pk)]


def test_the_manager_of_the_event_reads_them(w):
    api = w.api_client("manager")
    event = {"event": str(w.event.pk), "page_size": 100}
    registrations = api.get(reverse("api-registrations"), event).data["results"]
    assert str(w.registration.pk) in {r["id"] for r in registrations}
    assert str(w.other_registration.pk) not in {r["id"] for r in registrations}
    assert str(w.registration.order_id) in {o["id"] for o in api.get(reverse("api-orders"), event).data["results"]}
    files = api.get(reverse("files_api:file-list"), event).data["results"]
    assert [f["id"] for f in files] == [str(w.file.pk)] and files[0]["user"]["email"] == w.attendee.email


def test_an_inactive_event_is_visible_to_its_team_only(w):
    w.event.is_active = False
    w.event.save()
    url = reverse("api-event", kwargs={"slug": w.event.slug})
    assert w.api_client("manager").get(url).status_code == 200
    assert w.api_client("door").get(url).status_code == 200
    assert w.api_client("other_manager").get(url).status_code == 404
    listed = w.api_client("other_manager").get(reverse("api-events")).data["results"]
    assert w.event.slug not in {e["slug"] for e in listed}


def test_the_site_download_link_of_another_events_file_is_404(w, client):
    client.force_login(w.other_manager)
    assert client.get(reverse("files:download", args=[w.file.pk])).status_code == 404
    client.force_login(w.manager)
    assert client.get(reverse("files:download", args=[w.file.pk])).status_code == 200


def test_admin_lists_show_only_the_managers_events(w, client):
    shown = [
        ("registrations_registration", w.attendee.email),
        ("files_file", w.file.filename),
        ("events_event", w.event.title),
        ("payments_payment", w.payment.order_id),
        ("audit_auditentry", w.audit_entry.object_repr),
        ("checkins_checkin", w.checkin.registration.holder_name),
    ]
    client.force_login(w.manager)
    for name, text in shown:
        assert text in client.get(reverse(f"admin:{name}_changelist")).content.decode(), name
    client.force_login(w.other_manager)
    for name, hidden in shown:
        page = client.get(reverse(f"admin:{name}_changelist")).content.decode()
        assert hidden not in page, name
    page = client.get(reverse("admin:registrations_registration_changelist")).content.decode()
    assert w.other_registration.user.email in page
    # The filters offer only the manager's own events.
    assert w.event.title not in client.get(reverse("admin:files_file_changelist")).content.decode()
    assert client.get(reverse("admin:files_file_event_zip", args=[w.event.pk])).status_code == 404
