import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:profile")



def _saved(user) -> User:
    return User.objects.get(pk=user.pk)


def test_profile_needs_login(en_client):
    response = en_client.get(URL)
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_profile_shows_the_current_values(logged_in, user):
    page = logged_in.get(URL).content.decode()
    assert f'value="{user.email}"' in page
    assert f'value="{user.phone}"' in page


def test_profile_saves_name_and_phone(logged_in, user):
    response = logged_in.post(URL, {"full_name": "Dewi  Lestari", "phone": "0812 1111 2222", "email": user.email})
    assert response["Location"] == URL
    saved = _saved(user)
    assert (saved.full_name, saved.phone) == ("Dewi Lestari", "0812 1111 2222")
    assert "Your profile has been saved." in logged_in.get(URL).content.decode()


def test_profile_changes_the_email_with_the_current_password(logged_in, user):
    logged_in.post(URL, {"full_name": user.full_name, "email": "Baru@Example.com", "current_password": PASSWORD})
    assert _saved(user).email == "baru@example.com"


def test_profile_email_change_without_the_password_changes_nothing(logged_in, user):
    response = logged_in.post(URL, {"full_name": "Nama Baru", "email": "baru@example.com"})
    assert "Enter your current password to change your email address." in response.content.decode()
    response = logged_in.post(URL, {"full_name": "Nama Baru", "email": "baru@example.com", "current_password": "salah"})
    assert "Your current password is not correct." in response.content.decode()
    saved = _saved(user)
    assert (saved.email, saved.full_name) == (user.email, user.full_name)


def test_profile_rejects_an_email_of_another_account_in_any_case(logged_in, user):
    UserFactory(email="dipakai@example.com")
    response = logged_in.post(
        URL, {"full_name": user.full_name, "email": "DIPAKAI@example.com", "current_password": PASSWORD}
    )
    assert "An account with this email address already exists." in response.content.decode()
    assert _saved(user).email == user.email


def test_profile_keeps_the_email_when_only_its_case_differs(logged_in, user):
    response = logged_in.post(URL, {"full_name": user.full_name, "email": user.email.upper()})
    assert response.status_code == 302
    assert _saved(user).email == user.email


def test_profile_with_empty_fields_explains_and_changes_nothing(logged_in, user):
    response = logged_in.post(URL, {})
    assert set(response.context["form"].errors) == {"full_name", "email"}
    assert "This field is required." in response.content.decode()
    saved = _saved(user)
    assert (saved.email, saved.full_name, saved.phone) == (user.email, user.full_name, user.phone)


def test_password_change_keeps_the_session_and_uses_bcrypt(logged_in, user):
    response = logged_in.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Sate-Padang-2031", "new_password2": "Sate-Padang-2031"},
    )
    assert response["Location"] == URL
    saved = _saved(user)
    assert saved.check_password("Sate-Padang-2031")
    assert saved.password.startswith("bcrypt_sha256$")
    assert logged_in.get(URL).status_code == 200


def test_password_change_with_a_wrong_old_password_changes_nothing(logged_in, user):
    response = logged_in.post(
        reverse("accounts:password_change"),
        {"old_password": "salah", "new_password1": "Sate-Padang-2031", "new_password2": "Sate-Padang-2031"},
    )
    assert "old_password" in response.context["form"].errors
    assert _saved(user).check_password(PASSWORD)
