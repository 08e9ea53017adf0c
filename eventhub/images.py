"""Whether uploaded bytes are really the image they claim to be, small enough to decode safely.

Both image uploads ask this: attendees' files (files.detection) and event
covers (events.covers).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# What Pillow raises on a file it cannot read, a truncated one or a decompression bomb.
UNREADABLE = (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError)


class ImageRefused(Exception):
    """`code` is `damaged` (not the image it claims to be) or `too_large` (too many pixels)."""

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def damaged() -> ImageRefused:
    return ImageRefused(_("This file is damaged or is not really an image."), code="damaged")


def check_image(content, *, mime: str) -> None:
    """Raise ImageRefused unless Pillow reads `content` as `mime` within FILE_MAX_IMAGE_PIXELS; rewinds it."""
    try:
        with Image.open(content) as image:
            if Image.MIME.get(image.format or "") != mime:
                raise damaged()
            width, height = image.size
            if width * height > settings.FILE_MAX_IMAGE_PIXELS:
                raise ImageRefused(
                    _("This image is too large (%(width)s × %(height)s pixels).") % {"width": width, "height": height},
                    code="too_large",
                )
            image.verify()
    except ImageRefused:
        raise
    except UNREADABLE:
        raise damaged() from None
    finally:
        content.seek(0)
