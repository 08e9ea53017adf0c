"""GET /api/v1/files/{id}/download/ on local storage."""

import pytest
from django.core.files.storage import storages
from rest_framework.test import APIClient

from .factories import FileFactory

pytestmark = pytest.mark.django_db


def url(file) -> str:
    return f"/api/v1/files/{file.pk}/download/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def stored_bytes(file) -> bytes:
    with storages["default"].open(file.filepath, "rb") as handle:
        return handle.read()


def test_the_owner_downloads_the_file_as_an_attachment(api, user):
    file = FileFactory(user=user, filename="Bukti Transfer.pdf")

    response = api.get(url(file))

    assert response.status_code == 200
    assert body(response) == stored_bytes(file)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Bukti Transfer.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert file.filepath.rsplit("/", 1)[1] not in str(response.headers)


def test_unicode_names_are_sent_per_rfc_5987_with_an_ascii_fallback(api, user):
    file = FileFactory(user=user, filename="Kartu Pelajar — Ñandú 學生證.pdf")

    response = api.get(url(file))

    assert response["Content-Disposition"] == (
        'attachment; filename="Kartu Pelajar _ Nandu _.pdf"; '
        "filename*=UTF-8''Kartu%20Pelajar%20%E2%80%94%20%C3%91and%C3%BA%20%E5%AD%B8%E7%94%9F%E8%AD%89.pdf"
    )


def test_another_users_file_is_404_and_reveals_nothing(api):
    theirs = FileFactory()

    response = api.get(url(theirs))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert theirs.filepath not in response.content.decode()
    assert "Content-Disposition" not in response


def test_staff_download_any_file(staff_api):
    file = FileFactory()

    response = staff_api.get(url(file))

    assert response.status_code == 200
    assert body(response) == stored_bytes(file)


def test_anonymous_download_is_401():
    assert APIClient().get(url(FileFactory())).status_code == 401


def test_a_file_whose_object_is_gone_is_404(api, user, media):
    file = FileFactory(user=user)
    (media / file.filepath).unlink()

    assert api.get(url(file)).status_code == 404


def test_behind_nginx_the_download_is_handed_to_the_internal_location(api, user, settings):
    settings.FILE_X_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    file = FileFactory(user=user, filename="KTP.pdf")

    response = api.get(url(file))

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{file.filepath}"
    assert response.content == b""
    assert response["Content-Disposition"] == 'attachment; filename="KTP.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
