"""What an upload really is: its type decided from the content, never from its name or the browser's claim."""

import mimetypes
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# filetype's matchers look no further than this into a file.
HEAD_BYTES = 8192


@dataclass(frozen=True)
class Kind:
    mime: str
    extension: str
    extensions: frozenset[str]


class Refused(Exception):
    """The content is not an allowed type; `message` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def detect(content) -> Kind:
    """Return the kind of `content` (a file object), or raise Refused if it is not an allowed, sound file."""
    content.seek(0)
    head = content.read(HEAD_BYTES)
    content.seek(0)
    guess = filetype.guess(head)
    if guess is None or guess.mime not in settings.FILE_ALLOWED_TYPES:
        raise Refused(_("This type of file is not accepted. Upload one of: %(types)s.") % {"types": allowed_labels()})
    if guess.mime.startswith("image/"):
        _check_image(content, mime=guess.mime)
    extensions = {ext.lstrip(".").lower() for ext in mimetypes.guess_all_extensions(guess.mime)}
    return Kind(mime=guess.mime, extension=guess.extension, extensions=frozenset(extensions | {guess.extension}))


def allowed_labels() -> str:
    """Return the allowed types as short labels for messages: "PDF, JPG, PNG"."""
    labels = []
    for mime in settings.FILE_ALLOWED_TYPES:
        kind = filetype.get_type(mime=mime)
        labels.append(kind.extension.upper() if kind else mime)
    return ", ".join(labels)


def _check_image(content, *, mime: str) -> None:
    """Refuse an image Pillow cannot read as the claimed format, or one too large to decode safely."""
    not_an_image = Refused(_("This file is damaged or is not really an image."))
    try:
        with Image.open(content) as image:
            if Image.MIME.get(image.format or "") != mime:
                raise not_an_image
            width, height = image.size
            if width * height > settings.FILE_MAX_IMAGE_PIXELS:
                raise Refused(_("This image is too large (%(width)s × %(height)s pixels).") % {"width": width, "height": height})
            image.verify()
    except Refused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise not_an_image from None
    finally:
        content.seek(0)
