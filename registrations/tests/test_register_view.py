import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Ticket
from events.tests.factories import EventFactory, FreeTicketFactory, TicketFactory
from registrations.models import Registration
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status




def _register(client, ticket, **extra):
    url = reverse("registrations:register", kwargs={"slug": ticket.event.slug})
    return client.post(url, {"ticket": str(ticket.pk), **extra}, follow=True)


def _sold(ticket) -> int:
    return Ticket.objects.get(pk=ticket.pk).sold


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_free_ticket_goes_to_its_ticket_page_with_the_qr(logged_in, user, django_capture_on_commit_callbacks):
    ticket = FreeTicketFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(logged_in, ticket)
    registration = Registration.objects.get(user=user)
    assert registration.status == Status.PAID
    assert response.redirect_chain[-1][0] == reverse("registrations:detail", kwargs={"pk": registration.pk})
    page = response.content.decode()
    assert reverse("registrations:qr_png", kwargs={"pk": registration.pk}) in page
    assert registration.qr_code in page
    assert "You are registered." in page
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert _sold(ticket) == 1


def test_paid_ticket_goes_to_the_payment_apps_checkout(logged_in, user, checkout_hook):
    ticket = TicketFactory()
    url = reverse("registrations:register", kwargs={"slug": ticket.event.slug})
    response = logged_in.post(url, {"ticket": str(ticket.pk)})
    registration = Registration.objects.get(user=user)
    assert registration.status == Status.PENDING
    assert response["Location"] == f"/checkout/{registration.pk}/"


def test_paid_ticket_without_a_payment_app_stays_pending_with_a_clear_message(logged_in, user, no_payment_app):
    ticket = TicketFactory()
    response = _register(logged_in, ticket)
    registration = Registration.objects.get(user=user)
    assert registration.status == Status.PENDING
    assert response.redirect_chain[-1][0] == reverse("registrations:detail", kwargs={"pk": registration.pk})
    assert "Online payment is not available yet" in " ".join(_messages(response))
    page = response.content.decode()
    assert "Waiting for payment" in page
    assert reverse("registrations:qr_png", kwargs={"pk": registration.pk}) not in page


def test_anonymous_visitor_is_sent_to_log_in_and_back_to_the_event(en_client):
    ticket = FreeTicketFactory()
    url = reverse("registrations:register", kwargs={"slug": ticket.event.slug})
    response = en_client.post(url, {"ticket": str(ticket.pk)})
    assert response["Location"] == f"{reverse('accounts:login')}?next={ticket.event.get_absolute_url()}"
    assert not Registration.objects.exists()
    assert _sold(ticket) == 0


def test_registering_twice_explains_and_changes_nothing(logged_in, user):
    ticket = FreeTicketFactory()
    _register(logged_in, ticket)
    response = _register(logged_in, ticket)
    held = Registration.objects.get(user=user)
    # They land on the ticket they hold, not back on the event page to look for it.
    assert response.redirect_chain[-1][0] == reverse("registrations:detail", kwargs={"pk": held.pk})
    assert _messages(response) == ["You already have a ticket for this event."]
    assert Registration.objects.filter(user=user).count() == 1
    assert _sold(ticket) == 1


def test_sold_out_ticket_explains_and_changes_nothing(logged_in, user):
    ticket = TicketFactory(quota=1)
    RegistrationFactory(ticket=ticket)
    response = _register(logged_in, ticket)
    assert _messages(response) == ["This ticket is sold out."]
    assert "This ticket is sold out." in response.content.decode()
    assert not Registration.objects.filter(user=user).exists()
    assert _sold(ticket) == 1


@pytest.mark.parametrize(
    "event_kwargs, ticket_kwargs, message",
    [
        ({"event_date": timezone.now() - datetime.timedelta(hours=1)}, {}, "This event has already taken place."),
        ({}, {"sales_end": timezone.now() - datetime.timedelta(hours=1)}, "Sales for this ticket have ended."),
        ({}, {"sales_start": timezone.now() + datetime.timedelta(days=1)},
         "Sales for this ticket have not started yet."),
    ],
    ids=["past-event", "sales-ended", "sales-not-started"],
)
def test_closed_sales_explain_and_change_nothing(logged_in, user, event_kwargs, ticket_kwargs, message):
    ticket = TicketFactory(event=EventFactory(**event_kwargs), **ticket_kwargs)
    response = _register(logged_in, ticket)
    assert response.status_code == 200
    assert _messages(response) == [message]
    assert not Registration.objects.exists()
    assert _sold(ticket) == 0


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "Choose a ticket type to register."),
        ("not-a-uuid", "That ticket type is not offered for this event."),
        ("00000000-0000-0000-0000-000000000000", "That ticket type is not offered for this event."),
    ],
    ids=["empty", "malformed", "unknown"],
)
def test_a_missing_or_unknown_ticket_explains_and_changes_nothing(logged_in, value, message):
    ticket = TicketFactory()
    url = reverse("registrations:register", kwargs={"slug": ticket.event.slug})
    response = logged_in.post(url, {"ticket": value}, follow=True)
    assert response.status_code == 200
    assert _messages(response) == [message]
    assert not Registration.objects.exists()
    assert _sold(ticket) == 0


def test_a_ticket_of_another_event_is_refused(logged_in):
    ticket = TicketFactory()
    other = EventFactory()
    url = reverse("registrations:register", kwargs={"slug": other.slug})
    response = logged_in.post(url, {"ticket": str(ticket.pk)}, follow=True)
    assert _messages(response) == ["That ticket type is not offered for this event."]
    assert not Registration.objects.exists()


def test_an_unknown_or_inactive_event_is_404(logged_in):
    assert logged_in.post(reverse("registrations:register", kwargs={"slug": "tidak-ada"})).status_code == 404
    ticket = TicketFactory(event=EventFactory(is_active=False))
    assert _register(logged_in, ticket).status_code == 404
    assert not Registration.objects.exists()


def test_register_by_get_is_refused(logged_in):
    ticket = TicketFactory()
    assert logged_in.get(reverse("registrations:register", kwargs={"slug": ticket.event.slug})).status_code == 405


def test_a_broken_mail_server_does_not_fail_registering_on_the_site(
    logged_in, user, broken_mail_server, django_capture_on_commit_callbacks
):
    ticket = FreeTicketFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(logged_in, ticket)
    registration = Registration.objects.get(user=user)
    assert response.redirect_chain[-1][0] == reverse("registrations:detail", kwargs={"pk": registration.pk})
    assert registration.status == Status.PAID
    assert _sold(ticket) == 1
