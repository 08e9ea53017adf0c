"""Django serves the generated PWA at /app/ (eventhub/pwa.py)."""

import pytest


@pytest.fixture
def build(settings, tmp_path):
    root = tmp_path / "public"
    (root / "_nuxt").mkdir(parents=True)
    (root / "icons").mkdir()
    (root / "index.html").write_text("<!doctype html><title>shell</title>")
    (root / "sw.js").write_text("self.addEventListener('fetch', () => {})")
    (root / "manifest.webmanifest").write_text('{"name": "EventHub"}')
    (root / "_nuxt" / "entry.Ab12.js").write_text("export default 1")
    (root / "_nuxt" / "entry.Ab12.css").write_text("body{}")
    (root / "icons" / "icon-192.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "secret.txt").write_text("outside the build")
    settings.PWA_ROOT = root
    return root


def test_it_serves_the_shell_at_the_root_without_caching(client, build):
    response = client.get("/app/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert b"<title>shell</title>" in b"".join(response.streaming_content)


def test_it_answers_client_side_routes_with_the_shell(client, build):
    for path in ("/app/admin/scan", "/app/events/jazz-night/", "/app/payment/success?registration=1"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"<title>shell</title>" in b"".join(response.streaming_content)


def test_it_caches_hashed_assets_for_a_year_with_their_types(client, build):
    script = client.get("/app/_nuxt/entry.Ab12.js")
    assert script.status_code == 200
    assert script["Content-Type"] == "text/javascript"
    assert script["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/app/_nuxt/entry.Ab12.css")["Content-Type"] == "text/css"
    assert client.get("/app/icons/icon-192.png")["Content-Type"] == "image/png"


def test_it_keeps_the_service_worker_and_manifest_fresh(client, build):
    worker = client.get("/app/sw.js")
    assert worker["Content-Type"] == "text/javascript"
    assert worker["Cache-Control"] == "no-cache"
    manifest = client.get("/app/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest["Cache-Control"] == "no-cache"


def test_it_answers_a_missing_asset_with_404_not_the_shell(client, build):
    assert client.get("/app/_nuxt/gone.Zz99.js").status_code == 404
    assert client.get("/app/icons/missing.png").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/app/../secret.txt", "/app/%2e%2e/secret.txt", "/app/_nuxt/..%2f..%2fsecret.txt", "/app/..%5csecret.txt"],
)
def test_it_never_serves_a_file_outside_the_build(client, build, path):
    response = client.get(path)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"outside the build" not in content


def test_it_refuses_writes(client, build):
    assert client.post("/app/", {}).status_code == 405


def test_it_answers_not_modified_to_a_revalidation(client, build):
    first = client.get("/app/")
    again = client.get("/app/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_it_explains_how_to_build_when_the_app_is_not_built(client, settings, tmp_path):
    settings.PWA_ROOT = tmp_path / "nothing-here"
    response = client.get("/app/admin/scan")
    assert response.status_code == 503
    assert "make pwa" in response.content.decode()
