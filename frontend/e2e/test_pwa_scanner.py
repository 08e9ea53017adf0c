"""The door scanner in a browser: real tickets in front of a fake camera, online,
offline and back (issue 6, Build 7)."""

import uuid

import pytest
import requests
from harness import login, open_station, rescan, wait_for_service_worker, wait_for_verdict

pytestmark = pytest.mark.e2e


def forged(code: str) -> str:
    """Return a code of the same shape whose signature is wrong."""
    prefix, registration, tag = code.split(".")
    return f"{prefix}.{registration}.{tag[::-1]}"


def checkins_from_api(base_url: str, email: str, event_id) -> list[dict]:
    from harness import PASSWORD

    session = requests.Session()
    token = session.post(f"{base_url}/api/v1/auth/login/", json={"email": email, "password": PASSWORD}).json()["access"]
    answer = session.get(
        f"{base_url}/api/v1/checkins/", params={"event": str(event_id)}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    return answer.json()["results"]


def test_it_admits_online_refuses_repeats_and_forgeries_then_keeps_admitting_offline(
    page, context, camera, base_url, staff, concert, paid_ticket
):
    from checkins.models import Checkin

    first = paid_ticket("Budi Santoso")
    second = paid_ticket("Citra Lestari")
    camera.show(first.qr_code)
    login(page, base_url, staff.email)
    open_station(page, base_url, concert.id)
    assert page.get_by_test_id("manifest-count").inner_text().startswith("2 ")

    verdict = wait_for_verdict(page, "ok", offline=False)
    assert "Budi Santoso" in verdict.inner_text()
    assert "Reguler" in verdict.inner_text()

    # The same ticket again: the cooldown holds it while it stays in view; a fresh look is a repeat.
    rescan(page)
    repeat = wait_for_verdict(page, "already_checked_in", offline=False)
    assert "Staf Pintu" in repeat.inner_text()

    camera.show(forged(first.qr_code))
    rescan(page)
    wait_for_verdict(page, "invalid", offline=False)

    # The wifi dies: the next ticket is admitted from the manifest and queued.
    context.set_offline(True)
    camera.show(second.qr_code)
    rescan(page)
    offline_verdict = wait_for_verdict(page, "ok", offline=True)
    assert "Citra Lestari" in offline_verdict.inner_text()
    page.wait_for_selector('[data-testid="mode"][data-mode="offline"]')
    page.wait_for_selector('[data-testid="queued"][data-count="1"]')
    assert not Checkin.objects.filter(registration=second).exists()

    # Offline, the same device refuses the ticket it just admitted.
    rescan(page)
    wait_for_verdict(page, "already_checked_in", offline=True)
    page.wait_for_selector('[data-testid="queued"][data-count="1"]')

    # Back online: the queue is synced and the server holds exactly one admission per ticket.
    context.set_offline(False)
    page.wait_for_selector('[data-testid="mode"][data-mode="online"]', timeout=20000)
    page.wait_for_selector('[data-testid="queued"][data-count="0"]', timeout=20000)
    assert "1" in page.get_by_test_id("last-sync").inner_text()
    assert Checkin.objects.filter(registration=first).count() == 1
    assert Checkin.objects.filter(registration=second).count() == 1
    offline_admission = Checkin.objects.get(registration=second)
    assert offline_admission.scan_id is not None
    assert offline_admission.device == "Gerbang A"
    listed = {item["registration"]: item for item in checkins_from_api(base_url, staff.email, concert.id)}
    assert set(listed) == {str(first.pk), str(second.pk)}
    assert listed[str(second.pk)]["scan_id"] == str(offline_admission.scan_id)


def test_it_reports_duplicates_when_another_gate_admitted_the_ticket_first(
    page, context, camera, base_url, staff, concert, paid_ticket
):
    from checkins import services as checkin_services
    from checkins.models import Checkin

    contested = paid_ticket("Dewi Anggraini")
    camera.show(None)
    login(page, base_url, staff.email)
    open_station(page, base_url, concert.id)

    context.set_offline(True)
    # A gate still online admits the ticket; this device, cut off, cannot know.
    checkin_services.scan(code=contested.qr_code, event_id=concert.id, device="Gerbang B", admin=staff)
    camera.show(contested.qr_code)
    rescan(page)
    wait_for_verdict(page, "ok", offline=True)

    context.set_offline(False)
    issue = page.wait_for_selector('[data-testid="sync-issues"] li[data-result="already_checked_in"]', timeout=20000)
    assert "Dewi Anggraini" in issue.inner_text()
    assert Checkin.objects.filter(registration=contested).count() == 1
    assert Checkin.objects.get(registration=contested).device == "Gerbang B"


def test_it_decides_typed_codes_and_finds_attendees_by_name(page, camera, base_url, staff, concert, paid_ticket):
    ticket = paid_ticket("Eko Prasetyo")
    camera.show(None)
    login(page, base_url, staff.email)
    open_station(page, base_url, concert.id)

    page.get_by_test_id("manual-code").fill(f"  {uuid.uuid4()}  ")
    page.get_by_test_id("manual-code").press("Enter")
    wait_for_verdict(page, "invalid")

    page.get_by_test_id("search-text").fill("Eko")
    page.get_by_test_id("search-text").press("Enter")
    page.get_by_test_id("search-admit").click()
    assert "Eko Prasetyo" in wait_for_verdict(page, "ok").inner_text()

    page.get_by_test_id("manual-code").fill(ticket.qr_code)
    page.get_by_test_id("manual-code").press("Enter")
    wait_for_verdict(page, "already_checked_in")


def test_it_reopens_the_station_offline_after_a_reload(page, context, camera, base_url, staff, concert, paid_ticket):
    from checkins.models import Checkin

    ticket = paid_ticket("Fajar Nugroho")
    camera.show(None)
    login(page, base_url, staff.email)
    open_station(page, base_url, concert.id)
    assert wait_for_service_worker(page), "no service worker took control of the page"

    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    page.wait_for_selector('[data-testid="mode"][data-mode="offline"]')
    camera.show(ticket.qr_code)
    rescan(page)
    wait_for_verdict(page, "ok", offline=True)

    context.set_offline(False)
    page.wait_for_selector('[data-testid="queued"][data-count="0"]', timeout=20000)
    assert Checkin.objects.filter(registration=ticket).count() == 1
