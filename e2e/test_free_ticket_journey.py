import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from events.models import Ticket
from events.tests.factories import EventFactory, FreeTicketFactory, TicketFactory
from registrations.models import Registration

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_signs_up_takes_a_free_ticket_and_sees_the_qr(page, console_errors):
    event = EventFactory(
        title="Meetup Python Makassar", location="Makassar", timezone="Asia/Makassar",
        event_date=timezone.now() + datetime.timedelta(days=14),
    )
    ticket = FreeTicketFactory(event=event, name="Umum", quota=30)
    TicketFactory(event=event, name="Donatur", price=100000)

    page.goto("/")
    page.get_by_role("link", name="Meetup Python Makassar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetup Python Makassar")
    expect(page.get_by_text("30 seats left")).to_be_visible()
    expect(page.get_by_text("Rp 100.000")).to_be_visible()

    # Registering while anonymous asks to log in, and from there to sign up, keeping the way back.
    page.get_by_role("button", name="Register: Umum").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email address").fill("ayu@example.com")
    page.get_by_label("Full name").fill("Ayu Lestari")
    page.get_by_label("Phone").fill("0812 3456 7890")
    page.get_by_label("Password:", exact=True).fill("Pisang-Goreng-2031")
    page.get_by_label("Password confirmation").fill("Pisang-Goreng-2031")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(rf"/events/{event.slug}/$"))
    expect(page.get_by_role("status").filter(has_text="Welcome to EventHub")).to_be_visible()
    page.get_by_role("button", name="Register: Umum").click()

    expect(page.get_by_text("You are registered.")).to_be_visible()
    expect(page.get_by_text("Free ticket", exact=True)).to_be_visible()

    page.get_by_role("link", name="My registrations").first.click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    qr_image = page.get_by_role("img", name="QR ticket for Meetup Python Makassar")
    expect(qr_image).to_be_visible()
    qr_image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr_image.element_handle())
    assert qr_image.evaluate("img => img.naturalWidth") > 100

    user = User.objects.get(email="ayu@example.com")
    assert user.password.startswith("bcrypt_sha256$")
    registration = Registration.objects.get(user=user)
    assert registration.status == Registration.Status.PAID
    assert Ticket.objects.get(pk=ticket.pk).sold == 1
    (ticket_email,) = [m for m in mail.outbox if m.to == ["ayu@example.com"]]
    assert registration.qr_code in ticket_email.body
    assert console_errors == []
