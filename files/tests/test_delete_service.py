import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from accounts.tests.factories import UserFactory
from files import services
from files.models import File

from .conftest import stored
from .factories import FileFactory

pytestmark = pytest.mark.django_db


def test_delete_file_removes_the_row_and_then_the_stored_object(user, media, django_capture_on_commit_callbacks):
    file = FileFactory(user=user)
    other = FileFactory(user=user)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.delete_file(file=file)
        assert stored(media) == sorted([file.filepath, other.filepath])  # not before the commit

    assert len(callbacks) == 1
    assert list(File.objects.all()) == [other]
    assert stored(media) == [other.filepath]


def test_delete_file_removes_the_owners_empty_folder(user, media, django_capture_on_commit_callbacks):
    file = FileFactory(user=user)

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_file(file=file)

    assert not (media / "uploads" / str(user.pk)).exists()


def test_a_rolled_back_deletion_keeps_the_object(user, media, django_capture_on_commit_callbacks):
    file = FileFactory(user=user)
    pk = file.pk

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            file.delete()
            raise RuntimeError("changed my mind")

    assert callbacks == []
    assert File.objects.filter(pk=pk).exists()
    assert stored(media) == [file.filepath]


def test_a_missing_object_does_not_stop_the_deletion(user, media, django_capture_on_commit_callbacks):
    file = FileFactory(user=user)
    (media / file.filepath).unlink()

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_file(file=file)

    assert not File.objects.exists()


def test_delete_files_removes_every_selected_object(media, django_capture_on_commit_callbacks):
    doomed = FileFactory.create_batch(3)
    kept = FileFactory()

    with django_capture_on_commit_callbacks(execute=True):
        count = services.delete_files(files=File.objects.filter(pk__in=[f.pk for f in doomed]))

    assert count == 3
    assert stored(media) == [kept.filepath]


def test_deleting_a_user_removes_their_files_objects(media, django_capture_on_commit_callbacks):
    leaving, staying = UserFactory(), UserFactory()
    FileFactory.create_batch(2, user=leaving)
    kept = FileFactory(user=staying)

    with django_capture_on_commit_callbacks(execute=True):
        leaving.delete()

    assert list(File.objects.all()) == [kept]
    assert stored(media) == [kept.filepath]


def test_erase_user_files_removes_all_of_one_users_files(user, media, django_capture_on_commit_callbacks):
    FileFactory.create_batch(3, user=user)
    kept = FileFactory()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.erase_user_files(user=user) == 3

    assert list(File.objects.all()) == [kept]
    assert stored(media) == [kept.filepath]
    assert user.__class__.objects.filter(pk=user.pk).exists()


def test_erase_user_files_command_erases_by_email(user, media, django_capture_on_commit_callbacks, capsys):
    FileFactory.create_batch(2, user=user)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_user_files", user.email.upper())

    assert "Erased 2 file(s)" in capsys.readouterr().out
    assert stored(media) == []


def test_erase_user_files_command_refuses_an_unknown_email(db):
    with pytest.raises(CommandError):
        call_command("erase_user_files", "nobody@example.com")
