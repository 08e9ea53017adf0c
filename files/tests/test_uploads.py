"""The size cap while the body streams in, on real WSGI requests."""

import io

import pytest
from django.core.files.uploadhandler import FileUploadHandler
from django.core.handlers.wsgi import WSGIRequest

from files import uploads
from files.services import FileError

from . import samples


class ReadCounter(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


class Recorder(FileUploadHandler):
    """A handler behind the cap, recording how much file content reached it."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


def request_for(body: bytes, content_type: str, *, content_length: int | None = None):
    stream = ReadCounter(body)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/dashboard/files/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body) if content_length is None else content_length),
        "wsgi.input": stream,
    }
    return WSGIRequest(environ), stream


def test_a_file_at_the_limit_passes(settings):
    settings.FILE_MAX_BYTES = 200_000
    body, content_type = samples.multipart(filename="a.pdf", content=samples.pdf_of_size(200_000))
    request, _stream = request_for(body, content_type)
    limit = uploads.install(request)

    assert request.FILES["file"].size == 200_000
    assert not limit.exceeded
    limit.refuse_if_exceeded()


def test_the_upload_stops_at_the_first_chunk_past_the_limit(settings):
    settings.FILE_MAX_BYTES = 200_000
    body, content_type = samples.multipart(filename="a.pdf", content=samples.pdf_of_size(200_001))
    request, _stream = request_for(body, content_type)
    limit = uploads.install(request)
    recorder = Recorder(request)
    request.upload_handlers.insert(1, recorder)

    assert "file" not in request.FILES
    assert limit.exceeded
    assert recorder.received <= 200_000  # nothing past the limit went on to be kept
    with pytest.raises(FileError) as caught:
        limit.refuse_if_exceeded()
    assert (caught.value.code, caught.value.status) == ("too_large", 413)


def test_a_body_declared_far_over_the_limit_is_refused_unread(settings):
    settings.FILE_MAX_BYTES = 100_000
    body, content_type = samples.multipart(filename="a.pdf", content=samples.pdf())
    request, stream = request_for(body, content_type, content_length=100_000 + uploads.MULTIPART_ALLOWANCE + 1)
    limit = uploads.install(request)

    assert not request.FILES and not request.POST
    assert limit.exceeded
    assert stream.bytes_read == 0


def test_the_limit_counts_every_file_of_the_request(settings):
    settings.FILE_MAX_BYTES = 100_000
    first, content_type = samples.multipart(filename="a.pdf", content=samples.pdf_of_size(60_000))
    boundary = content_type.split("boundary=")[1]
    second, _ = samples.multipart(filename="b.pdf", content=samples.pdf_of_size(60_000))
    second_boundary = second.split(b"\r\n", 1)[0][2:].decode()
    body = first.removesuffix(f"--{boundary}--\r\n".encode()) + second.replace(
        second_boundary.encode(), boundary.encode()
    )
    request, _stream = request_for(body, content_type)
    limit = uploads.install(request)

    request.FILES  # noqa: B018 - parse
    assert limit.exceeded
