"""An event's team in the PWA (issue 11): a door volunteer (platform role `user`) runs the offline scanner
for their event and sees nothing else; a manager sees their event's menus, adds door staff and reads the
audit log of their event only."""

import pytest
import requests
from harness import PASSWORD, app_url, login, open_station, rescan, wait_for_service_worker, wait_for_verdict

pytestmark = pytest.mark.e2e


def _member(event, role: str, name: str):
    from accounts.tests.factories import UserFactory
    from events.models import EventMember

    user = UserFactory(full_name=name)
    EventMember.objects.create(event=event, user=user, role=role)
    return user


def _api(base_url: str, email: str) -> requests.Session:
    session = requests.Session()
    token = session.post(f"{base_url}/api/v1/auth/login/", json={"email": email, "password": PASSWORD}).json()["access"]
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def test_a_door_member_scans_offline_syncs_and_reaches_nothing_else(
    page, context, camera, base_url, concert, paid_ticket
):
    from checkins.models import Checkin
    from events.tests.factories import EventFactory, TicketFactory
    from registrations.tests.factories import RegistrationFactory

    other = EventFactory(title="Festival Lain", slug="festival-lain")
    door = _member(concert, "door", "Rina Relawan")
    # The volunteer holds a ticket of their own to another event: their dashboard shows it, and only it.
    RegistrationFactory(user=door, ticket=TicketFactory(event=other), paid=True)
    first, second = paid_ticket("Budi Santoso"), paid_ticket("Citra Lestari")
    camera.show(None)

    # Logging in leads a door volunteer to the scanner; the menus offer the scanner and no admin page.
    login(page, base_url, door.email)
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/app/admin/scan"))
    page.get_by_test_id("nav-scan").wait_for()
    # The event picker holds their event only (from auth/me/), not every public event.
    options = page.get_by_test_id("station-event").locator("option:not([disabled])")
    options.first.wait_for(state="attached")
    assert options.count() == 1 and "Konser Senja" in options.inner_text()
    assert page.get_by_test_id("nav-admin").count() == 0
    assert page.get_by_test_id("staff-menu").count() == 0

    open_station(page, base_url, concert.id, gate="Gerbang Relawan")
    assert page.get_by_test_id("manifest-count").inner_text().startswith("2 ")
    assert wait_for_service_worker(page), "no service worker took control of the page"

    camera.show(first.qr_code)
    rescan(page)
    wait_for_verdict(page, "ok", offline=False)
    assert Checkin.objects.get(registration=first).admin == door
    # No dashboard for them, but the station shows how far the door has come (refreshed every 5 s).
    page.wait_for_selector('[data-testid="door-checked-in"][data-checked-in="1"][data-paid="2"]', timeout=15000)
    assert page.get_by_test_id("door-checked-in").inner_text() == "1 dari 2 tiket lunas sudah masuk"

    # The wifi dies: admitted from the manifest and queued; a reload offline reopens the station.
    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    page.wait_for_selector('[data-testid="mode"][data-mode="offline"]')
    camera.show(second.qr_code)
    rescan(page)
    wait_for_verdict(page, "ok", offline=True)
    page.wait_for_selector('[data-testid="queued"][data-count="1"]')
    assert not Checkin.objects.filter(registration=second).exists()

    # Back online: the queue is synced as the volunteer.
    context.set_offline(False)
    page.wait_for_selector('[data-testid="queued"][data-count="0"]', timeout=20000)
    admission = Checkin.objects.get(registration=second)
    assert admission.admin == door and admission.scan_id is not None

    # Their tickets are their own, not the attendees they admitted.
    page.goto(app_url(base_url, "dashboard"))
    page.locator("main").get_by_text("Festival Lain").first.wait_for()
    assert "Konser Senja" not in page.locator("main").inner_text()

    # Staff pages send them back to their dashboard.
    for path in ("admin", "admin/events", f"admin/events/{concert.slug}", "admin/audit", "admin/users"):
        page.goto(app_url(base_url, path))
        page.wait_for_url(lambda url: url.rstrip("/").endswith("/app/dashboard"))

    # The API refuses them the rest: another event is not there, staff lists are not theirs.
    api = _api(base_url, door.email)
    assert api.get(f"{base_url}/api/v1/checkins/manifest/", params={"event": str(other.pk)}).status_code == 404
    assert api.get(f"{base_url}/api/v1/events/{other.slug}/stats/").status_code == 404
    assert api.post(f"{base_url}/api/v1/checkins/scan/", json={"code": first.qr_code, "event": str(other.pk)}).status_code == 404
    assert api.get(f"{base_url}/api/v1/audit/").status_code == 403
    assert api.get(f"{base_url}/api/v1/events/{concert.slug}/team/").status_code == 403


def test_a_manager_sees_their_event_adds_door_staff_and_reads_its_audit_log(page, base_url, concert):
    from audit.models import AuditEntry
    from events.models import EventMember
    from events.tests.factories import EventFactory

    other = EventFactory(title="Festival Lain", slug="festival-lain")
    manager = _member(concert, "manager", "Maya Pengelola")
    _member(other, "manager", "Oki Pengelola Lain")
    volunteer = _member(other, "door", "Sari Relawan")  # an account the manager adds to their own event

    login(page, base_url, manager.email)
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/app/admin"))
    menu = page.get_by_test_id("staff-menu")
    assert "Log audit" in menu.inner_text() and "Pengguna" not in menu.inner_text()
    page.get_by_test_id("event-stats").first.wait_for()
    assert [card.get_attribute("data-slug") for card in page.get_by_test_id("event-stats").all()] == [concert.slug]

    # The event's page: the team; a manager adds door staff only.
    page.goto(app_url(base_url, f"admin/events/{concert.slug}"))
    page.get_by_test_id("team").wait_for()
    assert page.get_by_test_id("team-role").count() == 0
    page.get_by_test_id(f"member-{manager.email}").wait_for()
    page.get_by_test_id("team-email").fill(volunteer.email)
    page.get_by_test_id("team-add").get_by_role("button").click()
    page.wait_for_selector(f'[data-testid="member-{volunteer.email}"][data-role="door"]')
    assert EventMember.objects.get(event=concert, user=volunteer).role == "door"

    # The audit log says who did it; another event's entries are not there.
    AuditEntry.objects.create(action="event.change", object_type="events.event", object_id=str(other.pk),
                              object_repr=other.title, event=other, actor_label="someone@example.com")
    page.get_by_test_id("event-audit-link").click()
    page.wait_for_url(lambda url: "/app/admin/audit" in url)
    entry = page.locator('[data-testid="audit-entry"][data-action="team.add"]')
    entry.wait_for()
    assert manager.email in entry.inner_text() and volunteer.email in entry.inner_text()
    page.goto(app_url(base_url, "admin/audit"))
    page.get_by_test_id("audit-entry").first.wait_for()
    assert "Festival Lain" not in page.get_by_test_id("audit-entries").inner_text()

    # Another event's page is not theirs.
    page.goto(app_url(base_url, f"admin/events/{other.slug}"))
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/app/admin"))

    # Renaming their event's slug keeps them on its page (the roles are asked again for the new slug).
    page.goto(app_url(base_url, f"admin/events/{concert.slug}"))
    page.locator('input[name="slug"]').fill("konser-senja-2")
    page.get_by_test_id("event-save").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/app/admin/events/konser-senja-2"))
    page.get_by_test_id("team").wait_for()
