"""Handing a file to someone already allowed to read it.

Local storage streams the file from Django, or, with
FILE_X_ACCEL_REDIRECT_PREFIX set, hands the sending to nginx through an
`internal` location. S3 storage answers with a redirect to a presigned URL
that lives FILE_DOWNLOAD_URL_EXPIRE_SECONDS. Every answer names the safe
display name as an attachment and forbids sniffing, so an upload is never
rendered as a page of this site.
"""

import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from storages.backends.s3 import S3Storage

from .models import File


def content_disposition(filename: str) -> str:
    """Return an attachment Content-Disposition for `filename`: an ASCII fallback plus RFC 5987 UTF-8."""
    fallback: list[str] = []
    for char in unicodedata.normalize("NFKD", filename):
        if unicodedata.combining(char):
            continue  # the accent of a letter kept below
        if 0x20 <= ord(char) < 0x7F and char not in '"\\%':
            fallback.append(char)
        elif fallback[-1:] != ["_"]:
            fallback.append("_")
    ascii_name = "".join(fallback) or "file"
    value = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def serve(file: File) -> HttpResponse:
    """Return the response that delivers `file`; the caller has checked the reader may see it."""
    storage = storages["default"]
    disposition = content_disposition(file.filename)
    if isinstance(storage, S3Storage):
        url = storage.url(
            file.filepath,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": file.filetype},
            expire=settings.FILE_DOWNLOAD_URL_EXPIRE_SECONDS,
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    if isinstance(storage, FileSystemStorage) and settings.FILE_X_ACCEL_REDIRECT_PREFIX:
        response = HttpResponse(content_type=file.filetype)
        response["X-Accel-Redirect"] = settings.FILE_X_ACCEL_REDIRECT_PREFIX.rstrip("/") + "/" + quote(file.filepath)
    else:
        try:
            handle = storage.open(file.filepath, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=file.filetype)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

