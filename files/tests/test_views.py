"""The "My files" page at /dashboard/files/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from files.models import File
from registrations.tests.factories import RegistrationFactory

from . import samples
from .conftest import stored
from .factories import FileFactory

pytestmark = pytest.mark.django_db

URL = "/dashboard/files/"


@pytest.fixture
def site(client, user):
    client.force_login(user)
    return client


def test_the_page_needs_a_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_lists_only_the_users_own_files(site, user):
    mine = FileFactory(user=user, filename="Kartu Pelajar.pdf")
    theirs = FileFactory(filename="Rahasia Orang Lain.pdf")

    response = site.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Kartu Pelajar.pdf" in page
    assert f"/dashboard/files/{mine.pk}/download/" in page
    assert "Rahasia Orang Lain.pdf" not in page
    assert mine.filepath not in page and theirs.filepath not in page
    assert "uploads/" not in page


def test_the_upload_form_offers_only_the_users_registrations(site, user):
    own = RegistrationFactory(user=user)
    other = RegistrationFactory()

    page = site.get(URL).content.decode()

    assert str(own.pk) in page and own.event.title in page
    assert str(other.pk) not in page


def test_uploading_stores_the_file_and_returns_to_the_list(site, user, media):
    registration = RegistrationFactory(user=user)

    response = site.post(
        URL, {"file": SimpleUploadedFile("Bukti Bayar.pdf", samples.pdf()), "registration": registration.pk}, follow=True
    )

    file = File.objects.get()
    assert response.redirect_chain == [(URL, 302)]
    assert (file.user, file.registration, file.filename) == (user, registration, "Bukti Bayar.pdf")
    assert "Bukti Bayar.pdf" in response.content.decode()
    assert stored(media) == [file.filepath]


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (samples.elf(), 415, "not accepted"),
        (samples.html(), 415, "not accepted"),
        (samples.fake_png(), 415, "not really an image"),
    ],
    ids=["elf", "html", "fake-png"],
)
def test_a_refused_upload_shows_a_clear_error_and_stores_nothing(site, media, content, status, message, settings):
    settings.LANGUAGE_CODE = "en"

    response = site.post(URL, {"file": SimpleUploadedFile("kartu.pdf", content)})

    assert response.status_code == status
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not File.objects.exists()
    assert stored(media) == []


def test_one_byte_over_the_limit_is_413_on_the_page(site, media, settings):
    settings.FILE_MAX_BYTES = 100_000
    settings.LANGUAGE_CODE = "en"

    response = site.post(URL, {"file": SimpleUploadedFile("besar.pdf", samples.pdf_of_size(100_001))})

    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert stored(media) == []


def test_too_large_is_checked_before_csrf_so_the_user_sees_why(user, media, settings):
    settings.FILE_MAX_BYTES = 10_000
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    body, content_type = samples.multipart(filename="a.pdf", content=samples.pdf_of_size(200_000))

    response = client.generic("POST", URL, body, content_type=content_type)

    assert response.status_code == 413
    assert stored(media) == []


def test_uploading_without_the_csrf_token_is_refused(user, media):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(URL, {"file": SimpleUploadedFile("a.pdf", samples.pdf())})

    assert response.status_code == 403
    assert not File.objects.exists()


def test_the_script_gets_json_answers(site, media):
    ok = site.post(URL, {"file": SimpleUploadedFile("a.pdf", samples.pdf())}, headers={"Accept": "application/json"})
    refused = site.post(URL, {"file": SimpleUploadedFile("a.pdf", samples.elf())}, headers={"Accept": "application/json"})
    missing = site.post(URL, {}, headers={"Accept": "application/json"})

    assert ok.status_code == 201 and ok.json()["redirect"] == URL
    assert refused.status_code == 415 and refused.json()["code"] == "type_not_allowed"
    assert missing.status_code == 400 and set(missing.json()["fields"]) == {"file"}
    assert File.objects.get().filepath not in ok.content.decode()


def test_another_users_registration_is_a_form_error(site, media):
    other = RegistrationFactory()

    response = site.post(URL, {"file": SimpleUploadedFile("a.pdf", samples.pdf()), "registration": other.pk})

    assert response.status_code == 400
    assert not File.objects.exists()
    assert stored(media) == []


def test_the_owner_downloads_a_file(site, user):
    file = FileFactory(user=user, filename="KTP.pdf")

    response = site.get(f"{URL}{file.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="KTP.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_users_file_is_404_on_download_and_delete(site, media):
    theirs = FileFactory()

    download = site.get(f"{URL}{theirs.pk}/download/")
    deletion = site.post(f"{URL}{theirs.pk}/delete/")

    assert (download.status_code, deletion.status_code) == (404, 404)
    for response in (download, deletion):
        assert theirs.filepath not in response.content.decode()
    assert File.objects.filter(pk=theirs.pk).exists()
    assert stored(media) == [theirs.filepath]


def test_staff_download_any_file_on_the_site(client, staff):
    file = FileFactory()
    client.force_login(staff)

    response = client.get(f"{URL}{file.pk}/download/")

    assert response.status_code == 200


def test_the_owner_deletes_a_file(site, user, media, django_capture_on_commit_callbacks):
    file = FileFactory(user=user, filename="Lama.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = site.post(f"{URL}{file.pk}/delete/", follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert not File.objects.exists()
    assert stored(media) == []


def test_delete_needs_a_post(site, user):
    file = FileFactory(user=user)

    assert site.get(f"{URL}{file.pk}/delete/").status_code == 405
    assert File.objects.exists()


def test_anonymous_visitors_cannot_download(client):
    file = FileFactory()

    response = client.get(f"{URL}{file.pk}/download/")

    assert response.status_code == 302
    assert file.filepath not in response["Location"]
