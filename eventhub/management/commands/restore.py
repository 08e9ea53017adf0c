"""`manage.py restore ARCHIVE`: put a backup's database and files back, into an empty database and storage."""

from django.core.management.base import BaseCommand, CommandError

from eventhub import backups


class Command(BaseCommand):
    help = (
        "Restore a `manage.py backup` archive into the configured database (which must be empty: create a "
        "fresh one) and the media storage."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *, archive, **options):
        try:
            files = backups.restore(archive)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the database and {files} files from {archive}")
