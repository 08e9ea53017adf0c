"""Django admin for files: list, filters, search, preview, zip download, delete."""

import io
import zipfile

import pytest

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketFactory
from files.models import File
from registrations.tests.factories import RegistrationFactory

from . import samples
from .conftest import stored
from .factories import FileFactory

pytestmark = pytest.mark.django_db

URL = "/admin/files/file/"


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def test_the_list_shows_owner_registration_type_size_and_preview(admin_client):
    registration = RegistrationFactory()
    file = FileFactory(user=registration.user, registration=registration, filename="Bukti.pdf")

    response = admin_client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Bukti.pdf" in page
    assert registration.user.email in page
    assert registration.event.title in page
    assert "application/pdf" in page
    assert f"/dashboard/files/{file.pk}/download/" in page


def test_the_change_page_shows_the_storage_key_to_staff(admin_client):
    file = FileFactory()

    response = admin_client.get(f"{URL}{file.pk}/change/")

    assert response.status_code == 200
    assert file.filepath in response.content.decode()


def test_images_get_an_inline_preview_through_the_authorised_view(admin_client):
    image = FileFactory(content=samples.png(), filename="foto.png", filetype="image/png")

    page = admin_client.get(f"{URL}{image.pk}/change/").content.decode()

    assert f'<img src="/dashboard/files/{image.pk}/download/"' in page


def test_the_list_filters_by_event_and_type_and_searches_owner_email(admin_client):
    ticket = TicketFactory()
    registration = RegistrationFactory(ticket=ticket, user=UserFactory(email="ani@example.com"))
    in_event = FileFactory(user=registration.user, registration=registration, filename="ani.pdf")
    other = FileFactory(filename="budi.pdf")
    image = FileFactory(content=samples.png(), filename="foto.png", filetype="image/png")

    def listed(params):
        page = admin_client.get(URL, params).content.decode()
        return {f.filename for f in (in_event, other, image) if f.filename in page}

    assert listed({"event": ticket.event_id}) == {"ani.pdf"}
    assert listed({"filetype": "image/png"}) == {"foto.png"}
    assert listed({"q": "ani@example"}) == {"ani.pdf"}
    assert listed({"q": "budi"}) == {"budi.pdf"}


def test_the_zip_action_streams_the_selected_files(admin_client):
    ticket = TicketFactory()
    registrations = [RegistrationFactory(ticket=ticket) for _ in range(2)]
    files = [FileFactory(user=r.user, registration=r, filename="Bukti.pdf") for r in registrations]
    same_name = FileFactory(user=registrations[0].user, registration=registrations[0], filename="Bukti.pdf")
    FileFactory()  # another event's, not selected

    response = admin_client.post(
        URL, {"action": "download_zip", "_selected_action": [str(f.pk) for f in [*files, same_name]]}
    )

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="eventhub-files-')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    first_owner = registrations[0].user.email
    assert sorted(archive.namelist()) == sorted(
        [f"{first_owner}/Bukti.pdf", f"{first_owner}/Bukti (2).pdf", f"{registrations[1].user.email}/Bukti.pdf"]
    )
    for info in archive.infolist():
        assert archive.read(info).startswith(b"%PDF")
    assert not any(f.filepath in "".join(archive.namelist()) for f in files)


def test_the_zip_action_takes_a_whole_event_with_select_across(admin_client):
    ticket = TicketFactory()
    registrations = [RegistrationFactory(ticket=ticket) for _ in range(3)]
    for registration in registrations:
        FileFactory(user=registration.user, registration=registration)
    FileFactory()

    response = admin_client.post(
        f"{URL}?event={ticket.event_id}",
        {"action": "download_zip", "select_across": "1", "_selected_action": ["x"], "index": "0"},
    )

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 3


def test_deleting_in_the_admin_removes_the_stored_objects(admin_client, media, django_capture_on_commit_callbacks):
    doomed = FileFactory.create_batch(2)
    kept = FileFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            URL, {"action": "delete_selected", "_selected_action": [str(f.pk) for f in doomed], "post": "yes"}
        )

    assert response.status_code == 302
    assert list(File.objects.all()) == [kept]
    assert stored(media) == [kept.filepath]


def test_deleting_one_file_in_the_admin_removes_its_object(admin_client, media, django_capture_on_commit_callbacks):
    file = FileFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{URL}{file.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert stored(media) == []


def test_files_cannot_be_added_or_edited_in_the_admin(admin_client):
    file = FileFactory()

    assert admin_client.get(f"{URL}add/").status_code == 403
    response = admin_client.post(f"{URL}{file.pk}/change/", {"filename": "changed.pdf"})
    assert response.status_code == 403
    assert File.objects.get(pk=file.pk).filename == file.filename


def test_attendees_cannot_open_the_admin(client, user):
    file = FileFactory()
    client.force_login(user)

    response = client.get(f"{URL}{file.pk}/change/")

    assert response.status_code == 302
    assert file.filepath not in response.content.decode()


def test_an_events_files_download_as_one_zip_from_the_filtered_list(admin_client):
    ticket = TicketFactory()
    for registration in [RegistrationFactory(ticket=ticket) for _ in range(2)]:
        FileFactory(user=registration.user, registration=registration)
    FileFactory()  # no event
    zip_url = f"{URL}event/{ticket.event_id}/zip/"

    listing = admin_client.get(URL, {"event": ticket.event_id}).content.decode()
    response = admin_client.get(zip_url)

    assert f'href="{zip_url}"' in listing
    assert response["Content-Disposition"].startswith(f'attachment; filename="{ticket.event.slug}-files-')
    assert len(zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()) == 2


def test_only_staff_get_an_events_zip(client, user):
    ticket = TicketFactory()
    client.force_login(user)

    response = client.get(f"{URL}event/{ticket.event_id}/zip/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_registration_page_lists_its_files_with_a_staff_download_link(admin_client):
    registration = RegistrationFactory()
    file = FileFactory(user=registration.user, registration=registration, filename="Bukti Transfer.pdf")
    FileFactory(user=registration.user, filename="Lain.pdf")  # not tied to this registration

    page = admin_client.get(f"/admin/registrations/registration/{registration.pk}/change/").content.decode()

    assert "Bukti Transfer.pdf" in page
    assert f"/dashboard/files/{file.pk}/download/" in page
    assert "Lain.pdf" not in page
