"""GET/DELETE /api/v1/files/{id}/."""

import uuid

import pytest
from rest_framework.test import APIClient

from files.models import File

from .conftest import stored
from .factories import FileFactory

pytestmark = pytest.mark.django_db


def url(file) -> str:
    return f"/api/v1/files/{file.pk}/"


def test_detail_shows_the_owners_file(api, user):
    file = FileFactory(user=user)

    response = api.get(url(file))

    assert response.status_code == 200
    assert response.json()["id"] == str(file.pk)
    assert file.filepath not in response.content.decode()


def test_delete_answers_204_and_removes_the_object(api, user, media, django_capture_on_commit_callbacks):
    file = FileFactory(user=user)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(url(file))

    assert response.status_code == 204
    assert not File.objects.exists()
    assert stored(media) == []


def test_another_users_file_is_404_on_detail_and_delete(api, media):
    theirs = FileFactory()

    detail = api.get(url(theirs))
    deletion = api.delete(url(theirs))

    assert (detail.status_code, deletion.status_code) == (404, 404)
    assert detail.json()["code"] == deletion.json()["code"] == "not_found"
    for response in (detail, deletion):
        assert theirs.filepath not in response.content.decode()
    assert File.objects.filter(pk=theirs.pk).exists()
    assert stored(media) == [theirs.filepath]


def test_an_unknown_file_is_404(api):
    assert api.get(f"/api/v1/files/{uuid.uuid4()}/").status_code == 404


def test_admins_may_delete_any_file(staff_api, media, django_capture_on_commit_callbacks):
    file = FileFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api.delete(url(file))

    assert response.status_code == 204
    assert stored(media) == []


def test_anonymous_requests_are_401():
    file = FileFactory()

    assert APIClient().get(url(file)).status_code == 401
    assert APIClient().delete(url(file)).status_code == 401
    assert File.objects.exists()
