"""The admin in Indonesian: every page an organiser uses, walked from the index, reads without English."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from accounts.tests.factories import AdminFactory, UserFactory
from checkins.tests.factories import CheckinFactory
from events.models import EventMember
from events.tests.factories import EventFactory, TicketFactory
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

# Words that are English and never Indonesian (Indonesian uses "filter", "status", "email", "check-in", "log", "total" as its own):
# any of them on a page is an untranslated string.
ENGLISH = {
    "the", "and", "of", "to", "by", "with", "for", "an", "select", "option", "add", "change", "delete",
    "save", "search", "show", "all", "history", "view", "you", "are", "enter", "times", "timezone", "hour", "hours",
    "ahead", "behind", "note", "today", "now", "yesterday", "tomorrow", "home", "out", "password", "action",
    "selected", "clear", "choose", "date", "time", "yes", "no", "unknown", "any", "this", "month", "year", "week",
    "past", "days", "results", "result", "page", "next", "previous", "event", "events", "ticket",
    "tickets", "registration", "registrations", "payment", "payments", "paid", "pending", "cancelled", "name",
    "price", "quota", "sold", "seats", "left", "sales", "start", "end", "description", "title", "location", "active",
    "created", "updated", "amount", "user", "users", "role", "team", "members", "manager", "door",
    "staff", "checkins", "report", "reports", "task", "tasks", "tokens",
    "blacklist", "blacklisted", "outstanding", "welcome", "recent", "actions", "my", "none", "available", "edit",
    "new", "another", "remove", "close", "open", "sort", "ascending", "descending", "toggle", "sorting", "theme",
    "skip", "content", "main", "navigation", "site", "administration",
}
SKIP_TAGS = {"script", "style", "code", "textarea"}
READ_ATTRIBUTES = {"title", "placeholder", "aria-label"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.links, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in SKIP_TAGS:
            self._skip += 1
        if tag == "a" and attrs.get("href", "").startswith("/admin/"):
            self.links.append(attrs["href"])
        self.parts.extend(value for name, value in attrs.items() if name in READ_ATTRIBUTES and value)
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _read(html: str) -> _Text:
    reader = _Text()
    reader.feed(html)
    return reader


def _english(text: str) -> set[str]:
    # Emails, URLs and codes are data, not words of the interface.
    text = re.sub(r"\S+@\S+|https?://\S+|\S*[/_]\S*", " ", text)
    return {word for word in re.findall(r"[A-Za-z]+", text) if word.lower() in ENGLISH}


@pytest.fixture
def organiser_data():
    event = EventFactory(title="Festival Kopi Nusantara", location="Gedung Sate, Bandung", timezone="Asia/Makassar")
    ticket = TicketFactory(event=event, name="Reguler", price=75000)
    paid = RegistrationFactory(ticket=ticket, paid=True, user=UserFactory(full_name="Siti Rahayu"))
    RegistrationFactory(ticket=ticket, user=UserFactory(full_name="Budi Santoso"))
    CheckinFactory(registration=paid)
    return event


def _walk(client: Client, start: str = "/admin/") -> dict[str, set[str]]:
    """Open the index, each app and list its menu links to, and the add page and one object's page of each list."""
    seen, found, queue, opened = set(), {}, [start], set()
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="id")
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        page = _read(response.content.decode())
        words = _english(" ".join(page.parts))
        if words:
            found[path] = words
        for link in page.links:
            parts = link.split("?")[0].split("#")[0].strip("/").split("/")  # admin, app, model, [id, change | add]
            if len(parts) <= 3 or (len(parts) == 4 and parts[3] == "add"):
                queue.append("/" + "/".join(parts) + "/")
            elif len(parts) == 5 and parts[4] == "change" and (parts[1], parts[2]) not in opened:
                opened.add((parts[1], parts[2]))
                queue.append("/" + "/".join(parts) + "/")
    assert {"/admin/events/event/", "/admin/registrations/registration/"} <= seen
    assert len(opened) >= 3, opened
    return found


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(user)
    return client


def test_an_admin_walks_the_indonesian_admin_without_meeting_english(organiser_data):
    assert _walk(_client(AdminFactory(full_name="Dewi Lestari"))) == {}


def test_an_event_manager_walks_the_indonesian_admin_without_meeting_english(organiser_data):
    manager = UserFactory(full_name="Agus Pratama")
    EventMember.objects.create(event=organiser_data, user=manager, role=EventMember.Role.MANAGER)
    assert _walk(_client(manager)) == {}


def test_internal_sections_stay_out_of_the_admins_menus(organiser_data):
    page = _client(AdminFactory()).get("/admin/").content.decode()
    assert "/admin/django_tasks_database/" not in page and "/admin/token_blacklist/" not in page
    assert "/admin/events/event/" in page


def test_the_admins_time_zone_note_is_in_indonesian(organiser_data):
    script = _client(AdminFactory()).get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Catatan: Masukkan waktu dalam zona waktu %(timezone)s." in script
