"""The "My files" page in headless Chromium: upload with progress, refusals shown inline, download, delete."""

import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from files.models import File
from files.tests import samples

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def files_page(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/dashboard/files/")
    return page


def watch_status(page):
    """Log every status line the upload script shows, in sessionStorage so it outlives the page."""
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


def test_uploading_shows_progress_then_the_file_which_downloads_and_deletes(
    files_page, tmp_path, user, console_errors
):
    page = files_page
    content = samples.pdf_of_size(3 * 1024 * 1024)
    path = tmp_path / "Kartu Pelajar.pdf"
    path.write_bytes(content)
    watch_status(page)

    page.get_by_label("File", exact=True).set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload", exact=True).click()

    expect(page.get_by_role("status").filter(has_text="Uploaded Kartu Pelajar.pdf")).to_be_visible()
    expect(page.get_by_role("cell", name="Kartu Pelajar.pdf")).to_be_visible()
    shown = page.evaluate("JSON.parse(sessionStorage.getItem('uploadStatus'))")
    assert any(line.endswith("%") for line in shown), shown
    assert "Checking the file…" in shown
    assert File.objects.get().user == user

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "Kartu Pelajar.pdf"
    assert open(download.path(), "rb").read() == content

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("You have not uploaded any files yet.")).to_be_visible()
    assert not File.objects.exists()
    # Chromium reports a navigation that turns into a download as an aborted request.
    assert [error for error in console_errors if "/download/: net::ERR_ABORTED" not in error] == []


def test_a_refused_file_shows_the_servers_reason_without_leaving_the_page(files_page, tmp_path):
    page = files_page
    path = tmp_path / "kartu.pdf"
    path.write_bytes(samples.elf())

    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Upload", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("This type of file is not accepted")
    expect(page).to_have_url(re.compile(r"/dashboard/files/$"))
    expect(page.get_by_role("button", name="Upload", exact=True)).to_be_enabled()
    assert not File.objects.exists()


def test_a_file_over_the_limit_is_stopped_before_it_is_sent(files_page, tmp_path):
    page = files_page
    path = tmp_path / "besar.pdf"
    path.write_bytes(samples.pdf_of_size(django_settings.FILE_MAX_BYTES + 1))
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    page.get_by_label("File", exact=True).set_input_files(str(path))
    expect(page.get_by_role("alert")).to_contain_text("This file is too large")
    page.get_by_role("button", name="Upload", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("This file is too large")
    assert posts == []
    assert not File.objects.exists()
