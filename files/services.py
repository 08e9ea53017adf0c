"""Every change to attendee files: upload, delete, erase (DESIGN §2 "Files").

An upload is checked in full before anything is stored: the size, the type
from the content, the owner of the registration it names and the quota. The
object is written under a generated key, then the row is inserted in a short
transaction that locks the owner's account row, so concurrent uploads cannot
overrun the quota together; if that transaction refuses, the object is removed
again. Stored objects are removed only after the row's deletion commits (see
`signals.remove_stored_object`).
"""

import logging
import os
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from eventhub.base import DomainError
from registrations.models import Registration

from . import detection, names
from .models import File

logger = logging.getLogger(__name__)


class FileError(DomainError):
    """An upload the rules refuse (`too_large`, `type_not_allowed`, `empty_file`, `quota_exceeded`, …)."""


def too_large_error() -> FileError:
    """Return the error for a file over FILE_MAX_BYTES (also raised by the streaming upload handler)."""
    return FileError(
        _("This file is too large. The limit is %(limit)s.") % {"limit": filesizeformat(settings.FILE_MAX_BYTES)},
        code="too_large",
        status=413,
    )


def storage_key(*, user, extension: str) -> str:
    """Return a new storage key for one of `user`'s files; nothing of the original name goes into it."""
    return f"uploads/{user.pk}/{uuid.uuid4().hex}.{extension}"


def upload_file(*, user, uploaded: UploadedFile, registration: Registration | None = None) -> File:
    """Validate and store `uploaded` as one of `user`'s files, optionally tied to one of their registrations."""
    size = uploaded.size
    if size is None or size > settings.FILE_MAX_BYTES:
        raise too_large_error()
    if size == 0:
        raise FileError(_("The file is empty."), code="empty_file", status=400)
    try:
        kind = detection.detect(uploaded)
    except detection.Refused as refused:
        raise FileError(refused.message, code="type_not_allowed", status=415) from None
    if registration is not None and registration.user_id != user.pk:
        raise FileError(_("Choose one of your own registrations."), code="invalid_registration", status=400)
    _check_quota(user=user, adding=size)

    filename = names.display_name(uploaded.name or "", extension=kind.extension, extensions=kind.extensions)
    storage = storages["default"]
    # Object stores record the content type given here: the detected one, not the browser's claim.
    uploaded.content_type = kind.mime
    key = storage.save(storage_key(user=user, extension=kind.extension), uploaded)
    try:
        with transaction.atomic(durable=True):
            # The owner's row serialises their uploads: the quota is re-read under this lock.
            list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
            _check_quota(user=user, adding=size)
            return File.objects.create(
                user=user,
                registration=registration,
                filename=filename,
                filepath=key,
                filetype=kind.mime,
                filesize=size,
            )
    except BaseException:
        remove_object(key)
        raise


def _check_quota(*, user, adding: int) -> None:
    usage = File.objects.filter(user=user).aggregate(files=Count("pk"), size=Sum("filesize"))
    if usage["files"] >= settings.FILE_MAX_PER_USER:
        raise FileError(
            _("You already have %(count)s files, the most one account may keep. Delete one first.")
            % {"count": usage["files"]},
            code="quota_exceeded",
        )
    if (usage["size"] or 0) + adding > settings.FILE_MAX_TOTAL_BYTES_PER_USER:
        raise FileError(
            _("This file would take your files past the %(limit)s one account may keep. Delete some first.")
            % {"limit": filesizeformat(settings.FILE_MAX_TOTAL_BYTES_PER_USER)},
            code="quota_exceeded",
        )


# Deletions may nest (the admin's delete view runs in its own transaction):
# their only side effect waits for the outermost commit anyway.
def delete_file(*, file: File) -> None:
    """Delete `file`; its stored object goes once the deletion commits."""
    with transaction.atomic():
        file.delete()


def delete_files(*, files: QuerySet) -> int:
    """Delete every file in `files` (e.g. an admin selection); return how many went."""
    with transaction.atomic():
        _total, by_model = files.delete()
    return by_model.get(File._meta.label, 0)


def erase_user_files(*, user) -> int:
    """Erase all of `user`'s files and their stored objects, as on a data-deletion request; return how many."""
    return delete_files(files=File.objects.filter(user=user))


def remove_object(key: str) -> None:
    """Remove a stored object (and, on local storage, its owner's folder once empty); log, never raise."""
    storage = storages["default"]
    try:
        storage.delete(key)
    except Exception:
        logger.exception("Could not delete stored file %s", key)
        return
    if isinstance(storage, FileSystemStorage):
        try:
            os.rmdir(os.path.dirname(storage.path(key)))
        except OSError:
            pass  # not empty, or already gone
