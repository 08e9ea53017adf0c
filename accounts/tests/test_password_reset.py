import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts import tasks
from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_reset")
NEW_PASSWORD = "Rendang-Enak-2031"

def _ask(client, email, capture):
    with capture(execute=True) as callbacks:
        response = client.post(URL, {"email": email})
    return response, callbacks


def _reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)


def test_reset_email_has_a_text_and_html_link_in_the_users_language(
    en_client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tiket.example.id"
    user = UserFactory(email="rina@example.com", full_name="Rina")
    response, _ = _ask(en_client, "RINA@example.com", django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Reset your EventHub password"
    assert "Hello Rina," in message.body
    html = message.alternatives[0].content
    assert _reset_link(message) in html
    assert message.body.count("https://tiket.example.id/accounts/reset/") == 1


def test_reset_email_defaults_to_indonesian(client, user, django_capture_on_commit_callbacks):
    _ask(client, user.email, django_capture_on_commit_callbacks)
    assert mail.outbox[0].subject == "Atur ulang kata sandi EventHub Anda"


def test_reset_is_sent_after_the_request_commits(en_client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        en_client.post(URL, {"email": user.email})
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_reset_link_sets_a_new_bcrypt_password_once(en_client, user, django_capture_on_commit_callbacks):
    _ask(en_client, user.email, django_capture_on_commit_callbacks)
    link = _reset_link(mail.outbox[0])
    form_page = en_client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = en_client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    saved = User.objects.get(pk=user.pk)
    assert saved.check_password(NEW_PASSWORD)
    assert saved.password.startswith("bcrypt_sha256$")
    again = en_client.get(link, follow=True).content.decode()
    assert "This link is no longer valid" in again


def test_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(en_client, django_capture_on_commit_callbacks):
    response, _ = _ask(en_client, "tidak.ada@example.com", django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_reset_with_an_empty_or_bad_email_says_so(en_client):
    assert "This field is required." in en_client.post(URL, {}).content.decode()
    assert "Enter a valid email address." in en_client.post(URL, {"email": "bukan-email"}).content.decode()
    assert mail.outbox == []


def test_reset_with_a_broken_mail_server_still_answers(
    en_client, user, broken_mail_server, django_capture_on_commit_callbacks
):
    response, _ = _ask(en_client, user.email, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_a_failed_reset_email_is_retried_later_by_the_worker(user, settings, broken_mail_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}}
    before = timezone.now()
    tasks.send_password_reset_email.call(str(user.pk), "id")
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs == {"args": [str(user.pk), "id"], "kwargs": {"attempt": 2}}
    assert retry.run_after >= before + datetime.timedelta(seconds=60)
