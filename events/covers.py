"""Event cover images: checked like attendee files, resized, stored under generated names, served publicly.

An upload is judged by its content, never its name or the browser's claim:
the size is capped (FILE_MAX_BYTES), the type is read from the magic bytes
and must be an image Pillow reads as that same format, and images larger than
FILE_MAX_IMAGE_PIXELS are refused before they are decoded. What is stored is
never the upload itself: the image is decoded, turned upright, flattened onto
white and re-encoded as two JPEGs cropped to Open Graph's 1.91:1 — 1200 × 630
for the event page and link previews (WhatsApp, Facebook), 600 × 315 for the
event cards — so no metadata or trailing payload of the original survives.

Covers live in the default storage (`covers/<event id>/<random>.jpg`), which
nothing serves directly; `events.views.cover` streams them with a URL that
changes with each new cover, so it can be cached for a year.
"""

import dataclasses
import io
import logging
import uuid

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from eventhub import images
from eventhub.base import DomainError

from .models import Event

logger = logging.getLogger(__name__)

LARGE = (1200, 630)
SMALL = (600, 315)
# The Pillow format each accepted type must really be.
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
HEAD_BYTES = 8192


class CoverError(DomainError):
    """A cover image the rules refuse (`too_large`, `empty_file`, `type_not_allowed`, `image_too_small`)."""

    status = 400


@dataclasses.dataclass(frozen=True)
class Cover:
    """A checked cover, re-encoded in both sizes and ready to store."""

    large: bytes
    small: bytes


def prepare(uploaded) -> Cover:
    """Check an uploaded image and return it as the cover's two JPEGs; raise CoverError if it is refused."""
    size = getattr(uploaded, "size", None)
    if size is None or size > settings.FILE_MAX_BYTES:
        raise CoverError(
            _("This file is too large. The limit is %(limit)s.") % {"limit": filesizeformat(settings.FILE_MAX_BYTES)},
            code="too_large", status=413,
        )
    if size == 0:
        raise CoverError(_("The file is empty."), code="empty_file")
    uploaded.seek(0)
    guess = filetype.guess(uploaded.read(HEAD_BYTES))
    uploaded.seek(0)
    if guess is None or guess.mime not in FORMATS:
        raise CoverError(_("Upload the cover as a JPEG, PNG or WebP image."), code="type_not_allowed", status=415)
    try:
        images.check_image(uploaded, mime=guess.mime)
        with Image.open(uploaded) as image:
            # A JPEG can be decoded at a fraction of its size: enough for the large cover, far less memory.
            image.draft("RGB", (LARGE[0] * 2, LARGE[1] * 2))
            upright = _flattened(ImageOps.exif_transpose(image))
    except images.ImageRefused as refused:
        too_large = refused.code == "too_large"
        raise CoverError(
            refused.message, code="too_large" if too_large else "type_not_allowed", status=413 if too_large else 415
        ) from None
    except images.UNREADABLE:
        raise CoverError(images.damaged().message, code="type_not_allowed", status=415) from None
    finally:
        uploaded.seek(0)
    if upright.width < SMALL[0] or upright.height < SMALL[1]:
        raise CoverError(
            _("The cover must be at least %(width)s × %(height)s pixels; %(best)s looks best.")
            % {"width": SMALL[0], "height": SMALL[1], "best": f"{LARGE[0]} × {LARGE[1]}"},
            code="image_too_small",
        )
    large = ImageOps.fit(upright, LARGE, Image.Resampling.LANCZOS)
    return Cover(large=_jpeg(large), small=_jpeg(large.resize(SMALL, Image.Resampling.LANCZOS)))


def _flattened(image: Image.Image) -> Image.Image:
    """Return `image` as RGB, transparent parts on white (JPEG has no transparency)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def small_key(key: str) -> str:
    """Return the storage key of the small cover that goes with the large one stored at `key`."""
    return key.removesuffix(".jpg") + "-small.jpg"


def set_cover(*, event: Event, cover: Cover) -> None:
    """Store `cover` as the event's cover; the previous one's files go once the change commits."""
    storage = storages["default"]
    key = f"covers/{event.pk}/{uuid.uuid4().hex}.jpg"
    stored = []
    try:
        for name, content in ((key, cover.large), (small_key(key), cover.small)):
            stored.append(storage.save(name, ContentFile(content)))
        if stored != [key, small_key(key)]:
            raise RuntimeError(f"storage renamed a new cover: {stored}")
        # May run inside the admin's request transaction: the old files wait for its commit.
        with transaction.atomic():
            old = Event.objects.select_for_update().values_list("cover", flat=True).get(pk=event.pk)
            Event.objects.filter(pk=event.pk).update(cover=key, updated_at=timezone.now())
            if old:
                transaction.on_commit(lambda: remove_files(old))
    except BaseException:
        for name in stored:
            _delete(name)
        raise
    event.cover = key


def remove_cover(*, event: Event) -> None:
    """Take the event's cover away; its files go once the change commits."""
    with transaction.atomic():
        old = Event.objects.select_for_update().values_list("cover", flat=True).get(pk=event.pk)
        if old:
            Event.objects.filter(pk=event.pk).update(cover="", updated_at=timezone.now())
            transaction.on_commit(lambda: remove_files(old))
    event.cover = ""


def remove_files(key: str) -> None:
    """Remove both stored sizes of the cover at `key`; log, never raise."""
    for name in (key, small_key(key)):
        _delete(name)


def _delete(name: str) -> None:
    try:
        storages["default"].delete(name)
    except Exception:
        logger.exception("Could not delete the cover file %s", name)


def remove_deleted(sender, instance: Event, **kwargs) -> None:
    """Remove a deleted event's cover files once the deletion commits (a post_delete receiver)."""
    if instance.cover:
        transaction.on_commit(lambda: remove_files(instance.cover))


def token(key: str) -> str:
    """Return the part of a cover's key its public URL carries (it changes with every new cover)."""
    return key.rsplit("/", 1)[-1].removesuffix(".jpg")


def url(event: Event, *, small: bool = False) -> str:
    """Return the path of the event's cover (small for the cards), or "" without one."""
    if not event.cover:
        return ""
    name = token(event.cover) + ("-small" if small else "")
    return reverse("events:cover", kwargs={"slug": event.slug, "name": name})
