import re

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from files import services
from files.models import File
from files.services import FileError
from registrations.tests.factories import RegistrationFactory

from . import samples
from .conftest import stored
from .factories import FileFactory

pytestmark = pytest.mark.django_db


def upload(user, content, name="dokumen.pdf", **kwargs):
    return services.upload_file(
        user=user, uploaded=SimpleUploadedFile(name, content, content_type="application/pdf"), **kwargs
    )


def refusal(call) -> FileError:
    with pytest.raises(FileError) as caught:
        call()
    return caught.value


def test_upload_file_stores_the_content_under_a_generated_key(user, media):
    content = samples.pdf()

    file = upload(user, content, name="Bukti Transfer.pdf")

    row = File.objects.get()
    assert row == file
    assert (row.filename, row.filetype, row.filesize) == ("Bukti Transfer.pdf", "application/pdf", len(content))
    assert re.fullmatch(rf"uploads/{user.pk}/[0-9a-f]{{32}}\.pdf", row.filepath)
    assert stored(media) == [row.filepath]
    assert (media / row.filepath).read_bytes() == content


@pytest.mark.parametrize(
    ("content", "mime", "extension"),
    [(samples.png(), "image/png", "png"), (samples.jpeg(), "image/jpeg", "jpg")],
)
def test_upload_file_types_images_by_content_not_by_name_or_claim(user, content, mime, extension):
    file = upload(user, content, name="foto.pdf")

    assert file.filetype == mime
    assert file.filepath.endswith(f".{extension}")
    assert file.filename == f"foto.pdf.{extension}"


@pytest.mark.parametrize(
    "content",
    [samples.elf(), samples.pe(), samples.html(), samples.fake_png()],
    ids=["elf", "pe", "html", "fake-png"],
)
def test_upload_file_refuses_other_content_renamed_pdf_and_stores_nothing(user, media, content):
    error = refusal(lambda: upload(user, content, name="kartu.pdf"))

    assert (error.code, error.status) == ("type_not_allowed", 415)
    assert not File.objects.exists()
    assert stored(media) == []


def test_upload_file_refuses_one_byte_over_the_limit(user, media, settings):
    settings.FILE_MAX_BYTES = 4096

    assert upload(user, samples.pdf_of_size(4096)).filesize == 4096
    error = refusal(lambda: upload(user, samples.pdf_of_size(4097)))

    assert (error.code, error.status) == ("too_large", 413)
    assert File.objects.count() == 1
    assert len(stored(media)) == 1


def test_upload_file_refuses_an_empty_file(user, media):
    error = refusal(lambda: upload(user, b""))

    assert (error.code, error.status) == ("empty_file", 400)
    assert stored(media) == []


def test_upload_file_keeps_a_traversal_name_only_as_a_safe_display_name(user, media):
    file = upload(user, samples.pdf(), name="../../etc/passwd")

    assert file.filename == "passwd.pdf"
    assert file.filepath.startswith(f"uploads/{user.pk}/")
    assert stored(media) == [file.filepath]
    assert not (media.parent / "etc").exists()


def test_upload_file_keeps_unicode_and_long_names_safely(user, media):
    long_name = "Surat Keterangan Mahasiswa Aktif " * 20 + "— Universitas Indonesia 🎓.pdf"

    unicode_file = upload(user, samples.pdf(), name="Kartu Pelajar — Ñandú 學生證.pdf")
    long_file = upload(user, samples.pdf(), name=long_name)

    assert unicode_file.filename == "Kartu Pelajar — Ñandú 學生證.pdf"
    assert len(long_file.filename) == 150 and long_file.filename.endswith(".pdf")
    assert File.objects.get(pk=long_file.pk).filename == long_file.filename
    assert sorted(stored(media)) == sorted([unicode_file.filepath, long_file.filepath])


def test_upload_file_ties_the_file_to_one_of_the_users_registrations(user):
    registration = RegistrationFactory(user=user)

    file = upload(user, samples.pdf(), registration=registration)

    assert File.objects.get(pk=file.pk).registration == registration


def test_upload_file_refuses_another_users_registration(user, media):
    registration = RegistrationFactory()

    error = refusal(lambda: upload(user, samples.pdf(), registration=registration))

    assert (error.code, error.status) == ("invalid_registration", 400)
    assert not File.objects.exists()
    assert stored(media) == []


def test_upload_file_refuses_past_the_per_user_file_count(user, media, settings):
    settings.FILE_MAX_PER_USER = 2
    FileFactory.create_batch(2, user=user)
    FileFactory()  # someone else's does not count

    error = refusal(lambda: upload(user, samples.pdf()))

    assert (error.code, error.status) == ("quota_exceeded", 409)
    assert File.objects.filter(user=user).count() == 2
    assert len(stored(media)) == 3


def test_upload_file_refuses_past_the_per_user_byte_total(user, settings):
    existing = FileFactory(user=user)
    content = samples.pdf()
    settings.FILE_MAX_TOTAL_BYTES_PER_USER = existing.filesize + len(content) - 1

    error = refusal(lambda: upload(user, content))

    assert error.code == "quota_exceeded"
    settings.FILE_MAX_TOTAL_BYTES_PER_USER += 1
    assert upload(user, content).filesize == len(content)


def test_upload_file_removes_the_object_when_the_row_cannot_be_saved(user, media, monkeypatch):
    def broken_create(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(File.objects, "create", broken_create)

    with pytest.raises(RuntimeError):
        upload(user, samples.pdf())

    assert stored(media) == []


def test_upload_file_records_the_detected_type_with_the_object(user):
    # The browser claims a PDF; object stores keep the content type given at save time.
    uploaded = SimpleUploadedFile("foto.pdf", samples.png(), content_type="application/pdf")

    file = services.upload_file(user=user, uploaded=uploaded)

    assert uploaded.content_type == "image/png"
    assert storages["default"].exists(file.filepath)
