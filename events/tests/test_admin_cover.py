"""The event admin: organiser, city, map link and the cover image upload."""

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events import covers
from events.models import Event
from events.tests.factories import EventFactory
from events.tests.test_admin import _change, _event_form
from events.tests.test_covers import _image
from files.tests import samples

pytestmark = pytest.mark.django_db


def _post(client, event, **extra):
    data = {**_event_form(title=event.title, slug=event.slug), "organizer": "Kopi Kita", "city": "Makassar",
            "map_url": "", **extra}
    return client.post(_change(event), data)


def test_staff_upload_a_cover_and_it_is_resized_and_shown(staff_client, django_capture_on_commit_callbacks):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(staff_client, event, cover_upload=SimpleUploadedFile("foto.png", _image("PNG")))
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert (event.organizer, event.city) == ("Kopi Kita", "Makassar")
    assert event.cover and storages["default"].exists(event.cover)
    page = staff_client.get(_change(event)).content.decode()
    assert covers.url(event, small=True) in page


def test_a_file_that_is_not_an_image_is_a_form_error(staff_client):
    event = EventFactory()
    response = _post(staff_client, event, cover_upload=SimpleUploadedFile("cover.jpg", samples.pdf()))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cover_upload"] == [
        "Upload the cover as a JPEG, PNG or WebP image."]
    event.refresh_from_db()
    assert event.cover == "" and event.organizer == ""


def test_staff_remove_the_cover(staff_client, django_capture_on_commit_callbacks):
    event = EventFactory()
    covers.set_cover(event=event, cover=covers.prepare(SimpleUploadedFile("c.jpg", _image())))
    key = event.cover
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(staff_client, event, remove_cover="on").status_code == 302
    assert Event.objects.get(pk=event.pk).cover == ""
    assert not storages["default"].exists(key)


def test_saving_other_fields_keeps_the_cover(staff_client):
    event = EventFactory()
    covers.set_cover(event=event, cover=covers.prepare(SimpleUploadedFile("c.jpg", _image())))
    assert _post(staff_client, event).status_code == 302
    assert Event.objects.get(pk=event.pk).cover == event.cover


def test_a_map_link_must_be_a_web_address(staff_client):
    event = EventFactory()
    response = _post(staff_client, event, map_url="javascript:alert(1)")
    assert response.status_code == 200 and "map_url" in response.context["adminform"].form.errors


def test_the_add_page_offers_the_new_fields(staff_client):
    page = staff_client.get(reverse("admin:events_event_add")).content.decode()
    for name in ("organizer", "city", "map_url", "cover_upload"):
        assert f'name="{name}"' in page
    assert "No cover image yet." in page
