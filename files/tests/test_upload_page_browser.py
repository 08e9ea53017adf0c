"""The "My files" page in headless Chromium: the upload script's progress, errors and the list."""

import os

import pytest
from django.conf import settings as django_settings
from django.test import Client

from files.models import File

from . import samples

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(live_server, user):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # made by the test itself are plain synchronous ones.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context()
        context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/dashboard/files/")
        yield page
        browser.close()


def watch_status(page):
    """Log every status line the script shows, in sessionStorage so it outlives the page."""
    page.evaluate(
        """() => {
            sessionStorage.setItem('uploadStatus', '[]');
            const status = document.getElementById('upload-status');
            new MutationObserver(() => {
                const log = JSON.parse(sessionStorage.getItem('uploadStatus'));
                log.push(status.textContent);
                sessionStorage.setItem('uploadStatus', JSON.stringify(log));
            }).observe(status, {childList: true, characterData: true, subtree: true});
        }"""
    )


def test_uploading_shows_progress_then_the_file_in_the_list(page, tmp_path, user):
    path = tmp_path / "Kartu Pelajar.pdf"
    path.write_bytes(samples.pdf_of_size(3 * 1024 * 1024))
    watch_status(page)
    page.set_input_files("#id_file", str(path))

    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")

    assert page.locator(".files-table").inner_text().count("Kartu Pelajar.pdf") == 1
    assert File.objects.get().user == user
    shown = page.evaluate("JSON.parse(sessionStorage.getItem('uploadStatus'))")
    assert any(line.endswith("%") for line in shown), shown
    assert "Checking the file…" in shown


def test_a_refused_file_shows_the_servers_reason_without_leaving_the_page(page, tmp_path):
    path = tmp_path / "kartu.pdf"
    path.write_bytes(samples.elf())
    page.set_input_files("#id_file", str(path))

    page.click("#upload-form button[type=submit]")

    errors = page.locator("#upload-errors")
    errors.wait_for(state="visible")
    assert "not accepted" in errors.inner_text()
    assert page.url.endswith("/dashboard/files/")
    assert page.locator("#upload-form button[type=submit]").is_enabled()
    assert not File.objects.exists()


def test_a_file_over_the_limit_is_stopped_before_it_is_sent(page, tmp_path, settings):
    limit = django_settings.FILE_MAX_BYTES
    path = tmp_path / "besar.pdf"
    path.write_bytes(samples.pdf_of_size(limit + 1))
    requests = []
    page.on("request", lambda request: requests.append(request.method))

    page.set_input_files("#id_file", str(path))
    page.click("#upload-form button[type=submit]")

    assert "too large" in page.locator("#upload-errors").inner_text()
    assert "POST" not in requests
    assert not File.objects.exists()
