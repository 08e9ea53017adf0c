import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:signup")
PASSWORD = "Kopi-Tubruk-2030"


def _data(**overrides):
    return {
        "email": "Siti.Rahma@Example.com",
        "full_name": "  Siti   Rahma ",
        "phone": "+62 812 3456 7890",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def test_signup_page_has_labelled_fields(en_client):
    page = en_client.get(URL).content.decode()
    for field in ("email", "full_name", "phone", "password1", "password2"):
        assert f'<label for="id_{field}"' in page


def test_signup_creates_the_account_logs_in_and_goes_to_the_dashboard(en_client):
    response = en_client.post(URL, _data())
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:dashboard")
    user = User.objects.get()
    assert (user.email, user.full_name, user.phone, user.role) == (
        "siti.rahma@example.com", "Siti Rahma", "+62 812 3456 7890", User.Role.USER,
    )
    assert en_client.get(reverse("registrations:dashboard")).wsgi_request.user == user


def test_signup_hashes_the_password_with_bcrypt(en_client):
    en_client.post(URL, _data())
    user = User.objects.get()
    assert user.password.startswith("bcrypt_sha256$")
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)


def test_signup_phone_is_optional(en_client):
    assert en_client.post(URL, _data(phone="")).status_code == 302
    assert User.objects.get().phone == ""


def test_signup_follows_a_safe_next_and_ignores_another_site(en_client):
    response = en_client.post(f"{URL}?next=/events/konser/", _data())
    assert response["Location"] == "/events/konser/"
    en_client.logout()
    response = en_client.post(URL, _data(email="lain@example.com", next="https://evil.example/"))
    assert response["Location"] == reverse("registrations:dashboard")


@pytest.mark.parametrize("email", ["peserta@example.com", "PESERTA@Example.COM"])
def test_signup_rejects_a_taken_email_in_any_case(en_client, email):
    UserFactory(email="peserta@example.com")
    response = en_client.post(URL, _data(email=email))
    assert response.status_code == 200
    assert "An account with this email address already exists." in response.content.decode()
    assert User.objects.count() == 1


def test_signup_with_empty_fields_explains_each_and_creates_nothing(en_client):
    response = en_client.post(URL, {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please correct the errors below." in page
    form = response.context["form"]
    assert set(form.errors) == {"email", "full_name", "password1", "password2"}
    # Each error is tied to its input for screen readers.
    assert 'aria-describedby="id_email_error"' in page
    assert 'id="id_email_error"' in page
    assert not User.objects.exists()


def test_signup_rejects_mismatched_and_weak_passwords(en_client):
    response = en_client.post(URL, _data(password2="something-else-2030"))
    assert "The two password fields didn’t match." in response.content.decode()
    response = en_client.post(URL, _data(password1="12345678", password2="12345678"))
    assert "This password is entirely numeric." in response.content.decode()
    assert not User.objects.exists()


def test_signup_rejects_a_bad_phone_and_email(en_client):
    response = en_client.post(URL, _data(phone="call me", email="not-an-email"))
    assert set(response.context["form"].errors) == {"phone", "email"}
    assert not User.objects.exists()


def test_signup_page_redirects_a_logged_in_user(en_client, user):
    en_client.force_login(user)
    assert en_client.get(URL)["Location"] == reverse("registrations:dashboard")


def test_signup_without_the_csrf_token_explains_and_creates_nothing():
    response = Client(enforce_csrf_checks=True, headers={"accept-language": "en"}).post(URL, _data())
    assert response.status_code == 403
    assert "page had expired or your browser blocked our cookie" in response.content.decode()
    assert not User.objects.exists()


def test_signups_past_the_rate_from_one_address_are_refused_with_429(en_client, settings):
    from accounts.models import User

    settings.AUTH_THROTTLE_RATE = "2/minute"
    for n in range(2):
        en_client.post(URL, {"email": f"a{n}@example.com", "full_name": "A", "password1": "x", "password2": "y"})

    response = en_client.post(
        URL, {"email": "budi@example.com", "full_name": "Budi", "password1": "Rahasia-123!", "password2": "Rahasia-123!"}
    )

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.filter(email="budi@example.com").exists()
