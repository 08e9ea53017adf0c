"""Local storage behind a real nginx: Django authorises, nginx sends the bytes from an `internal` location."""

import os
import shutil
import socket
import subprocess
import time

import pytest
import requests
from django.core.files.storage import storages
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import UserFactory

from .factories import FileFactory

pytestmark = pytest.mark.django_db(transaction=True)

CONFIG = """
{user}
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    client_max_body_size 11m;
    server {{
        listen 127.0.0.1:{port};
        location /protected-media/ {{
            internal;
            alias {media}/;
            # nginx keeps Content-Type, Content-Disposition and Cache-Control from
            # Django's answer, but not other headers: repeat them here.
            add_header X-Content-Type-Options nosniff always;
            add_header Content-Security-Policy "default-src 'none'; sandbox" always;
        }}
        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(live_server, tmp_path, settings):
    if shutil.which("nginx") is None:
        reason = "nginx is not installed ('apt-get install -y nginx')"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: this test must run)", pytrace=False)
        pytest.skip(reason)
    settings.FILE_X_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    media = storages["default"].location
    os.makedirs(media, exist_ok=True)
    root = tmp_path / "nginx"
    root.mkdir()
    port = free_port()
    (root / "nginx.conf").write_text(
        CONFIG.format(
            user="user root;" if os.geteuid() == 0 else "",
            root=root,
            port=port,
            media=media,
            upstream=live_server.url,
        )
    )
    process = subprocess.Popen(["nginx", "-p", str(root), "-c", str(root / "nginx.conf")], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield base
    process.terminate()
    process.wait(timeout=10)


def auth(user) -> dict:
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


def test_nginx_sends_the_file_django_authorised(nginx, user):
    file = FileFactory(user=user, filename="Kartu Pelajar — 學生證.pdf")
    with storages["default"].open(file.filepath, "rb") as handle:
        content = handle.read()

    response = requests.get(f"{nginx}/api/v1/files/{file.pk}/download/", headers=auth(user), timeout=10)

    assert response.status_code == 200
    assert response.content == content
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "filename*=UTF-8''Kartu%20Pelajar" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    assert "X-Accel-Redirect" not in response.headers
    assert file.filepath not in str(response.headers)


def test_nginx_does_not_serve_the_internal_location_to_anyone(nginx, user):
    file = FileFactory(user=user)

    direct = requests.get(f"{nginx}/protected-media/{file.filepath}", headers=auth(user), timeout=10)
    stranger = requests.get(f"{nginx}/api/v1/files/{file.pk}/download/", headers=auth(UserFactory()), timeout=10)

    assert direct.status_code == 404
    assert stranger.status_code == 404
    assert b"%PDF" not in direct.content + stranger.content
