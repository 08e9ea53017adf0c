"""The WSGI handler (eventhub/handler.py) resolves a path once, and answers as Django's own handler does."""

import pytest
from django.core.handlers.wsgi import WSGIHandler as DjangoWSGIHandler
from django.test import RequestFactory
from django.urls import URLResolver, clear_url_caches

from eventhub import handler
from eventhub.handler import WSGIHandler
from events.tests.factories import EventFactory

# A WSGI call sends request_started and request_finished, which close the database connection.
pytestmark = pytest.mark.django_db(transaction=True)


def _call(application, path: str, **extra):
    """Return (status, sorted headers, body) of one WSGI GET."""
    environ = RequestFactory().get(path, **extra).environ
    found = {}

    def start_response(status, headers, exc_info=None):
        found["status"], found["headers"] = status, sorted(headers)

    response = application(environ, start_response)
    try:
        return found["status"], found["headers"], b"".join(response)
    finally:
        response.close()


@pytest.fixture
def resolutions(monkeypatch):
    """The paths the URL resolver is asked to resolve from now on."""
    asked = []
    real = URLResolver.resolve

    def resolve(self, path):
        if self.pattern.regex.pattern == "^/":  # the root resolver: one call a resolution
            asked.append(path)
        return real(self, path)

    monkeypatch.setattr(URLResolver, "resolve", resolve)
    return asked


def test_a_path_without_arguments_is_resolved_once_and_answered_the_same(resolutions):
    event = EventFactory()
    ours, django = WSGIHandler(), DjangoWSGIHandler()
    paths = ["/api/v1/events/", "/api/v1/no-such-thing/", f"/api/v1/events/{event.slug}/"]
    answers = [_call(ours, path) for path in paths * 2]
    assert [a[0] for a in answers] == ["200 OK", "404 Not Found", "200 OK"] * 2
    # The second time, ours resolved only the event's page (a path with an argument).
    assert resolutions == [*paths, paths[2]]
    assert answers == [_call(django, path) for path in paths * 2]
    assert sorted(key[0] for key in ours._resolved) == ["/api/v1/events/", "/api/v1/no-such-thing/"]


def test_each_language_resolves_on_its_own(resolutions):
    ours = WSGIHandler()
    for language in ("id", "en", "id", "en"):
        assert _call(ours, "/api/v1/events/", HTTP_ACCEPT_LANGUAGE=language)[0] == "200 OK"
    assert resolutions == ["/api/v1/events/", "/api/v1/events/"]


def test_a_new_urlconf_is_resolved_anew(resolutions, settings):
    ours = WSGIHandler()
    _call(ours, "/api/v1/events/")
    settings.ROOT_URLCONF = "eventhub.urls"  # the same module, but setting it builds a new resolver
    clear_url_caches()
    assert _call(ours, "/api/v1/events/")[0] == "200 OK"
    assert resolutions == ["/api/v1/events/", "/api/v1/events/"]


def test_the_remembered_paths_are_bounded(monkeypatch):
    monkeypatch.setattr(handler, "RESOLVED_MAX", 3)
    ours = WSGIHandler()
    for n in range(7):  # /api/ answers any unknown path (a catch-all without arguments)
        _call(ours, f"/api/v1/unknown-{n}/")
    assert 1 <= len(ours._resolved) <= 3
