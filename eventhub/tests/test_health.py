import json
import os

import pytest

from eventhub.tests.production import run_python


@pytest.mark.django_db
def test_it_answers_ok_when_the_database_is_reachable(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_a_container_healthcheck_by_ip_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["tiket.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    # Any other page from that host is refused, and plain HTTP is redirected.
    assert client.get("/admin/login/", HTTP_HOST="10.0.3.7:8000").status_code == 400
    assert client.get("/admin/login/", HTTP_HOST="tiket.example.com").status_code == 301


def test_it_refuses_other_methods(client):
    response = client.post("/healthz")

    assert response.status_code == 405


def test_it_answers_503_when_the_database_is_unreachable():
    script = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print('RESULT', r.status_code, r.content.decode())"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "eventhub.settings",
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/eventhub_unreachable",
        "DB_POOL": "false",
        "VAR_DIR": os.environ.get("TMPDIR", "/tmp") + "/eventhub-health-test",
    }

    result = run_python("-c", script, env=env)

    (line,) = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")] or [result.stderr]
    _, status, body = line.split(" ", 2)
    assert status == "503"
    assert json.loads(body) == {"status": "unavailable", "database": "unreachable"}
