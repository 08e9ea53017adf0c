"""`manage.py backup ARCHIVE`: the whole state in one tar file — the database and every stored file."""

import datetime
import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from eventhub import backups


class Command(BaseCommand):
    help = "Back up the database (pg_dump, or SQLite's online backup) and the media storage into one tar archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar file to write (a directory gets eventhub-<time>.tar inside)")

    def handle(self, *, archive, **options):
        path = Path(archive)
        if path.is_dir():
            path = path / f"eventhub-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar"
        with tempfile.TemporaryDirectory() as scratch:
            dump = backups.dump_database(Path(scratch))
            partial = path.with_name(path.name + ".partial")
            with tarfile.open(partial, "w") as tar:
                tar.add(dump, arcname=dump.name)
                files, size = backups.add_media(tar)
                manifest = {
                    "format": backups.FORMAT, "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                    "engine": connection.vendor, "database": dump.name, "media_files": files, "media_bytes": size,
                    "migrations": MigrationRecorder(connection).migration_qs.count(),
                }
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(backups.MANIFEST)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            partial.replace(path)  # a backup is either whole or absent
        self.stdout.write(f"Backed up the {connection.vendor} database and {files} files ({size} bytes) to {path}")
