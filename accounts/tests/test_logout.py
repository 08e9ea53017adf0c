import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("accounts:logout")


def test_logout_by_post_ends_the_session_and_goes_home(en_client, user):
    en_client.force_login(user)
    response = en_client.post(URL, follow=True)
    assert response.redirect_chain == [(reverse("events:home"), 302)]
    assert "You have logged out." in response.content.decode()
    assert "_auth_user_id" not in en_client.session


def test_logout_by_get_is_refused(en_client, user):
    en_client.force_login(user)
    assert en_client.get(URL).status_code == 405
    assert en_client.session["_auth_user_id"] == str(user.pk)
