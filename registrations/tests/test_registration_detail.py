import io

import pytest
from django.urls import reverse
from PIL import Image

from registrations import qr
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _url(name, registration):
    return reverse(f"registrations:{name}", kwargs={"pk": registration.pk})



def test_owner_sees_the_paid_ticket_with_its_qr(logged_in, user):
    registration = RegistrationFactory(user=user, paid=True)
    page = logged_in.get(_url("detail", registration)).content.decode()
    assert registration.event.title in page
    assert f'<img src="{_url("qr_png", registration)}"' in page
    assert registration.qr_code in page


def test_qr_png_is_the_signed_code_as_an_image(logged_in, user):
    registration = RegistrationFactory(user=user, paid=True)
    response = logged_in.get(_url("qr_png", registration))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "private" in response["Cache-Control"]
    assert response.content == qr.render_png(registration.qr_code)
    assert Image.open(io.BytesIO(response.content)).size[0] > 100


def test_qr_svg_is_an_svg_document(logged_in, user):
    registration = RegistrationFactory(user=user, paid=True)
    response = logged_in.get(_url("qr_svg", registration))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.decode() == qr.render_svg(registration.qr_code)


@pytest.mark.parametrize("name", ["detail", "qr_png", "qr_svg"])
def test_another_users_registration_is_404(logged_in, name):
    registration = RegistrationFactory(paid=True)
    assert logged_in.get(_url(name, registration)).status_code == 404


@pytest.mark.parametrize("name", ["detail", "qr_png", "qr_svg"])
def test_staff_may_see_any_ticket(en_client, staff, name):
    en_client.force_login(staff)
    assert en_client.get(_url(name, RegistrationFactory(paid=True))).status_code == 200


@pytest.mark.parametrize("name", ["qr_png", "qr_svg"])
def test_an_unpaid_registration_has_no_qr_image(logged_in, user, name):
    assert logged_in.get(_url(name, RegistrationFactory(user=user))).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(en_client):
    registration = RegistrationFactory(paid=True)
    assert en_client.get(_url("qr_png", registration)).status_code == 302
    assert en_client.get(_url("detail", registration)).status_code == 302


def test_a_cancelled_registration_says_so_and_shows_no_qr(logged_in, user):
    registration = RegistrationFactory(user=user, status="cancelled", cancel_reason="expired", expires_at=None)
    page = logged_in.get(_url("detail", registration)).content.decode()
    assert "This registration has been cancelled." in page
    assert "Payment window expired" in page
    assert _url("qr_png", registration) not in page
