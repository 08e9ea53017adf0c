"""The waiting room in the PWA (issue 12): refused at the gate, a buyer joins the queue,
sees the people ahead of them admitted one batch after another, is admitted and buys."""

import datetime
import re
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
import requests
from harness import PASSWORD, app_url, login

pytestmark = pytest.mark.e2e

AHEAD = 3


@pytest.fixture
def gateway(base_url, settings):
    """The payment simulator on the live server, as the gateways' SDKs reach it in development."""
    settings.SITE_URL = base_url
    settings.PAYMENT_SIMULATOR = True
    settings.MIDTRANS_SNAP_BASE_URL = settings.MIDTRANS_CORE_BASE_URL = settings.XENDIT_API_HOST = ""
    return base_url


@pytest.fixture
def room(concert, monkeypatch):
    """A waiting room in front of the concert, open since a minute, paused; once resumed it admits one buyer a second."""
    from django.utils import timezone

    from waitingroom.models import WaitingRoom

    # A batch is normally 6 s of the rate; one second's worth lets the line move visibly, one by one.
    monkeypatch.setattr("waitingroom.store.BATCH_SECONDS", 1)

    return WaitingRoom.objects.create(
        event=concert, enabled=True, opens_at=timezone.now() - datetime.timedelta(minutes=1), rate_per_minute=60,
        paused=True,
    )


def join_through_the_api(base_url: str, email: str, slug: str) -> dict:
    session = requests.Session()
    token = session.post(f"{base_url}/api/v1/auth/login/", json={"email": email, "password": PASSWORD}).json()["access"]
    answer = session.post(f"{base_url}/api/v1/waiting-room/{slug}/join/", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def watch_the_queue(page, until_url: re.Pattern, seconds: float = 30) -> list[int]:
    """Return every 'people ahead' figure the queue page showed, in order, until the page moved on."""
    seen: list[int] = []
    deadline = time.monotonic() + seconds
    while not until_url.search(page.url):
        assert time.monotonic() < deadline, f"still queueing after {seconds} s; saw {seen}"
        try:
            value = page.get_by_test_id("queue-ahead").get_attribute("data-value", timeout=500)
        except PlaywrightTimeoutError:  # the page is moving on
            continue
        if value and (not seen or seen[-1] != int(value)):
            seen.append(int(value))
        page.wait_for_timeout(100)
    return seen


def buy_one_ticket(page) -> None:
    """Ask for one Reguler ticket from the event page: its Register button, or a basket of one placed as an order."""
    page.get_by_test_id("ticket-type").first.wait_for()
    if page.get_by_test_id("register").count():
        page.get_by_test_id("register").first.click()
        return
    page.get_by_test_id("ticket-type").filter(has=page.get_by_text("Reguler", exact=True)).get_by_test_id("quantity-more").click()
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/app/checkout?event=*")
    page.get_by_test_id("attendee-name").first.wait_for()
    page.get_by_test_id("place-order").click()


def test_a_buyer_queues_sees_the_line_move_is_admitted_and_buys(page, gateway, attendee, concert, room):
    from accounts.tests.factories import UserFactory
    from registrations.models import Registration

    for number in range(AHEAD):
        join_through_the_api(gateway, UserFactory(full_name=f"Penonton {number}").email, concert.slug)
    passes = []
    page.on("request", lambda request: passes.append(request.headers.get("x-waiting-room-pass"))
            if request.method == "POST" and re.search(r"/api/v1/(registrations|orders)/$", request.url) else None)

    # Without a pass the sale refuses the buyer and the app takes them to the queue.
    login(page, gateway, attendee.email, next_path="/events/konser-senja")
    buy_one_ticket(page)
    page.wait_for_url("**/app/queue/konser-senja")
    assert Registration.objects.filter(user=attendee).count() == 0

    # Paused: everyone keeps their place, the buyer last of them.
    page.wait_for_selector('[data-testid="queue"][data-state="paused"]')
    assert page.get_by_test_id("queue-ahead").get_attribute("data-value") == str(AHEAD)
    assert "Posisi Anda" in page.locator("main").inner_text()
    assert "dijeda" in page.get_by_test_id("queue-headline").inner_text()

    # Resumed: the people ahead are admitted one after another, then the buyer, and the app moves on.
    room.paused = False
    room.save()
    seen = watch_the_queue(page, re.compile(r"/app/events/konser-senja$"))
    assert seen[0] == AHEAD and seen == sorted(seen, reverse=True) and len(seen) >= 3, seen

    # Admitted: the event page again, and this time the sale takes the pass.
    buy_one_ticket(page)
    page.wait_for_url(re.compile(r"/app/checkout\?(order|registration)="))
    registration = Registration.objects.get(user=attendee)
    assert passes[-1] and passes[-1].startswith("WP1."), passes
    page.get_by_test_id("method-qris").check()
    page.get_by_test_id("pay").click()
    page.wait_for_url(re.compile(r"/simulator/midtrans/"))
    page.get_by_label("QRIS").check()
    page.get_by_role("button", name="Bayar", exact=True).click()
    page.wait_for_url("**/app/payment/success?*", timeout=30000)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PAID


def test_the_queue_says_sold_out_and_offers_the_waiting_list(page, base_url, attendee, concert, room):
    from accounts.tests.factories import UserFactory

    ticket = concert.tickets.get()
    room.rate_per_minute, room.paused = 1, False
    room.save()
    for number in range(AHEAD):
        join_through_the_api(base_url, UserFactory().email, concert.slug)
    login(page, base_url, attendee.email)
    page.goto(app_url(base_url, "queue/konser-senja"))
    page.wait_for_selector('[data-testid="queue"][data-state="waiting"]')

    # The last seats go: one is sold, and the organiser closes the rest (quota down to what is sold).
    from registrations import services

    services.reserve(ticket=ticket, user=UserFactory())
    ticket.refresh_from_db()
    ticket.quota = ticket.sold
    ticket.save()
    page.wait_for_selector('[data-testid="queue"][data-state="sold_out"]', timeout=30000)
    assert "Habis terjual" in page.get_by_test_id("queue-headline").inner_text()
    page.get_by_test_id("queue-waitlist").click()
    page.wait_for_url("**/app/events/konser-senja")


def test_a_buyer_whose_pass_ran_out_is_told_so_and_put_back_in_line(page, base_url, attendee, concert, room, settings):
    from accounts.tests.factories import UserFactory

    room.paused = False
    room.save()
    assert join_through_the_api(base_url, attendee.email, concert.slug)["state"] == "admitted"
    room.paused = True
    room.save()
    for _ in range(AHEAD):
        join_through_the_api(base_url, UserFactory().email, concert.slug)
    settings.WAITING_ROOM_PASS_MINUTES = 0  # the buyer's pass has run out

    login(page, base_url, attendee.email)
    page.goto(app_url(base_url, "queue/konser-senja"))
    # The app asks first, sees admitted without a pass, joins again at the back and says why.
    page.wait_for_selector('[data-testid="queue"][data-rejoined="true"][data-state="paused"]')
    assert page.get_by_test_id("queue-ahead").get_attribute("data-value") == str(AHEAD)
    assert page.get_by_test_id("queue-position").get_attribute("data-value") == str(AHEAD + 1)
    assert "Giliran Anda untuk membeli sudah habis" in page.get_by_test_id("queue-rejoined").inner_text()
    assert page.url.endswith("/app/queue/konser-senja")
