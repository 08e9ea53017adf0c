import pytest
from django.urls import reverse

from events.models import Ticket
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status



def _cancel(client, registration):
    return client.post(reverse("registrations:cancel", kwargs={"pk": registration.pk}), follow=True)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_cancel_a_pending_registration_releases_its_seat(logged_in, user):
    registration = RegistrationFactory(user=user)
    response = _cancel(logged_in, registration)
    assert response.redirect_chain[-1][0] == reverse("registrations:dashboard")
    assert _messages(response) == [f"Your registration for {registration.event.title} has been cancelled."]
    registration.refresh_from_db()
    assert (registration.status, registration.cancel_reason) == (Status.CANCELLED, Registration.CancelReason.USER)
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 0


def test_cancel_twice_changes_nothing_the_second_time(logged_in, user):
    registration = RegistrationFactory(user=user)
    _cancel(logged_in, registration)
    response = _cancel(logged_in, registration)
    assert _messages(response) == ["This registration was already cancelled."]
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 0


def test_a_paid_registration_cannot_be_cancelled_by_the_attendee(logged_in, user):
    registration = RegistrationFactory(user=user, paid=True)
    response = _cancel(logged_in, registration)
    assert _messages(response) == ["A paid registration can only be cancelled by the organiser."]
    registration.refresh_from_db()
    assert registration.status == Status.PAID
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 1


def test_cancelling_another_users_registration_is_404(logged_in):
    registration = RegistrationFactory()
    assert _cancel(logged_in, registration).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Status.PENDING


def test_cancel_asks_for_confirmation_first_and_changes_nothing(logged_in, user):
    registration = RegistrationFactory(user=user)
    url = reverse("registrations:cancel", kwargs={"pk": registration.pk})
    response = logged_in.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and "Cancel this registration?" in page
    assert f'action="{url}"' in page and "Keep my registration" in page
    registration.refresh_from_db()
    assert registration.status == Status.PENDING
    assert Ticket.objects.get(pk=registration.ticket_id).sold == 1


def test_the_dashboard_links_to_the_confirmation_instead_of_cancelling_at_once(logged_in, user):
    registration = RegistrationFactory(user=user)
    page = logged_in.get(reverse("registrations:dashboard")).content.decode()
    url = reverse("registrations:cancel", kwargs={"pk": registration.pk})
    assert f'href="{url}"' in page and f'action="{url}"' not in page


def test_cancel_page_of_a_paid_registration_goes_to_the_ticket(logged_in, user):
    registration = RegistrationFactory(user=user, paid=True)
    response = logged_in.get(reverse("registrations:cancel", kwargs={"pk": registration.pk}))
    assert response["Location"] == reverse("registrations:detail", kwargs={"pk": registration.pk})
