"""GET/POST /api/v1/files/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketFactory
from files.models import File
from registrations.tests.factories import RegistrationFactory

from . import samples
from .conftest import stored
from .factories import FileFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/files/"


def post_raw(client, *, filename, content, fields=None, content_type="application/pdf"):
    body, multipart_type = samples.multipart(filename=filename, content=content, content_type=content_type, fields=fields)
    return client.generic("POST", URL, body, content_type=multipart_type)


def test_upload_answers_201_with_the_file(api, user, media):
    registration = RegistrationFactory(user=user)
    content = samples.pdf()

    response = post_raw(api, filename="Bukti Transfer.pdf", content=content, fields={"registration": registration.pk})

    assert response.status_code == 201, response.json()
    body = response.json()
    file = File.objects.get()
    assert set(body) == {"id", "filename", "filetype", "filesize", "registration", "created_at", "download_url"}
    assert body["id"] == str(file.pk)
    assert (body["filename"], body["filetype"], body["filesize"]) == ("Bukti Transfer.pdf", "application/pdf", len(content))
    assert body["registration"] == str(registration.pk)
    assert body["download_url"] == f"http://testserver/api/v1/files/{file.pk}/download/"
    assert file.filepath not in response.content.decode()
    assert stored(media) == [file.filepath]


def test_upload_through_the_multipart_helper_of_the_test_client(api):
    response = api.post(URL, {"file": SimpleUploadedFile("kartu.png", samples.png())}, format="multipart")

    assert response.status_code == 201
    assert response.json()["filetype"] == "image/png"


@pytest.mark.parametrize(
    "content", [samples.elf(), samples.pe(), samples.html()], ids=["elf", "pe", "html"]
)
def test_upload_refuses_executables_and_html_renamed_pdf_with_415(api, media, content):
    response = post_raw(api, filename="kartu-pelajar.pdf", content=content)

    assert response.status_code == 415
    assert response.json()["code"] == "type_not_allowed"
    assert not File.objects.exists()
    assert stored(media) == []


def test_upload_refuses_one_byte_over_the_default_limit_with_413_and_stores_nothing(api, media, settings):
    assert settings.FILE_MAX_BYTES == 10 * 1024 * 1024

    response = post_raw(api, filename="besar.pdf", content=samples.pdf_of_size(settings.FILE_MAX_BYTES + 1))

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "10,0\xa0MB" in response.json()["detail"]  # Indonesian number format by default
    assert not File.objects.exists()
    assert stored(media) == []


def test_upload_accepts_a_file_exactly_at_the_limit(api, settings):
    settings.FILE_MAX_BYTES = 300_000

    response = post_raw(api, filename="pas.pdf", content=samples.pdf_of_size(300_000))

    assert response.status_code == 201
    assert response.json()["filesize"] == 300_000


def test_upload_refuses_a_body_declared_far_over_the_limit(api, media, settings):
    settings.FILE_MAX_BYTES = 50_000
    body, multipart_type = samples.multipart(filename="a.pdf", content=samples.pdf_of_size(200_000))

    response = api.generic("POST", URL, body, content_type=multipart_type)

    assert response.status_code == 413
    assert stored(media) == []


def test_upload_with_a_session_refuses_too_large_before_anything_else(client, user, media, settings):
    settings.FILE_MAX_BYTES = 50_000
    client.force_login(user)
    body, multipart_type = samples.multipart(filename="a.pdf", content=samples.pdf_of_size(50_001))

    response = client.generic("POST", URL, body, content_type=multipart_type)

    assert response.status_code == 413
    assert stored(media) == []


def test_upload_keeps_a_traversal_name_as_a_safe_display_name(api, media):
    response = post_raw(api, filename="../../etc/passwd", content=samples.pdf())

    assert response.status_code == 201
    file = File.objects.get()
    assert response.json()["filename"] == file.filename == "passwd.pdf"
    assert stored(media) == [file.filepath]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("Kartu Pelajar — 學生證 ñandú.pdf", "Kartu Pelajar — 學生證 ñandú.pdf"),
        ("..\\..\\Windows\\win.ini", "win.ini.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
        ("x\u202egpj.pdf", "xgpj.pdf"),
    ],
)
def test_upload_keeps_unicode_and_long_names_safely(api, media, sent, kept):
    response = post_raw(api, filename=sent, content=samples.pdf())

    assert response.status_code == 201
    assert File.objects.get().filename == kept
    assert response.json()["filename"] == kept


def test_upload_naming_another_users_registration_is_a_400_with_fields(api, media):
    registration = RegistrationFactory()

    response = post_raw(api, filename="a.pdf", content=samples.pdf(), fields={"registration": registration.pk})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"registration"}
    assert stored(media) == []


def test_upload_without_a_file_is_a_400_with_fields(api):
    response = api.post(URL, {"registration": ""}, format="multipart")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"file"}


def test_upload_past_the_quota_is_a_409(api, user, settings):
    settings.FILE_MAX_PER_USER = 1
    FileFactory(user=user)

    response = post_raw(api, filename="a.pdf", content=samples.pdf())

    assert response.status_code == 409
    assert response.json()["code"] == "quota_exceeded"


def test_upload_and_list_need_a_login():
    client = APIClient()

    assert client.get(URL).status_code == 401
    assert client.post(URL, {"file": SimpleUploadedFile("a.pdf", samples.pdf())}, format="multipart").status_code == 401


def test_list_shows_only_the_users_own_files(api, user):
    mine = FileFactory(user=user)
    theirs = FileFactory()

    response = api.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [item["id"] for item in body["results"]] == [str(mine.pk)]
    assert theirs.filepath not in response.content.decode()
    assert mine.filepath not in response.content.decode()


def test_list_is_paginated_with_a_capped_page_size(api, user):
    FileFactory.create_batch(3, user=user)

    first = api.get(URL, {"page_size": 2}).json()
    capped = api.get(URL, {"page_size": 1000}).json()

    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    assert len(capped["results"]) == 3


def test_admins_list_every_file_and_filter_by_event_registration_and_user(staff_api):
    ticket = TicketFactory()
    registration = RegistrationFactory(ticket=ticket)
    for_event = FileFactory(user=registration.user, registration=registration)
    other_registration = RegistrationFactory()
    other_event = FileFactory(user=other_registration.user, registration=other_registration)
    loose = FileFactory(user=registration.user)

    def ids(params):
        response = staff_api.get(URL, params)
        assert response.status_code == 200, response.json()
        return {item["id"] for item in response.json()["results"]}

    assert ids({}) == {str(for_event.pk), str(other_event.pk), str(loose.pk)}
    assert ids({"event": ticket.event_id}) == {str(for_event.pk)}
    assert ids({"registration": other_registration.pk}) == {str(other_event.pk)}
    assert ids({"user": registration.user_id}) == {str(for_event.pk), str(loose.pk)}
    assert ids({"search": registration.user.email}) == {str(for_event.pk), str(loose.pk)}
    assert ids({"search": loose.filename}) == {str(loose.pk)}


def test_users_cannot_filter_their_way_to_other_files(api, user):
    mine = FileFactory(user=user)
    other = UserFactory()
    FileFactory(user=other)

    response = api.get(URL, {"user": other.pk, "search": other.email})

    assert response.json()["count"] == 0
    assert api.get(URL, {"user": other.pk}).json()["results"][0]["id"] == str(mine.pk)


def test_list_refuses_a_malformed_filter(staff_api):
    response = staff_api.get(URL, {"event": "not-a-uuid"})

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"event"}


def test_a_json_upload_is_refused_as_unsupported(api):
    response = api.post(URL, {"file": "x"}, format="json")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"

