"""Signing up (accounts.services.register_user): the same checks and messages on the site, the API and the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import services
from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE_MESSAGE = "Enter a phone number of digits, e.g. +62 812 3456 7890 or 0812 3456 7890."
EMAIL_MESSAGE = "An account with this email address already exists."
PASSWORD = "Kopi-Tubruk-2030"


def test_the_service_creates_a_tidy_account():
    user = services.register_user(email=" Siti@Example.COM ", password=PASSWORD, full_name=" Siti  Rahma ",
                                  phone="0812 3456 7890")
    assert (user.email, user.full_name, user.phone, user.role) == ("siti@example.com", "Siti Rahma", "0812 3456 7890", "user")
    assert user.check_password(PASSWORD)
    assert not services.register_user(email="tanpa@example.com", password=None, full_name="X").has_usable_password()


def test_the_service_refuses_a_bad_phone_and_a_taken_email():
    UserFactory(email="siti@example.com")
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            services.register_user(email="SITI@example.com", password=PASSWORD, full_name="Siti", phone="call me")
        assert refused.value.message_dict == {"email": [EMAIL_MESSAGE], "phone": [PHONE_MESSAGE]}
    assert User.objects.count() == 1


@pytest.mark.parametrize("phone", ["call me", "12", "+62 812 <script>"])
def test_the_api_signup_checks_the_phone_as_the_site_does(api_client, en_client, phone):
    response = api_client.post(
        "/api/v1/auth/register/", {"email": "ani@example.com", "password": PASSWORD, "full_name": "Ani", "phone": phone},
        format="json", HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"phone": [PHONE_MESSAGE]}
    site = en_client.post(reverse("accounts:signup"), {
        "email": "ani@example.com", "full_name": "Ani", "phone": phone, "password1": PASSWORD, "password2": PASSWORD,
    })
    assert site.context["form"].errors == {"phone": [PHONE_MESSAGE]}
    assert not User.objects.exists()


def test_the_api_profile_and_user_management_check_the_phone(client_for, user, staff):
    for client, url in ((client_for(user), "/api/v1/auth/me/"), (client_for(staff), f"/api/v1/users/{user.pk}/")):
        response = client.patch(url, {"phone": "call me"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert (response.status_code, response.json()["fields"]) == (400, {"phone": [PHONE_MESSAGE]})


def test_the_admin_checks_the_phone(staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    response = client.post(reverse("admin:accounts_user_add"), {
        "email": "dewi@example.com", "full_name": "Dewi", "phone": "call me", "role": "user",
        "usable_password": "false",
    })
    assert response.status_code == 200
    assert PHONE_MESSAGE in response.content.decode()
    assert not User.objects.filter(email="dewi@example.com").exists()
    response = client.post(reverse("admin:accounts_user_add"), {
        "email": "dewi@example.com", "full_name": " Dewi  Lestari", "phone": "0812 3456 7890", "role": "user",
        "usable_password": "false",
    })
    assert response.status_code == 302
    dewi = User.objects.get(email="dewi@example.com")
    assert (dewi.full_name, dewi.has_usable_password()) == ("Dewi Lestari", False)
