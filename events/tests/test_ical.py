import datetime

import icalendar
import pytest
from django.urls import reverse

from events import ical
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def _calendar(client, event) -> icalendar.Calendar:
    response = client.get(reverse("events:calendar", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    return icalendar.Calendar.from_ical(response.content)


def test_the_calendar_file_holds_the_event_at_its_moment(client, settings):
    settings.SITE_URL = "https://tiket.example.id"
    start = datetime.datetime(2031, 5, 1, 8, 0, tzinfo=datetime.UTC)  # 16.00 WITA
    event = EventFactory(title="Festival Senja; Bali, \"2031\"", timezone="Asia/Makassar", event_date=start,
                         location="Pantai Melasti", city="Bali", organizer="Senja Nusantara",
                         description="Musik\nsampai malam.")
    calendar = _calendar(client, event)
    assert calendar["method"] == "PUBLISH"
    (entry,) = calendar.walk("VEVENT")
    assert entry.decoded("dtstart") == start
    assert str(entry["summary"]) == 'Festival Senja; Bali, "2031"'
    assert str(entry["location"]) == "Pantai Melasti, Bali"
    assert str(entry["url"]) == f"https://tiket.example.id/events/{event.slug}/"
    assert str(entry["uid"]) == f"event-{event.pk}@tiket.example.id"
    description = str(entry["description"])
    assert "Musik sampai malam." in description and "Penyelenggara: Senja Nusantara" in description


def test_the_same_event_keeps_its_uid_so_a_new_import_updates_the_entry(client):
    event = EventFactory()
    first = _calendar(client, event).walk("VEVENT")[0]["uid"]
    event.title = "Judul baru"
    event.save()
    assert _calendar(client, event).walk("VEVENT")[0]["uid"] == first


def test_long_and_unusual_text_makes_a_valid_file():
    event = EventFactory(title="Ü" * 200, description="baris;\\koma,\r\n" * 50)
    content = ical.render(event)
    assert all(len(line) <= 75 for line in content.split(b"\r\n"))
    (entry,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(entry["summary"]) == "Ü" * 200


def test_an_inactive_event_has_no_calendar_file(client):
    event = EventFactory(is_active=False)
    assert client.get(reverse("events:calendar", kwargs={"slug": event.slug})).status_code == 404


def test_the_event_page_links_to_it_until_the_event_is_over(en_client):
    upcoming = EventFactory()
    past = EventFactory(event_date=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    link = 'href="{}" class="calendar-link" download>Add to calendar'
    page = en_client.get(upcoming.get_absolute_url()).content.decode()
    assert link.format(reverse("events:calendar", kwargs={"slug": upcoming.slug})) in page
    assert "Add to calendar" not in en_client.get(past.get_absolute_url()).content.decode()
