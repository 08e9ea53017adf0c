import io

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from events import covers
from events.tests.factories import EventFactory
from files.tests import samples

pytestmark = pytest.mark.django_db


def _image(fmt="JPEG", size=(1600, 900), mode="RGB", color=(20, 120, 200), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def _upload(content: bytes, name="cover.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _opened(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_prepare_reencodes_an_image_as_both_jpeg_sizes(fmt):
    cover = covers.prepare(_upload(_image(fmt), name="x.bin", content_type="application/octet-stream"))
    large, small = _opened(cover.large), _opened(cover.small)
    assert (large.format, large.size) == ("JPEG", (1200, 630))
    assert (small.format, small.size) == ("JPEG", (600, 315))


def test_prepare_crops_to_the_link_preview_shape_without_stretching():
    # A tall image: red top, blue middle, green bottom. The crop keeps the middle.
    image = Image.new("RGB", (1200, 1800), (220, 0, 0))
    image.paste((0, 0, 220), (0, 600, 1200, 1200))
    image.paste((0, 220, 0), (0, 1200, 1200, 1800))
    out = io.BytesIO()
    image.save(out, "PNG")
    large = _opened(covers.prepare(_upload(out.getvalue())).large)
    red, green, blue = large.getpixel((600, 315))
    assert blue > 180 and red < 40 and green < 40


def test_prepare_drops_the_metadata_and_turns_the_photo_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x010F] = "Secret Camera Co"
    content = _image("JPEG", size=(700, 1400), exif=exif.tobytes())
    cover = covers.prepare(_upload(content))
    assert b"Secret Camera Co" not in cover.large
    assert not _opened(cover.large).getexif()
    # Upright, the 700 × 1400 portrait becomes a 1400 × 700 landscape: wide enough without upscaling blur.
    assert _opened(cover.large).size == (1200, 630)


def test_prepare_puts_transparent_parts_on_white():
    cover = covers.prepare(_upload(_image("PNG", mode="RGBA", color=(0, 0, 0, 0))))
    assert _opened(cover.large).getpixel((10, 10)) >= (250, 250, 250)


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "empty_file"),
        (samples.pdf(), "type_not_allowed"),
        (b"GIF89a" + b"\x00" * 200, "type_not_allowed"),
        (samples.elf(), "type_not_allowed"),
        (_image("JPEG")[:600], "type_not_allowed"),  # truncated
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "type_not_allowed"),  # a PNG signature and nothing else
        (_image("PNG", size=(500, 400)), "image_too_small"),
    ],
    ids=["empty", "pdf", "gif", "executable", "truncated-jpeg", "fake-png", "too-small"],
)
def test_prepare_refuses_what_is_not_a_usable_image(content, code):
    with pytest.raises(covers.CoverError) as refused:
        covers.prepare(_upload(content))
    assert refused.value.code == code


def test_prepare_refuses_too_many_pixels_before_decoding(settings):
    settings.FILE_MAX_IMAGE_PIXELS = 1000 * 1000
    with pytest.raises(covers.CoverError) as refused:
        covers.prepare(_upload(_image("PNG", size=(1600, 900))))
    assert (refused.value.code, refused.value.status) == ("too_large", 413)


def test_prepare_refuses_a_file_over_the_size_cap(settings):
    content = _image("PNG")
    settings.FILE_MAX_BYTES = len(content) - 1
    with pytest.raises(covers.CoverError) as refused:
        covers.prepare(_upload(content))
    assert (refused.value.code, refused.value.status) == ("too_large", 413)


def test_set_cover_stores_both_sizes_under_generated_names(django_capture_on_commit_callbacks):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        covers.set_cover(event=event, cover=covers.prepare(_upload(_image(), name="../../etc/passwd.jpg")))
    event.refresh_from_db()
    assert event.cover.startswith(f"covers/{event.pk}/") and "passwd" not in event.cover
    storage = storages["default"]
    assert storage.exists(event.cover) and storage.exists(covers.small_key(event.cover))


def test_a_new_cover_removes_the_old_files_once_committed(django_capture_on_commit_callbacks):
    event = EventFactory()
    covers.set_cover(event=event, cover=covers.prepare(_upload(_image())))
    old = event.cover
    with django_capture_on_commit_callbacks(execute=True):
        covers.set_cover(event=event, cover=covers.prepare(_upload(_image(color=(1, 2, 3)))))
    storage = storages["default"]
    assert event.cover != old and storage.exists(event.cover)
    assert not storage.exists(old) and not storage.exists(covers.small_key(old))


def test_removing_the_cover_or_the_event_removes_its_files(django_capture_on_commit_callbacks):
    storage = storages["default"]
    first, second = EventFactory(), EventFactory()
    for event in (first, second):
        covers.set_cover(event=event, cover=covers.prepare(_upload(_image())))
    keys = first.cover, second.cover
    with django_capture_on_commit_callbacks(execute=True):
        covers.remove_cover(event=first)
        second.delete()
    first.refresh_from_db()
    assert first.cover == ""
    assert not any(storage.exists(key) for key in keys)


def test_the_cover_is_served_publicly_and_cached_for_good(client):
    event = EventFactory()
    covers.set_cover(event=event, cover=covers.prepare(_upload(_image())))
    for small, size in ((False, (1200, 630)), (True, (600, 315))):
        response = client.get(covers.url(event, small=small))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert _opened(b"".join(response.streaming_content)).size == size


def test_an_old_or_made_up_cover_url_is_not_found(client):
    event = EventFactory()
    covers.set_cover(event=event, cover=covers.prepare(_upload(_image())))
    old_url = covers.url(event)
    covers.set_cover(event=event, cover=covers.prepare(_upload(_image())))
    assert client.get(old_url).status_code == 404
    made_up = reverse("events:cover", kwargs={"slug": event.slug, "name": "..%2f..%2fsecret"})
    assert client.get(made_up).status_code == 404
    assert client.get(reverse("events:cover", kwargs={"slug": "no-such-event", "name": "x"})).status_code == 404


def test_an_inactive_events_cover_is_shown_to_staff_only(staff_client):
    event = EventFactory(is_active=False)
    covers.set_cover(event=event, cover=covers.prepare(_upload(_image())))
    assert Client().get(covers.url(event)).status_code == 404
    response = staff_client.get(covers.url(event))
    assert response.status_code == 200 and response["Cache-Control"].startswith("private")
