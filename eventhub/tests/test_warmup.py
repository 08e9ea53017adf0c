"""eventhub.warmup: what a new gunicorn worker loads before it accepts its first connection."""

import json

from eventhub.tests.production import run_python

SCRIPT = """
import json, sys
import django
django.setup()
from django.utils.translation import trans_real
cold = "registrations.api" in sys.modules
from eventhub import warmup
warmup.warm_up()
print(json.dumps({"cold": not cold, "views": "registrations.api" in sys.modules,
                  "jwt": "rest_framework_simplejwt.state" in sys.modules, "languages": sorted(trans_real._translations)}))
"""


def _warm_up(tmp_path, **env):
    result = run_python("-c", SCRIPT, env={"DJANGO_SETTINGS_MODULE": "eventhub.settings", "DEBUG": "true",
                                           "VAR_DIR": str(tmp_path), **env})
    assert result.returncode == 0, result.stderr
    *log, loaded = result.stdout.splitlines()  # Django logs to stdout
    return json.loads(loaded), "\n".join(log)


def test_it_loads_every_view_the_jwt_backend_and_each_language_before_the_first_request(tmp_path):
    loaded, _ = _warm_up(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert loaded == {"cold": True, "views": True, "jwt": True, "languages": ["en", "id"]}


def test_a_worker_still_starts_when_the_database_does_not_answer(tmp_path):
    loaded, log = _warm_up(tmp_path, DATABASE_URL="postgresql://postgres@127.0.0.1:1/none", DB_POOL_TIMEOUT="1")

    assert loaded["views"]
    assert "Warm-up: the database did not answer" in log
