"""The size cap, enforced while the request body streams in.

Django parses a multipart body chunk by chunk through a chain of upload
handlers. `SizeLimit` goes first in that chain: it refuses a body whose
declared length is already far past the cap without reading it, and stops the
upload at the first chunk that takes the file past FILE_MAX_BYTES, before the
rest is kept anywhere (Django then discards the remainder so the client still
reads the answer). The view asks `refuse_if_exceeded()` and answers 413.

Handlers must be installed before anything reads request.POST or
request.FILES; CSRF checks read them, so views install this first (see
`views.upload` and `api.FileListCreate.initialize_request`).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload, load_handler
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from .services import too_large_error

# Room for the multipart boundaries, part headers and the small form fields
# (registration, CSRF token) that travel with the file.
MULTIPART_ALLOWANCE = 64 * 1024


class SizeLimit(FileUploadHandler):
    """Stop an upload as soon as its file content passes `limit` bytes."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.limit + MULTIPART_ALLOWANCE:
            # Answer without reading the body at all.
            self.exceeded = True
            return QueryDict(), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            # Drop what was buffered; Django drains the rest of the body unread.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None

    def refuse_if_exceeded(self) -> None:
        """Raise the 413 `too_large` error if this request's upload was stopped."""
        if self.exceeded:
            raise too_large_error()


def install(request) -> SizeLimit:
    """Put a SizeLimit at the head of `request`'s upload handlers and return it."""
    limit = SizeLimit(request, limit=settings.FILE_MAX_BYTES)
    request.upload_handlers = [limit, *(load_handler(path, request) for path in settings.FILE_UPLOAD_HANDLERS)]
    return limit
