"""Back up the whole state, restore it into a fresh database and storage, and serve the restored product.

The fresh database is named from the configured one (PostgreSQL is shared),
and is dropped at the end. A gunicorn on the restored copy must list the
same registrations, serve the same files and admit the same tickets once.
"""

import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import requests
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.factories import AdminFactory, UserFactory
from checkins import services as checkin_services
from events.tests.factories import TicketFactory
from files.tests.factories import FileFactory
from registrations.tests.factories import RegistrationFactory

from .servers import database_url, gunicorn

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_database():
    """Create an empty database beside the test database; yield its URL; drop it afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{secrets.token_hex(3)}"
    maintenance = database_url("eh_backup_test").replace(f"/{connection.settings_dict['NAME']}?", "/postgres?")
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield database_url("eh_restored").replace(f"/{connection.settings_dict['NAME']}?", f"/{name}?")
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {AccessToken.for_user(user)}"}


def test_a_restored_backup_serves_the_same_registrations_files_and_tickets(fresh_database, tmp_path, settings):
    buyer, admin = UserFactory(), AdminFactory()
    ticket = TicketFactory(quota=10)
    paid = [RegistrationFactory(user=buyer, ticket=ticket, paid=True)] + [
        RegistrationFactory(ticket=ticket, paid=True) for _ in range(2)]
    RegistrationFactory(user=buyer, ticket=TicketFactory())
    document = FileFactory(user=buyer, registration=paid[0])
    assert checkin_services.scan(code=paid[1].qr_code, event_id=ticket.event_id, device="gate-1", admin=admin).result == "ok"
    archive = tmp_path / "eventhub.tar"

    call_command("backup", str(archive))
    restored_var = tmp_path / "restored"
    env = {"DATABASE_URL": fresh_database, "VAR_DIR": str(restored_var), "SECRET_KEY": settings.SECRET_KEY,
           "QR_SIGNING_KEYS": ",".join(settings.QR_SIGNING_KEYS)}
    done = subprocess.run([sys.executable, "manage.py", "restore", str(archive)], cwd=ROOT, capture_output=True,
                          text=True, env={**env, "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr

    with gunicorn(workers=1, threads=2, **env) as server:
        mine = requests.get(f"{server.url}/api/v1/registrations/", headers=_bearer(buyer), timeout=30).json()
        download = requests.get(f"{server.url}/api/v1/files/{document.pk}/download/", headers=_bearer(buyer),
                                timeout=30)
        scans = [requests.post(f"{server.url}/api/v1/checkins/scan/", headers=_bearer(admin), timeout=30,
                               json={"code": r.qr_code, "event": str(ticket.event_id), "device": "gate-2"}).json()
                 for r in paid + paid]

    original = {str(r.pk): r.status for r in buyer.registrations.all()}
    assert {r["id"]: r["status"] for r in mine["results"]} == original and len(original) == 2
    with storages["default"].open(document.filepath, "rb") as stored:
        assert download.status_code == 200 and download.content == stored.read()
    assert [s["result"] for s in scans] == ["ok", "already_checked_in", "ok"] + ["already_checked_in"] * 3


def test_restoring_into_a_database_that_is_not_empty_is_refused(tmp_path):
    archive = tmp_path / "eventhub.tar"
    call_command("backup", str(archive))

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
