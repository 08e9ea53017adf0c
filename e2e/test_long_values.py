"""Long names and titles wrap: no page grows wider than the screen, in the site or the admin."""

import pytest

from accounts.tests.factories import AdminFactory, UserFactory
from events.tests.factories import EventFactory, TicketFactory
from registrations.tests.factories import RegistrationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# 150 characters with no space to break at: a pasted URL-like name, the worst case for a layout.
LONG = ("FestivalSenjaBali" * 9)[:150]
LONG_NAME = "Ni Made " + "Ayu" * 47 + "X"


def _overflow(page) -> int:
    """Return by how many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def long_registration(db):
    assert len(LONG) == 150 and len(LONG_NAME) == 150
    event = EventFactory(title=LONG, location=LONG)
    ticket = TicketFactory(event=event, name=LONG[:100], description=LONG, price=750000)
    return RegistrationFactory(user=UserFactory(full_name=LONG_NAME), ticket=ticket)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_dashboard_wraps_a_150_character_title(logged_in_page, long_registration, width):
    page = logged_in_page(long_registration.user, viewport={"width": width, "height": 900})
    for path in ("/dashboard/", f"/dashboard/registrations/{long_registration.pk}/", "/events/",
                 long_registration.event.get_absolute_url()):
        page.goto(path)
        assert page.get_by_text(LONG).first.is_visible()
        assert _overflow(page) <= 0, path


def test_the_admin_lists_and_the_event_page_fit_1280_pixels(logged_in_page, long_registration):
    page = logged_in_page(AdminFactory(), viewport={"width": 1280, "height": 900})
    page.goto("/admin/registrations/registration/")
    assert page.get_by_text(LONG_NAME).first.is_visible()
    assert _overflow(page) <= 0
    page.goto("/admin/accounts/user/")
    assert _overflow(page) <= 0
    page.goto(f"/admin/events/event/{long_registration.event.pk}/change/")
    rows = page.locator(".inline-group .tabular")
    assert rows.count() >= 1
    assert _overflow(page) <= 0
    # Every ticket row's last field is on screen, not cut off at the window's edge.
    for box in page.locator(".inline-group .tabular tr td:last-child").evaluate_all(
        "cells => cells.map(cell => cell.getBoundingClientRect().right)"
    ):
        assert box <= 1280
