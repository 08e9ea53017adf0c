"""A changed password revokes the account's API refresh tokens, wherever it is changed."""

import io

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sate-Padang-2031"


def _refresh_token(user, password: str = PASSWORD) -> str:
    """Log in to the API (a device of its own) and return its refresh token."""
    response = APIClient().post("/api/v1/auth/login/", {"email": user.email, "password": password}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()["refresh"]


def _refresh(raw: str):
    return APIClient().post("/api/v1/auth/refresh/", {"refresh": raw}, format="json")


def test_changing_the_password_on_the_site_revokes_every_refresh_token(logged_in, user):
    phone, laptop = _refresh_token(user), _refresh_token(user)

    response = logged_in.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    for device in (phone, laptop):
        refused = _refresh(device)
        assert (refused.status_code, refused.json()["code"]) == (401, "token_not_valid")
    # The new password logs in, and its tokens work.
    assert _refresh(_refresh_token(user, NEW_PASSWORD)).status_code == 200


def test_a_password_reset_revokes_them_too(en_client, user):
    before = _refresh_token(user)
    link = reverse("accounts:password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user),
    })
    form_page = en_client.get(link, follow=True)

    response = en_client.post(form_page.redirect_chain[-1][0],
                              {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert _refresh(before).status_code == 401


def test_an_admin_setting_the_password_revokes_them_too(staff_client, user):
    before = _refresh_token(user)

    response = staff_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _refresh(before).status_code == 401


def test_a_rehash_on_login_and_other_saves_keep_the_tokens(user):
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    kept = _refresh_token(user)
    assert Client().login(username=user.email, password=PASSWORD)  # upgrades the hash to bcrypt
    account = User.objects.get(pk=user.pk)
    assert account.password.startswith("bcrypt_sha256$")
    account.full_name = "Nama Baru"
    account.save()

    assert _refresh(kept).status_code == 200


def test_changepassword_revokes_them(user, monkeypatch):
    before = _refresh_token(user)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)

    call_command("changepassword", user.email, stdout=io.StringIO())

    assert _refresh(before).status_code == 401
