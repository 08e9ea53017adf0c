"""What an upload really is: its type decided from the content, never from its name or the browser's claim."""

import mimetypes
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from eventhub import images

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
    try:
        images.check_image(content, mime=mime)
    except images.ImageRefused as refused:
        raise Refused(refused.message) from None
