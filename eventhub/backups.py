"""Back up and restore the whole state: the database and every file in the media storage (README, Backups).

A backup is one tar archive: `database.dump` (PostgreSQL's custom format, by
`pg_dump`) or `database.sqlite3` (SQLite's online backup), the storage's files
under `media/` as stored (read through Django's storage API, so local storage
and S3 alike), and `manifest.json`. Restoring needs an empty database: create
a fresh one, point DATABASE_URL at it and run `manage.py restore`.
"""

import json
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import storages
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media/"


class BackupError(Exception):
    """A backup that cannot be made or restored, with the reason."""


def _program(name: str) -> str:
    """Return the path of a PostgreSQL client program: on PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)),
                                       None)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return str(found)


def _libpq_env() -> dict:
    """Return the environment pointing libpq's programs at the configured database."""
    import os

    db = connection.settings_dict
    env = {**os.environ, "PGHOST": db["HOST"] or "", "PGPORT": str(db["PORT"] or ""), "PGUSER": db["USER"] or "",
           "PGDATABASE": db["NAME"]}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {k: v for k, v in env.items() if v != ""}


def dump_database(directory: Path) -> Path:
    """Write a consistent copy of the database into `directory`; return its path."""
    if connection.vendor == "postgresql":
        path = directory / "database.dump"
        _run([_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"])
        return path
    if connection.vendor == "sqlite":
        path = directory / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        return path
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")


def _run(command: list[str]) -> None:
    done = subprocess.run(command, env=_libpq_env(), capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def _stored_names(storage, directory: str = ""):
    directories, files = storage.listdir(directory)
    for name in files:
        yield f"{directory}{name}"
    for name in directories:
        yield from _stored_names(storage, f"{directory}{name}/")


def add_media(tar: tarfile.TarFile) -> tuple[int, int]:
    """Add every file of the media storage to `tar` under media/; return (count, bytes)."""
    storage = storages["default"]
    count = size = 0
    try:
        names = list(_stored_names(storage))
    except FileNotFoundError:  # local storage that never stored anything
        names = []
    for name in names:
        with storage.open(name, "rb") as stored:
            info = tarfile.TarInfo(MEDIA + name)
            info.size = storage.size(name)
            tar.addfile(info, stored)
        count, size = count + 1, size + info.size
    return count, size


def restore(archive: str) -> int:
    """Restore an archive into the (empty) configured database and the media storage; return the files restored."""
    try:
        tar = tarfile.open(archive)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Cannot read {archive}: {exc}") from exc
    with tar:
        try:
            manifest = json.load(tar.extractfile(MANIFEST))
        except (KeyError, ValueError) as exc:
            raise BackupError(f"{archive} is not an EventHub backup (no {MANIFEST}).") from exc
        if manifest.get("format") != FORMAT or manifest.get("engine") != connection.vendor:
            raise BackupError(f"{archive} holds a {manifest.get('engine')} backup; this database is {connection.vendor}.")
        if connection.introspection.table_names():
            raise BackupError("The database is not empty: restore into a freshly created one.")
        _restore_database(tar, manifest["database"])
        return _restore_media(tar)


def _restore_database(tar: tarfile.TarFile, member: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        tar.extract(member, scratch, filter="data")
        path = Path(scratch) / member
        if connection.vendor == "postgresql":
            _run([_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                  f"--dbname={connection.settings_dict['NAME']}", str(path)])
        else:
            connection.ensure_connection()
            with sqlite3.connect(path) as source:
                source.backup(connection.connection)


def _restore_media(tar: tarfile.TarFile) -> int:
    storage = storages["default"]
    count = 0
    for member in tar.getmembers():
        if not (member.isfile() and member.name.startswith(MEDIA)):
            continue
        name = member.name.removeprefix(MEDIA)
        if ".." in Path(name).parts or name.startswith("/"):
            raise BackupError(f"Refusing an unsafe path in the archive: {member.name}")
        saved = storage.save(name, File(tar.extractfile(member), name=name))
        if saved != name:
            raise BackupError(f"The storage already holds {name}: restore into an empty storage.")
        count += 1
    return count
