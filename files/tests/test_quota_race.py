"""Concurrent uploads by one user cannot overrun the quota (real threads on PostgreSQL)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from files import services
from files.models import File

from . import samples
from .conftest import stored
from .factories import FileFactory

pytestmark = pytest.mark.django_db(transaction=True)


def upload(user, content: bytes):
    """Upload as `user`; the race runner turns a refusal into its code."""
    return services.upload_file(user=user, uploaded=SimpleUploadedFile("a.pdf", content))


def test_ten_parallel_uploads_fill_the_last_two_places_only(user, media, settings, race):
    assert connection.vendor == "postgresql"
    settings.FILE_MAX_PER_USER = 5
    existing = FileFactory.create_batch(3, user=user)
    content = samples.pdf()

    results = race([lambda: upload(user, content) for _ in range(10)])

    won = [r for r in results if isinstance(r, File)]
    assert len(won) == 2
    assert results.count("quota_exceeded") == 8
    assert File.objects.filter(user=user).count() == 5
    assert stored(media) == sorted(f.filepath for f in [*existing, *won])


def test_parallel_uploads_cannot_pass_the_byte_total_together(user, media, settings, race):
    content = samples.pdf()
    settings.FILE_MAX_TOTAL_BYTES_PER_USER = len(content) * 3

    results = race([lambda: upload(user, content) for _ in range(8)])

    assert len([r for r in results if isinstance(r, File)]) == 3
    assert sum(File.objects.filter(user=user).values_list("filesize", flat=True)) == len(content) * 3
    assert len(stored(media)) == 3
