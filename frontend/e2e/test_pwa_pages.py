"""Every page of the seed's frontend tree, against the live API; the attendee
journey; the PWA offline and installable (issue 6, Build 7 and acceptance)."""

import pytest
from harness import BUILD, app_url, login, wait_for_service_worker

pytestmark = pytest.mark.e2e


def visit(page, base_url, path: str, selector: str) -> str:
    """Open a page and wait for what shows it works; return its main text."""
    page.goto(app_url(base_url, path))
    page.wait_for_selector(selector)
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert "HTTP 4" not in text and "HTTP 5" not in text, f"{path}: {text[:300]}"
    return text


def test_every_attendee_page_works_against_the_api(page, base_url, attendee, concert):
    from registrations import services

    ticket = concert.tickets.get()
    pending = services.reserve(ticket=ticket, user=attendee)

    assert "Konser Senja" in visit(page, base_url, "", '[data-testid="event-card"]')
    assert "Konser Senja" in visit(page, base_url, "events", '[data-testid="event-card"]')
    assert "Reguler" in visit(page, base_url, "events/konser-senja", '[data-testid="ticket-type"]')
    visit(page, base_url, "auth/login", '[data-testid="login-form"]')
    visit(page, base_url, "auth/register", "form")

    login(page, base_url, attendee.email)
    assert page.url.endswith("/app/dashboard")
    visit(page, base_url, "dashboard", '[data-testid="order"]')
    visit(page, base_url, "dashboard/files", '[data-testid="file-upload"]')
    visit(page, base_url, f"checkout?registration={pending.pk}", '[data-testid="checkout-form"]')
    visit(page, base_url, f"payment/pending?registration={pending.pk}", '[data-testid="registration-status"]')
    services.mark_paid(registration=pending)
    visit(page, base_url, f"payment/success?registration={pending.pk}", '[data-testid="qr-display"]')

    # Attendees are kept out of the staff pages.
    page.goto(app_url(base_url, "admin/scan"))
    page.wait_for_url("**/app/dashboard")
    assert page.get_by_test_id("nav-admin").count() == 0


def test_every_staff_page_works_against_the_api(page, base_url, staff, concert, paid_ticket):
    paid_ticket("Gita Puspita")
    login(page, base_url, staff.email)
    assert page.url.endswith("/app/admin")
    page.wait_for_selector('[data-testid="stat-paid"]')
    assert page.get_by_test_id("stat-paid").inner_text() == "1"
    assert "Konser Senja" in visit(page, base_url, "admin/events", '[data-testid="admin-events"] tbody tr')
    visit(page, base_url, "admin/events/new", '[data-testid="event-form"]')
    visit(page, base_url, "admin/events/konser-senja", '[data-testid="ticket-types"] tbody tr')
    assert "Gita Puspita" in visit(page, base_url, "admin/users", '[data-testid="user-row"]')
    visit(page, base_url, "admin/files", '[data-testid="files-event"]')
    visit(page, base_url, "admin/scan", '[data-testid="station-setup"]')


def test_staff_create_an_event_and_see_validation_errors_on_the_fields(page, base_url, staff):
    from events.models import Event

    login(page, base_url, staff.email)
    page.goto(app_url(base_url, "admin/events/new"))
    page.get_by_test_id("event-save").click()
    page.wait_for_selector(".field.invalid")
    assert page.locator(".field.invalid .field-error").count() >= 1
    assert not Event.objects.exists()

    page.get_by_test_id("event-title").fill("Festival Kopi")
    page.get_by_test_id("event-date").fill("2031-05-01T19:00")
    page.get_by_test_id("event-location").fill("Bandung")
    page.get_by_test_id("event-save").click()
    page.wait_for_url("**/app/admin/events/festival-kopi")
    page.get_by_test_id("ticket-add").click()
    page.get_by_test_id("ticket-name").fill("Reguler")
    page.get_by_test_id("ticket-price").fill("75000")
    page.get_by_test_id("ticket-quota").fill("-1")
    page.get_by_test_id("ticket-save").click()
    page.wait_for_selector('[data-testid="ticket-error"]')
    page.get_by_test_id("ticket-quota").fill("200")
    page.get_by_test_id("ticket-save").click()
    page.wait_for_selector('[data-testid="ticket-types"] tbody tr')
    ticket = Event.objects.get(slug="festival-kopi").tickets.get()
    assert (ticket.name, ticket.price, ticket.quota) == ("Reguler", 75000, 200)


def test_an_attendee_registers_for_a_free_ticket_and_gets_the_qr(page, base_url, attendee, free_event):
    from registrations.models import Registration

    login(page, base_url, attendee.email, next_path="/events/seminar-gratis")
    page.get_by_test_id("quantity-more").click()
    page.get_by_test_id("continue").click()
    page.get_by_test_id("place-order").click()
    page.wait_for_url("**/app/payment/success?order=*")
    page.wait_for_selector('[data-testid="qr-display"] svg path')
    registration = Registration.objects.get(user=attendee, event=free_event)
    assert registration.status == Registration.Status.PAID
    assert page.locator(".qr-code-text").inner_text() == registration.qr_code

    # A second ticket of a type one may hold once is refused with the API's reason, on that type.
    page.goto(app_url(base_url, "events/seminar-gratis"))
    page.get_by_test_id("quantity-more").click()
    error = page.get_by_test_id("ticket-error")
    error.wait_for()
    assert error.get_attribute("data-code") == "limit_exceeded"
    assert "Umum" in error.inner_text()


def test_the_pwa_reloads_offline_from_the_service_worker(page, context, base_url, attendee, free_event):
    from registrations import services

    registration = services.reserve(ticket=free_event.tickets.get(), user=attendee)
    login(page, base_url, attendee.email)
    page.goto(app_url(base_url, f"payment/success?registration={registration.pk}"))
    page.wait_for_selector('[data-testid="qr-display"] svg path')
    assert wait_for_service_worker(page), "no service worker took control of the page"

    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    page.wait_for_selector(".brand")
    page.wait_for_selector('[data-testid="offline-banner"]')
    page.goto(app_url(base_url, "events"))
    page.wait_for_selector("h1")
    context.set_offline(False)


def test_the_pwa_is_installable(page, base_url):
    import json

    page.goto(app_url(base_url, ""))
    assert wait_for_service_worker(page), "no service worker took control of the page"
    href = page.get_attribute('link[rel="manifest"]', "href")
    assert href == "/app/manifest.webmanifest"
    manifest = json.loads((BUILD / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        answer = page.request.get(app_url(base_url, icon["src"]))
        assert answer.status == 200 and answer.headers["content-type"] == "image/png"

    cdp = page.context.new_cdp_session(page)
    served = cdp.send("Page.getAppManifest")
    assert served["errors"] == []
    assert served["url"].endswith("/app/manifest.webmanifest")
    # Chromium lists what stops installation; a scoped service worker controlling the page leaves nothing.
    errors = [e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    assert errors == [] or errors == ["in-incognito"], errors
