import io
import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from events.models import Event, Ticket
from registrations.models import Registration

pytestmark = pytest.mark.django_db


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _credentials(output: str, role: str) -> tuple[str, str]:
    block = output.split(f"{role} (", 1)[1]
    email = re.search(r"email:\s+(\S+)", block).group(1)
    password = re.search(r"password:\s+(\S+)", block).group(1)
    return email, password


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (User, Event, Ticket, Registration))


def test_it_creates_an_admin_whose_printed_credentials_open_the_admin(settings, client):
    settings.DEBUG = True
    output = _seed()

    email, password = _credentials(output, "Admin")
    admin = User.objects.get(email=email)
    assert admin.role == User.Role.ADMIN
    assert identify_hasher(admin.password).algorithm == "bcrypt_sha256"
    assert client.login(username=email, password=password)
    assert client.get("/admin/").status_code == 200

    email, password = _credentials(output, "Attendee")
    assert User.objects.get(email=email).role == User.Role.USER
    assert client.login(username=email, password=password)


def test_it_creates_free_paid_sold_out_and_past_events_in_three_time_zones(settings):
    settings.DEBUG = True
    _seed()

    events = list(Event.objects.prefetch_related("tickets"))
    assert len(events) >= 4
    assert {e.timezone for e in events} >= {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}
    assert all(len(e.tickets.all()) >= 2 for e in events)
    now = timezone.now()
    upcoming = [e for e in events if e.event_date > now]
    assert any(all(t.price == 0 for t in e.tickets.all()) for e in upcoming), "a free event"
    assert any(len({t.price for t in e.tickets.all() if t.price > 0}) >= 3 for e in upcoming), "price tiers"
    sold_out = [e for e in upcoming if all(t.sold == t.quota for t in e.tickets.all())]
    assert sold_out, "a sold-out event"
    for ticket in sold_out[0].tickets.all():
        held = Registration.objects.filter(ticket=ticket, status__in=Registration.ACTIVE_STATUSES).count()
        assert held == ticket.quota
    past = [e for e in events if e.event_date <= now]
    assert past and Registration.objects.filter(event__in=past, status="paid").exists(), "a past event with attendees"
    assert Registration.objects.filter(user__email="peserta@eventhub.local").count() >= 2


def test_a_second_run_creates_nothing_and_prints_the_same_credentials(settings):
    settings.DEBUG = True
    first = _seed()
    before = _counts()

    second = _seed()

    assert "Demo data created" in first
    assert "nothing created" in second
    assert _counts() == before
    assert first.split("Admin (", 1)[1] == second.split("Admin (", 1)[1]


def test_check_seats_finds_no_drift_after_seeding(settings):
    settings.DEBUG = True
    _seed()
    out = io.StringIO()
    call_command("check_seats", stdout=out)
    assert out.getvalue().startswith("No drift")


def test_it_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        _seed()
    assert _counts() == (0, 0, 0, 0)

    _seed("--force")
    assert User.objects.filter(email="admin@eventhub.local").exists()
