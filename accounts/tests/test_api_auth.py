"""auth/register, login, refresh, logout, me: JWT rotation, blacklist, the refresh cookie, throttling."""

import datetime

import pytest
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTER, LOGIN, REFRESH, LOGOUT, ME = (f"/api/v1/auth/{name}/" for name in ("register", "login", "refresh", "logout", "me"))


def _login(client, user):
    response = client.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.json()
    return response


def test_register_creates_an_account_without_tokens(api_client):
    response = api_client.post(
        REGISTER, {"email": "Sari@Example.com", "password": "kopi-tubruk-2026", "full_name": "Sari Dewi"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "sari@example.com"
    assert body["role"] == "user"
    assert "password" not in body
    user = User.objects.get(pk=body["id"])
    assert user.check_password("kopi-tubruk-2026")


def test_register_refuses_a_duplicate_email_case_insensitively(api_client, user):
    response = api_client.post(
        REGISTER, {"email": user.email.upper(), "password": "kopi-tubruk-2026", "full_name": "X"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "email" in response.json()["fields"]
    assert User.objects.count() == 1


def test_register_refuses_a_weak_password_and_ignores_role(api_client):
    response = api_client.post(REGISTER, {"email": "a@example.com", "password": "123", "full_name": "A"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["fields"]
    response = api_client.post(
        REGISTER,
        {"email": "b@example.com", "password": "kopi-tubruk-2026", "full_name": "B", "role": "admin"},
        format="json",
    )
    assert response.json()["role"] == "user"


def test_login_returns_a_pair_the_user_and_the_refresh_cookie(api_client, user):
    response = _login(api_client, user)
    body = response.json()
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"]["id"] == str(user.pk)
    cookie = response.cookies["eh_refresh"]
    assert cookie.value == body["refresh"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/api/v1/auth/"
    me = api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.status_code == 200 and me.json()["email"] == user.email


def test_refresh_cookie_is_secure_unless_debug_over_http(api_client, user, settings):
    settings.DEBUG = False
    assert _login(api_client, user).cookies["eh_refresh"]["secure"]
    settings.DEBUG = True
    assert not _login(api_client, user).cookies["eh_refresh"]["secure"]


def test_login_refuses_a_wrong_password_and_an_inactive_account(api_client, user):
    response = api_client.post(LOGIN, {"email": user.email, "password": "salah"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    user.is_active = False
    user.save()
    response = api_client.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 401


def test_refresh_rotates_and_the_old_token_is_refused(api_client, user):
    old = _login(api_client, user).json()["refresh"]
    response = api_client.post(REFRESH, {"refresh": old}, format="json")
    assert response.status_code == 200
    new = response.json()
    assert set(new) == {"access", "refresh"} and new["refresh"] != old
    again = api_client.post(REFRESH, {"refresh": old}, format="json")
    assert again.status_code == 401
    assert again.json()["code"] == "token_not_valid"
    assert api_client.post(REFRESH, {"refresh": new["refresh"]}, format="json").status_code == 200


def test_refresh_reads_the_cookie_when_the_body_has_none(api_client, user):
    _login(api_client, user)
    response = api_client.post(REFRESH, {}, format="json")
    assert response.status_code == 200
    assert response.cookies["eh_refresh"].value == response.json()["refresh"]


def test_refresh_without_any_token_is_401(api_client):
    response = api_client.post(REFRESH, {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_refresh_for_a_deactivated_user_is_refused(api_client, user):
    refresh = _login(api_client, user).json()["refresh"]
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = api_client.post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"


def test_logout_blacklists_the_refresh_token(api_client, user):
    pair = _login(api_client, user).json()
    api_client.cookies.clear()
    response = api_client.post(
        LOGOUT, {"refresh": pair["refresh"]}, format="json", HTTP_AUTHORIZATION=f"Bearer {pair['access']}"
    )
    assert response.status_code == 204
    refused = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_not_valid"


def test_logout_by_cookie_clears_it(api_client, user):
    pair = _login(api_client, user).json()
    response = api_client.post(LOGOUT, {}, format="json")
    assert response.status_code == 204
    assert response.cookies["eh_refresh"].value == ""
    assert response.cookies["eh_refresh"]["max-age"] == 0
    assert api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401


def test_logout_anonymous_without_a_token_is_401(api_client):
    response = api_client.post(LOGOUT, {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_expired_access_token_is_401_token_expired(api_client, user):
    token = AccessToken.for_user(user)
    token.set_exp(from_time=timezone.now() - datetime.timedelta(hours=1))
    response = api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_forged_access_token_is_401_token_not_valid(api_client, user):
    token = str(AccessToken.for_user(user))
    response = api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token[:-2]}xx")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_refresh_token_is_not_an_access_token(api_client, user):
    refresh = _login(api_client, user).json()["refresh"]
    assert api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {refresh}").status_code == 401


def test_me_requires_authentication(api_client):
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_me_patch_changes_the_profile_and_ignores_role(client_for, user):
    response = client_for(user).patch(ME, {"full_name": "Nama Baru", "phone": "+62 811 2222", "role": "admin"}, format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.role) == ("Nama Baru", "+62 811 2222", "user")


def test_login_is_throttled_per_account(api_client, user, settings):
    settings.AUTH_THROTTLE_RATE = "3/minute"
    for n in range(3):
        api_client.post(LOGIN, {"email": user.email, "password": "salah"}, format="json", REMOTE_ADDR=f"10.0.0.{n}")
    response = api_client.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "Retry-After" in response.headers


def test_login_and_register_are_throttled_per_ip(api_client, settings):
    settings.AUTH_THROTTLE_RATE = "3/minute"
    users = UserFactory.create_batch(3)
    for user in users:
        assert _login(api_client, user).status_code == 200
    response = api_client.post(
        REGISTER, {"email": "baru@example.com", "password": "kopi-tubruk-2026", "full_name": "Baru"}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert not User.objects.filter(email="baru@example.com").exists()


def test_auth_endpoints_take_json_only(api_client, user):
    """A cross-site HTML form cannot log a browser in behind its back."""
    response = api_client.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="multipart")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert "eh_refresh" not in response.cookies


def test_a_token_of_a_deleted_user_is_401_user_not_found(api_client, user):
    token = AccessToken.for_user(user)
    User.objects.filter(pk=user.pk).delete()
    response = api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert response.json()["code"] == "user_not_found"
