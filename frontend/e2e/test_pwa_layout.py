"""Each PWA page is titled after what it shows, and a phone's header keeps the language menu on screen."""

import pytest
from harness import app_url, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_every_page_has_a_title_of_its_own(page, base_url, attendee, concert):
    titles = {}
    for path, ready in (("events", "event-card"), ("events/konser-senja", "ticket-type"), ("auth/login", "login-form")):
        page.goto(app_url(base_url, path))
        page.get_by_test_id(ready).first.wait_for()
        page.wait_for_function("() => document.title !== 'EventHub'")
        titles[path] = page.title()
    login(page, base_url, attendee.email)
    page.goto(app_url(base_url, "dashboard"))
    page.wait_for_function("() => document.title.startsWith('Tiket saya')")
    titles["dashboard"] = page.title()
    assert titles == {
        "events": "Acara · EventHub", "events/konser-senja": "Konser Senja · EventHub",
        "auth/login": "Masuk · EventHub", "dashboard": "Tiket saya · EventHub",
    }


def test_a_phones_header_keeps_the_language_menu_on_screen(page, base_url, attendee):
    from accounts.models import User

    User.objects.filter(pk=attendee.pk).update(full_name="Ni Luh Putu Ayu Kusumawardhani Pratiwi Sari")
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, base_url, attendee.email)
    page.goto(app_url(base_url, "events"))
    menu = page.get_by_test_id("language")
    menu.wait_for()
    box = menu.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    logout = page.get_by_test_id("logout").bounding_box()
    assert logout["x"] + logout["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_staff_overview_counts_and_explains_the_cancelled(page, base_url, staff, concert, paid_ticket):
    from registrations import services

    paid_ticket("Gita Puspita")
    gone = services.reserve(ticket=concert.tickets.get(), user=type(staff).objects.create_user(
        "batal@example.com", "tiket-rahasia-123", full_name="Batal Saja"))
    services.cancel(registration=gone)
    login(page, base_url, staff.email)
    page.get_by_test_id("stat-cancelled").wait_for()
    assert page.get_by_test_id("stat-registered").inner_text() == "2"
    assert page.get_by_test_id("stat-paid").inner_text() == "1"
    assert page.get_by_test_id("stat-cancelled").inner_text() == "1"
    assert "kedaluwarsa" in page.get_by_test_id("stat-note").inner_text()


def test_a_ticket_used_at_the_door_is_marked_used_on_the_dashboard(page, base_url, attendee, concert):
    from checkins.tests.factories import CheckinFactory
    from registrations import services

    registration = services.mark_paid(registration=services.reserve(ticket=concert.tickets.get(), user=attendee),
                                      paid_at=None)
    CheckinFactory(registration=registration)
    login(page, base_url, attendee.email)
    page.goto(app_url(base_url, "dashboard"))
    status = page.get_by_test_id("registration-status")
    status.wait_for()
    assert status.inner_text() == "Sudah dipakai"
