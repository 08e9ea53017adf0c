"""Smoke test: EventHub as deployed — gunicorn behind Debian's nginx over HTTPS.

Builds what a deploy builds (migrations on a fresh PostgreSQL database, static
files collected with the production storage), starts gunicorn with
gunicorn.conf.py and the documented production environment (.env.example,
secrets generated), runs the PWA's own nginx (frontend/nginx.conf, as the
`frontend` image does) on a free port, renders nginx/eventhub.conf.template
for localhost with a self-signed certificate and both upstreams, checks both
configs with `nginx -t`, runs the public nginx on free ports and talks to it
as a browser, a gateway and an attacker would.

The PWA comes from frontend/.output/public when it is built; otherwise from a
small stand-in directory with the same layout (index.html, sw.js,
manifest.webmanifest, workbox-<hash>.js, _nuxt/<hashed>.js,
_nuxt/builds/latest.json, icons/icon-192.png), which is enough to prove the
routing and caching of /app/ through both servers.
"""

import dataclasses
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import requests
from django.conf import settings
from django.urls import Resolver404, resolve

from bench.nginx import binary as _nginx
from bench.nginx import frame as _nginx_frame
from bench.nginx import render
from bench.nginx import self_signed_certificate as _self_signed_certificate
from bench.nginx import start as _start_nginx
from eventhub.tests.production import ROOT, process_environment, production_environment

pytestmark = pytest.mark.deploy

TEMPLATE = ROOT / "nginx" / "eventhub.conf.template"
FRONTEND_CONF = ROOT / "frontend" / "nginx.conf"
BODY_SIZE_SCRIPT = ROOT / "nginx" / "15-eventhub-body-size.envsh"
BUILT_PWA = ROOT / "frontend" / ".output" / "public"
HOST = "localhost"


def _need(what: str, found) -> None:
    """Skip without `found`, but fail under CI, where .ci/run installs it."""
    if found:
        return
    message = f"{what} is needed for the smoke test"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected {old!r} exactly once"
    return text.replace(old, new)


def render_frontend(port: int, www: Path) -> str:
    """Return frontend/nginx.conf listening on `port` and serving `www`/app at /app/."""
    conf = FRONTEND_CONF.read_text()
    conf = _replace_once(conf, "listen 80 default_server;", f"listen 127.0.0.1:{port} default_server;")
    return _replace_once(conf, "root /srv/www;", f"root {www};")


def _pwa_root(directory: Path) -> Path:
    """Return the built PWA, or a stand-in with the same layout."""
    if (BUILT_PWA / "index.html").exists():
        return BUILT_PWA
    root = directory / "pwa"
    (root / "_nuxt").mkdir(parents=True)
    (root / "index.html").write_text('<!doctype html><div id="__nuxt"></div><script src="/app/_nuxt/entry.Bx1c9f.js">')
    (root / "_nuxt" / "entry.Bx1c9f.js").write_text("console.log('EventHub PWA');\n" * 100)
    (root / "sw.js").write_text("self.addEventListener('fetch', () => {});\n")
    (root / "workbox-1f2e3d4c.js").write_text("self.workbox = {};\n")
    (root / "_nuxt" / "builds").mkdir()
    (root / "_nuxt" / "builds" / "latest.json").write_text('{"id": "stand-in", "timestamp": 0}')
    (root / "manifest.webmanifest").write_text('{"name": "EventHub", "start_url": "/app/"}')
    (root / "icons").mkdir()
    (root / "icons" / "icon-192.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    return root


@dataclasses.dataclass
class Stack:
    https: str
    http: str
    api: str
    ca: Path
    static_root: Path
    media_root: Path
    acme_root: Path
    pwa_root: Path
    pwa: str
    nginx_confs: dict[str, Path]
    nginx: str
    gunicorn_stdout: Path
    file_max_bytes: int
    env: dict[str, str]

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.https + path, verify=str(self.ca), allow_redirects=False, timeout=20, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(self.https + path, verify=str(self.ca), allow_redirects=False, timeout=60, **kwargs)


def _wait_for(url: str, process: subprocess.Popen, log: Path, **kwargs) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2, **kwargs).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer in 60 s:\n{log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def smoke_database():
    """A fresh PostgreSQL database on the test server, dropped afterwards."""
    database = settings.DATABASES["default"]
    _need("PostgreSQL (DATABASE_URL)", database["ENGINE"] == "django.db.backends.postgresql")
    name = f"{database['NAME']}_smoke_{os.getpid()}"[:63]
    server = {
        "host": database["HOST"] or "127.0.0.1", "port": database["PORT"] or 5432,
        "user": database["USER"] or "postgres", "password": database["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if server["password"] else ""
    yield f"postgresql://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def stack(tmp_path_factory, smoke_database):
    nginx = _nginx()
    _need("nginx ('apt-get install -y nginx')", nginx)
    directory = tmp_path_factory.mktemp("smoke")
    var = directory / "var"
    https_port, http_port, api_port, pwa_port = _free_port(), _free_port(), _free_port(), _free_port()

    env = production_environment(
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}:{https_port}",
        SITE_URL=f"https://{HOST}:{https_port}",
        DATABASE_URL=smoke_database,
        EMAIL_URL="smtp://127.0.0.1:25",
        VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="eventhub.settings",
        GUNICORN_BIND=f"127.0.0.1:{api_port}",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
    )
    # What the image build (collectstatic) and compose's release step (migrate) run.
    for command in (["migrate", "--noinput"], ["createcachetable"], ["collectstatic", "--noinput"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=process_environment(env),
            capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0, f"manage.py {command[0]}:\n{result.stdout}\n{result.stderr}"

    processes = []
    gunicorn_stdout, gunicorn_stderr = directory / "gunicorn.out", directory / "gunicorn.err"
    with gunicorn_stdout.open("w") as out, gunicorn_stderr.open("w") as err:
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"], cwd=ROOT,
            env=process_environment(env), stdout=out, stderr=err,
        )
    processes.append(gunicorn)
    try:
        _wait_for(f"http://127.0.0.1:{api_port}/healthz", gunicorn, gunicorn_stderr)

        # The frontend container: its nginx config serving the build at /app/.
        pwa_root = _pwa_root(directory)
        www = directory / "www"
        www.mkdir()
        (www / "app").symlink_to(pwa_root, target_is_directory=True)
        pwa_conf = directory / "pwa.conf"
        pwa_conf.write_text(render_frontend(pwa_port, www))
        pwa_nginx_conf = _nginx_frame(directory / "pwa-nginx", pwa_conf)
        pwa_server = _start_nginx(nginx, pwa_nginx_conf)
        processes.append(pwa_server)
        pwa = f"http://127.0.0.1:{pwa_port}"
        _wait_for(f"{pwa}/healthz", pwa_server, pwa_nginx_conf.parent / "logs" / "error.log")

        for path in (var / "media", directory / "acme" / ".well-known" / "acme-challenge"):
            path.mkdir(parents=True, exist_ok=True)
        cert, key = _self_signed_certificate(directory)
        body_size = subprocess.run(
            ["sh", "-c", f'. "{BODY_SIZE_SCRIPT}"; echo "$CLIENT_MAX_BODY_SIZE"'],
            env={"FILE_MAX_BYTES": env["FILE_MAX_BYTES"]}, capture_output=True, text=True, check=True,
        ).stdout.strip()
        values = {
            "SERVER_NAME": HOST,
            "HTTP_PORT": str(http_port),
            "HTTPS_PORT": str(https_port),
            "API_UPSTREAM": f"127.0.0.1:{api_port}",
            "PWA_UPSTREAM": f"127.0.0.1:{pwa_port}",
            # An address needs no DNS (and Debian's nginx 1.22 has no `resolve`).
            "UPSTREAM_PARAMETERS": "",
            "RESOLVER": "127.0.0.1",
            "STATIC_ROOT": str(var / "static"),
            "MEDIA_ROOT": str(var / "media"),
            "SSL_CERTIFICATE": str(cert),
            "SSL_CERTIFICATE_KEY": str(key),
            "ACME_ROOT": str(directory / "acme"),
            "CLIENT_MAX_BODY_SIZE": body_size,
            "HSTS_MAX_AGE": env["SECURE_HSTS_SECONDS"],
        }
        site_conf = directory / "eventhub.conf"
        site_conf.write_text(render(TEMPLATE.read_text(), values))
        assert not re.findall(r"\$\{?[A-Z][A-Z0-9_]*", site_conf.read_text()), "placeholders left unrendered"
        # The same frame as the nginx image's nginx.conf, with this test's own paths.
        nginx_conf = _nginx_frame(directory / "nginx", site_conf)
        server = _start_nginx(nginx, nginx_conf)
        processes.append(server)
        https = f"https://{HOST}:{https_port}"
        _wait_for(f"{https}/healthz", server, nginx_conf.parent / "logs" / "error.log", verify=str(cert))

        yield Stack(
            https=https, http=f"http://{HOST}:{http_port}", api=f"http://127.0.0.1:{api_port}", ca=cert,
            static_root=var / "static", media_root=var / "media", acme_root=directory / "acme",
            pwa_root=pwa_root, pwa=pwa, nginx_confs={"public": nginx_conf, "frontend": pwa_nginx_conf}, nginx=nginx,
            gunicorn_stdout=gunicorn_stdout,
            file_max_bytes=int(env["FILE_MAX_BYTES"]), env=env,
        )
    finally:
        for process in reversed(processes):
            _stop(process, signal.SIGQUIT if process is not gunicorn else signal.SIGTERM)


@pytest.fixture(scope="module")
def bearer(stack) -> dict[str, str]:
    """Authorization header of a new attendee in the smoke database."""
    code = (
        "from django.contrib.auth import get_user_model; "
        "from rest_framework_simplejwt.tokens import RefreshToken; "
        "user = get_user_model().objects.create_user(email='smoke@example.com', password=None, full_name='Smoke'); "
        "print('TOKEN', RefreshToken.for_user(user).access_token)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=process_environment(stack.env),
        capture_output=True, text=True, timeout=120,
    )
    tokens = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("TOKEN ")]
    assert tokens, result.stdout + result.stderr
    return {"Authorization": f"Bearer {tokens[0]}"}


def _gunicorn_log(stack) -> list[dict]:
    return [json.loads(line) for line in stack.gunicorn_stdout.read_text().splitlines()]


SECURITY_HEADERS = ("Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


def _routed(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _from_django(response: requests.Response) -> bool:
    """Return whether Django answered (nginx's own pages carry no COOP header)."""
    return response.headers.get("Cross-Origin-Opener-Policy") == "same-origin" and "<center>nginx" not in response.text


@pytest.mark.parametrize("server", ["public", "frontend"])
def test_nginx_accepts_the_rendered_config(stack, server):
    nginx_conf = stack.nginx_confs[server]

    result = subprocess.run(
        [stack.nginx, "-t", "-p", str(nginx_conf.parent), "-c", str(nginx_conf), "-e", "/dev/stderr"],
        capture_output=True, text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_landing_page_is_served_over_https_with_hsts(stack):
    response = stack.get("/")

    assert _from_django(response)
    assert response.status_code == (200 if _routed("/") else 404)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # Django's security headers or nginx's, never both.
    for header in SECURITY_HEADERS:
        assert len(response.raw.headers.getlist(header)) == 1, header


def test_a_static_file_is_served_by_nginx_with_a_long_cache(stack):
    manifest = json.loads((stack.static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]

    response = stack.get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Type"].startswith("text/css")
    assert response.headers["Content-Encoding"] == "gzip"  # whitenoise's pre-compressed copy
    assert response.content == (stack.static_root / hashed).read_bytes()
    for header in SECURITY_HEADERS:  # added by nginx, which answered alone
        assert len(response.raw.headers.getlist(header)) == 1, header
    assert stack.get("/static/admin/css/no-such-file.css").status_code == 404


def test_the_admin_login_page_is_served(stack):
    response = stack.get("/admin/login/")

    assert response.status_code == 200
    assert 'name="password"' in response.text
    # Django believed nginx's X-Forwarded-Proto: secure cookies, no redirect loop.
    assert "Secure" in response.headers["Set-Cookie"]


def test_the_events_api_answers_json(stack):
    response = stack.get("/api/v1/events/")

    assert _from_django(response)
    if _routed("/api/v1/events/"):
        assert response.status_code == 200
        assert "results" in response.json()
    else:
        assert response.status_code == 404


def test_the_pwa_shell_is_served_and_never_cached(stack):
    index = (stack.pwa_root / "index.html").read_bytes()

    shell = stack.get("/app/")
    deep_link = stack.get("/app/dashboard/scan")

    assert shell.status_code == 200 and shell.content == index
    assert shell.headers["Cache-Control"] == "no-cache"
    assert shell.headers["Content-Type"] == "text/html; charset=utf-8"
    assert deep_link.status_code == 200 and deep_link.content == index
    assert deep_link.headers["Cache-Control"] == "no-cache"
    assert stack.get("/app").headers["Location"].endswith("/app/")
    # The frontend's headers passed through, the public nginx's added: each once.
    for header in (*SECURITY_HEADERS, "Cache-Control"):
        assert len(shell.raw.headers.getlist(header)) == 1, header
    assert shell.headers["X-Content-Type-Options"] == "nosniff"


def test_the_pwa_shell_revalidates_with_a_304(stack):
    shell = stack.get("/app/", headers={"Accept-Encoding": "gzip"})

    again = stack.get("/app/", headers={"Accept-Encoding": "gzip", "If-None-Match": shell.headers["ETag"]})

    assert again.status_code == 304 and not again.content
    assert again.headers["Cache-Control"] == "no-cache"


def test_the_frontend_container_answers_its_healthcheck_and_only_the_pwa(stack):
    health = requests.get(f"{stack.pwa}/healthz", timeout=10)
    shell = requests.get(f"{stack.pwa}/app/", timeout=10)
    elsewhere = requests.get(f"{stack.pwa}/admin/", timeout=10)

    assert health.status_code == 200 and health.text == "ok\n"
    assert shell.status_code == 200 and shell.content == (stack.pwa_root / "index.html").read_bytes()
    assert elsewhere.status_code == 404


def test_the_service_worker_and_manifest_are_revalidated(stack):
    worker = stack.get("/app/sw.js")
    manifest = stack.get("/app/manifest.webmanifest")

    assert worker.status_code == 200 and worker.headers["Cache-Control"] == "no-cache"
    assert worker.headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
    assert manifest.status_code == 200 and manifest.headers["Cache-Control"] == "no-cache"
    assert manifest.headers["Content-Type"].startswith("application/manifest+json")


def test_pwa_icons_are_cached_for_an_hour(stack):
    response = stack.get("/app/icons/icon-192.png")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.content == (stack.pwa_root / "icons" / "icon-192.png").read_bytes()


def test_hashed_pwa_assets_are_immutable_and_missing_ones_are_404(stack):
    asset = sorted((stack.pwa_root / "_nuxt").glob("*.js"))[0]

    response = stack.get(f"/app/_nuxt/{asset.name}")

    assert response.status_code == 200
    assert response.raw.headers.getlist("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert response.content == asset.read_bytes()
    for path in ("/app/_nuxt/no-such-chunk.js", "/app/icons/no-such-icon.png", "/app/workbox-0000.js"):
        missing = stack.get(path)
        assert missing.status_code == 404, path
        assert "Cache-Control" not in missing.headers, path


def test_the_workbox_runtime_is_immutable_and_the_current_build_is_revalidated(stack):
    (workbox,) = stack.pwa_root.glob("workbox-*.js")

    runtime = stack.get(f"/app/{workbox.name}")
    latest = stack.get("/app/_nuxt/builds/latest.json")

    assert runtime.status_code == 200 and runtime.content == workbox.read_bytes()
    assert runtime.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert latest.status_code == 200 and latest.json()["id"]
    assert latest.headers["Cache-Control"] == "no-cache"


def test_a_gateway_webhook_post_reaches_django(stack):
    path = "/api/v1/payments/webhooks/midtrans/"

    response = stack.post(path, data=b'{"order_id": "bogus"', headers={"Content-Type": "application/json"})

    assert _from_django(response)
    if _routed(path):
        assert response.status_code in (400, 401, 403)
        assert "code" in response.json()
    else:
        assert response.status_code == 404


def test_private_files_are_not_reachable_directly(stack):
    secret = b"passport scan " + secrets.token_hex(8).encode()
    (stack.media_root / "files").mkdir(exist_ok=True)
    (stack.media_root / "files" / "passport.pdf").write_bytes(secret)

    for path in ("/protected-media/files/passport.pdf", "/media/files/passport.pdf"):
        response = stack.get(path)
        assert response.status_code == 404, path
        assert secret not in response.content, path


def test_plain_http_is_redirected_to_https(stack):
    response = requests.get(f"{stack.http}/admin/login/?next=/admin/", allow_redirects=False, timeout=10)

    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{HOST}/admin/login/?next=/admin/"


def test_the_acme_challenge_is_answered_over_plain_http(stack):
    token = secrets.token_urlsafe(16)
    (stack.acme_root / ".well-known" / "acme-challenge" / token).write_text("proof")

    response = requests.get(f"{stack.http}/.well-known/acme-challenge/{token}", allow_redirects=False, timeout=10)

    assert response.status_code == 200
    assert response.text == "proof"


def test_an_unknown_host_gets_no_answer(stack):
    with pytest.raises(requests.ConnectionError):
        requests.get(stack.http + "/", headers={"Host": "attacker.example"}, timeout=10)


def test_the_largest_allowed_upload_is_stored_and_nginx_sends_it_back_privately(stack, bearer):
    content = b"%PDF-1.4\n" + os.urandom(stack.file_max_bytes - 9)

    upload = stack.post("/api/v1/files/", headers=bearer, files={"file": ("tiket.pdf", content, "application/pdf")})
    assert upload.status_code == 201, upload.text
    created = upload.json()
    download = stack.get(f"/api/v1/files/{created['id']}/download/", headers=bearer)
    stranger = stack.get(f"/api/v1/files/{created['id']}/download/")

    assert created["filesize"] == stack.file_max_bytes
    # Django authorised it; nginx sent the bytes from /protected-media/ (X-Accel-Redirect).
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in download.headers["Cache-Control"]
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "X-Accel-Redirect" not in download.headers
    for header in SECURITY_HEADERS:
        assert len(download.raw.headers.getlist(header)) == 1, header
    # Served by nginx's file module (ranges, an ETag), not streamed by Django.
    assert download.headers["Accept-Ranges"] == "bytes" and "ETag" in download.headers
    assert not _from_django(download)
    assert stranger.status_code in (401, 404) and content[:64] not in stranger.content


def test_an_upload_larger_than_the_limit_stops_at_nginx(stack, bearer):
    beyond = b"%PDF-1.4\n" + bytes(stack.file_max_bytes + 2 * 1024 * 1024)

    refused = stack.post("/api/v1/files/", headers=bearer, files={"file": ("big.pdf", beyond, "application/pdf")})

    assert refused.status_code == 413
    assert not _from_django(refused)


def test_an_upload_just_over_the_limit_reaches_django_and_gets_its_answer(stack, bearer):
    over = b"%PDF-1.4\n" + bytes(stack.file_max_bytes)

    refused = stack.post("/api/v1/files/", headers=bearer, files={"file": ("big.pdf", over, "application/pdf")})

    assert refused.status_code == 413
    assert _from_django(refused)
    assert refused.json()["code"] == "too_large"


def test_django_sees_the_client_address_and_scheme_nginx_forwards(stack):
    marker = secrets.token_hex(8)

    stack.get(f"/admin/login/?marker={marker}", headers={"X-Forwarded-For": "203.0.113.9"})
    time.sleep(0.5)  # the access log line is written after the response

    (entry,) = [e for e in _gunicorn_log(stack) if e.get("logger") == "gunicorn.access" and marker in e["query"]]
    assert entry["forwarded_for"] == "127.0.0.1"  # nginx overwrote the client's claim
    assert entry["status"] == 200
    assert entry["request_id"] and entry["duration_ms"] >= 0


def _login_from(stack, source: str, *, email: str, forwarded_for: str | None = None) -> int:
    """POST a wrong login from the loopback address `source`; return the status."""
    https = urlsplit(stack.https)
    context = ssl.create_default_context(cafile=str(stack.ca))
    connection = http.client.HTTPSConnection(https.hostname, https.port, context=context, source_address=(source, 0))
    headers = {"Content-Type": "application/json"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    try:
        connection.request("POST", "/api/v1/auth/login/", json.dumps({"email": email, "password": "wrong"}), headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_login_throttling_counts_each_client_address_not_nginx(stack):
    limit = int(stack.env["AUTH_THROTTLE_RATE"].split("/")[0])

    answers = [_login_from(stack, "127.0.0.1", email=f"guess{n}@example.com") for n in range(limit)]
    blocked = _login_from(stack, "127.0.0.1", email="another@example.com")
    spoofed = _login_from(stack, "127.0.0.1", email="spoof@example.com", forwarded_for="198.51.100.7")
    other_client = _login_from(stack, "127.0.0.2", email="someone@example.com")

    assert 429 not in answers
    assert blocked == 429
    assert spoofed == 429  # nginx overwrote the claimed address
    assert other_client == 401  # another client is not held back by the first one's guesses


def test_gunicorn_and_django_log_json_lines_to_stdout(stack):
    stack.get("/admin/login/")
    time.sleep(0.5)

    lines = stack.gunicorn_stdout.read_text().splitlines()

    assert lines
    for line in lines:
        assert isinstance(json.loads(line), dict), line


def test_the_health_endpoint_answers_plain_http_by_ip_and_django_redirects_the_rest(stack):
    health = requests.get(f"{stack.api}/healthz", timeout=10)
    page = requests.get(f"{stack.api}/admin/login/", headers={"Host": HOST}, allow_redirects=False, timeout=10)

    assert health.status_code == 200 and health.json() == {"status": "ok", "database": "ok"}
    assert page.status_code == 301
    assert page.headers["Location"] == f"https://{HOST}/admin/login/"
