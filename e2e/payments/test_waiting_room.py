"""The waiting room on the site (issue 12): the event page sends a buyer to the queue, the queue page
follows the place without reloading, moves on when admitted, and the buyer pays for a ticket."""

import datetime
import re
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import EventFactory, TicketFactory
from registrations.models import Registration

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AHEAD = 3


@pytest.fixture
def concert(monkeypatch):
    """A concert behind a waiting room open for a minute, paused; once resumed it admits one buyer a second."""
    from waitingroom.models import WaitingRoom

    # A batch is normally 6 s of the rate; one second's worth lets the line move visibly, one by one.
    monkeypatch.setattr("waitingroom.store.BATCH_SECONDS", 1)

    event = EventFactory(title="Konser Senja", slug="konser-senja")
    TicketFactory(event=event, name="Reguler", quota=50)
    WaitingRoom.objects.create(
        event=event, enabled=True, opens_at=timezone.now() - datetime.timedelta(minutes=1), rate_per_minute=60,
        paused=True,
    )
    return event


def join(user, slug: str) -> dict:
    client = Client()
    client.force_login(user)
    answer = client.post(f"/api/v1/waiting-room/{slug}/join/")
    assert answer.status_code == 200, answer.content
    return answer.json()


def watch_the_queue(page, until_url: re.Pattern, seconds: float = 30) -> list[int]:
    """Return every 'people ahead' figure the queue page showed, in order, until the page moved on."""
    seen: list[int] = []
    deadline = time.monotonic() + seconds
    while not until_url.search(page.url):
        assert time.monotonic() < deadline, f"still queueing after {seconds} s; saw {seen}"
        try:
            value = page.locator("#queue-ahead").get_attribute("data-value", timeout=500)
        except PlaywrightTimeoutError:  # the page is moving on
            continue
        if value and (not seen or seen[-1] != int(value)):
            seen.append(int(value))
        page.wait_for_timeout(100)
    return seen


def test_a_buyer_queues_on_the_site_is_admitted_and_pays(logged_in_page, pay_site, concert):
    for _ in range(AHEAD):
        join(UserFactory(), concert.slug)
    buyer = UserFactory()
    page = logged_in_page(buyer)
    # Every join and poll carries the page's visitor token (so the server answers it from Redis alone).
    visits = []
    page.on("request", lambda request: "/api/v1/waiting-room/" in request.url and visits.append(
        request.headers.get("x-waiting-room-visitor", "")))

    page.goto("/events/konser-senja/")
    page.get_by_role("link", name="Join the queue").click()
    page.wait_for_url("**/events/konser-senja/queue/")
    # Paused: everyone keeps their place, the buyer last of them.
    page.locator('#queue-state[data-state="paused"]').wait_for()
    assert page.get_by_text("People ahead of you").is_visible()
    assert page.locator("#queue-ahead").get_attribute("data-value") == str(AHEAD)

    # Resumed: the people ahead are admitted one after another, then the buyer, and the page moves on.
    room = concert.waiting_room
    room.paused = False
    room.save()
    seen = watch_the_queue(page, re.compile(r"/events/konser-senja/$"))
    assert seen[0] == AHEAD and seen == sorted(seen, reverse=True) and len(seen) >= 3, seen
    assert len(visits) >= 3 and all(token.startswith("WV1.") for token in visits), visits

    # Admitted: the pass came as a cookie, the banner says so and the sale lets the buyer through.
    assert page.locator('#waiting-room[data-admitted="true"]').is_visible()
    page.get_by_role("button", name="Register: Reguler").click()
    page.wait_for_url(re.compile(r"/checkout/[0-9a-f-]+/$"))
    registration = Registration.objects.get(user=buyer)
    page.get_by_role("radio", name=re.compile("QRIS")).check()
    page.get_by_role("button", name=re.compile("Pay now|Bayar")).click()
    page.wait_for_url(re.compile(r"/simulator/midtrans/snap/v4/redirection/"))
    page.get_by_label("QRIS").check()
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(rf"/checkout/{registration.pk}/success/"), timeout=30_000)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PAID


def test_without_a_pass_registering_leads_to_the_queue(logged_in_page, pay_site, concert):
    buyer = UserFactory()
    page = logged_in_page(buyer, locale="id-ID")
    page.goto("/events/konser-senja/")
    page.get_by_role("button", name="Daftar: Reguler").click()
    page.wait_for_url("**/events/konser-senja/queue/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ruang tunggu"
    assert not Registration.objects.filter(user=buyer).exists()


def test_the_queue_tells_everyone_waiting_when_it_is_sold_out(logged_in_page, pay_site, concert):
    from registrations import services

    for _ in range(AHEAD):
        join(UserFactory(), concert.slug)
    page = logged_in_page(UserFactory(), locale="id-ID")
    page.goto("/events/konser-senja/queue/")
    page.locator('#queue-state[data-state="paused"]').wait_for()

    # The last seats go: one is sold, and the organiser closes the rest (quota down to what is sold).
    ticket = concert.tickets.get()
    services.reserve(ticket=ticket, user=UserFactory())
    ticket.refresh_from_db()
    ticket.quota = ticket.sold
    ticket.save()
    page.locator('#queue-state[data-state="sold_out"]').wait_for(timeout=30_000)
    assert "Habis terjual" in page.locator("#queue-headline").inner_text()
    page.get_by_role("link", name="Masuk daftar tunggu").click()
    page.wait_for_url("**/events/konser-senja/#tickets-heading")


def test_a_buyer_whose_pass_ran_out_is_put_back_in_line_by_the_queue_page(logged_in_page, pay_site, concert, settings):
    buyer = UserFactory()
    room = concert.waiting_room
    room.paused = False
    room.save()
    assert join(buyer, concert.slug)["state"] == "admitted"
    room.paused = True
    room.save()
    for _ in range(AHEAD):
        join(UserFactory(), concert.slug)
    settings.WAITING_ROOM_PASS_MINUTES = 0  # the buyer's pass has run out

    page = logged_in_page(buyer)
    page.goto("/events/konser-senja/queue/")
    # The page joins again, taking a new place at the back (behind everyone who was waiting), and says why.
    page.locator('#queue-state[data-rejoined="true"][data-state="paused"]').wait_for()
    assert page.locator("#queue-ahead").get_attribute("data-value") == str(AHEAD)
    assert page.locator("#queue-position").get_attribute("data-value") == str(AHEAD + 1)
    assert page.url.endswith("/events/konser-senja/queue/")
