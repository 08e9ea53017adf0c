import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:login")


def test_login_with_email_and_password_goes_to_the_dashboard(en_client, user):
    response = en_client.post(URL, {"username": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("registrations:dashboard")
    assert en_client.session["_auth_user_id"] == str(user.pk)


def test_login_ignores_the_case_of_the_email(en_client):
    user = UserFactory(email="budi@example.com")
    en_client.post(URL, {"username": "Budi@Example.COM", "password": PASSWORD})
    assert en_client.session["_auth_user_id"] == str(user.pk)


def test_login_follows_next(en_client, user):
    response = en_client.post(f"{URL}?next=/events/", {"username": user.email, "password": PASSWORD, "next": "/events/"})
    assert response["Location"] == "/events/"


def test_login_refuses_a_wrong_password_with_a_clear_message(en_client, user):
    response = en_client.post(URL, {"username": user.email, "password": "salah"})
    assert response.status_code == 200
    assert "The email address or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in en_client.session


def test_login_refuses_an_inactive_account(en_client):
    user = UserFactory(is_active=False)
    en_client.post(URL, {"username": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in en_client.session


def test_login_with_empty_fields_says_what_is_missing(en_client):
    response = en_client.post(URL, {})
    assert set(response.context["form"].errors) == {"username", "password"}
    assert "This field is required." in response.content.decode()


def test_login_page_labels_the_email_field(en_client):
    page = en_client.get(URL).content.decode()
    assert '<label for="id_username">Email address:</label>' in page
    assert 'type="email"' in page


def test_login_attempts_past_the_rate_are_refused_with_429_and_a_wait(en_client, user, settings):
    settings.AUTH_THROTTLE_RATE = "3/minute"
    for _ in range(3):
        assert en_client.post(URL, {"username": user.email, "password": "salah"}).status_code == 200

    response = en_client.post(URL, {"username": user.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in en_client.session


def test_the_site_and_the_api_count_login_attempts_for_an_email_together(en_client, user, settings):
    from rest_framework.test import APIClient

    settings.AUTH_THROTTLE_RATE = "2/minute"
    en_client.post(URL, {"username": user.email, "password": "salah"})
    en_client.post(URL, {"username": user.email, "password": "salah"})

    api = APIClient(REMOTE_ADDR="10.1.2.3")
    answer = api.post("/api/v1/auth/login/", {"email": user.email, "password": PASSWORD}, format="json")

    assert answer.status_code == 429
    assert answer.json()["code"] == "throttled"
