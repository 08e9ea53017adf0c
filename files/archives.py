"""Zip archives of many files, streamed: each piece is sent as soon as it is written, nothing is held whole."""

import io
import zipfile
from collections.abc import Iterable, Iterator

from django.core.files.storage import storages
from django.utils import timezone

from . import names
from .models import File

CHUNK_BYTES = 256 * 1024


class _Pipe(io.RawIOBase):
    """A write-only, unseekable sink whose contents are taken away piece by piece."""

    def __init__(self):
        self._pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._pieces.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces.clear()
        return data


def entry_name(file: File, taken: set[str]) -> str:
    """Return the archive path of `file`: `<owner email>/<display name>`, unique within `taken`."""
    folder = names.clean(file.user.email) or str(file.user_id)
    stem, _dot, suffix = file.filename.rpartition(".")
    candidate, number = f"{folder}/{file.filename}", 1
    while candidate in taken:
        number += 1
        candidate = f"{folder}/{stem} ({number}).{suffix}"
    taken.add(candidate)
    return candidate


def stream_zip(files: Iterable[File]) -> Iterator[bytes]:
    """Yield a zip archive of `files` (stored, not recompressed: PDFs and images are compressed already)."""
    storage = storages["default"]
    pipe = _Pipe()
    taken: set[str] = set()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for file in files:
            info = zipfile.ZipInfo(entry_name(file, taken), date_time=timezone.localtime(file.created_at).timetuple()[:6])
            info.file_size = file.filesize
            try:
                source = storage.open(file.filepath, "rb")
            except FileNotFoundError:
                continue
            with source, archive.open(info, mode="w", force_zip64=file.filesize > 2**31) as target:
                while chunk := source.read(CHUNK_BYTES):
                    target.write(chunk)
                    if piece := pipe.take():
                        yield piece
            if piece := pipe.take():
                yield piece
    if piece := pipe.take():
        yield piece
