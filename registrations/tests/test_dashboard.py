import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.tests.factories import EventFactory, TicketFactory
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

URL = reverse("registrations:dashboard")



def test_dashboard_needs_login(en_client):
    assert en_client.get(URL)["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_dashboard_lists_only_my_registrations_with_status_and_time(logged_in, user):
    event = EventFactory(
        title="Festival Makassar", timezone="Asia/Makassar",
        event_date=datetime.datetime(2031, 5, 1, 2, 0, tzinfo=datetime.UTC),
    )
    paid = RegistrationFactory(user=user, ticket=TicketFactory(event=event), paid=True)
    pending = RegistrationFactory(user=user, ticket=TicketFactory(event=EventFactory(title="Seminar AI")))
    RegistrationFactory(ticket=TicketFactory(event=EventFactory(title="Acara Orang Lain")))
    page = logged_in.get(URL).content.decode()
    assert "Festival Makassar" in page and "Seminar AI" in page
    assert "Acara Orang Lain" not in page
    assert "May 1, 2031, 10 a.m. WITA" in page
    assert "Paid" in page and "Waiting for payment" in page
    assert reverse("registrations:qr_png", kwargs={"pk": paid.pk}) in page
    assert reverse("registrations:qr_png", kwargs={"pk": pending.pk}) not in page
    assert reverse("registrations:cancel", kwargs={"pk": pending.pk}) in page
    assert reverse("registrations:cancel", kwargs={"pk": paid.pk}) not in page


def test_dashboard_links_a_pending_registration_to_its_checkout(logged_in, user, checkout_hook):
    pending = RegistrationFactory(user=user)
    paid = RegistrationFactory(user=user, paid=True)
    page = logged_in.get(URL).content.decode()
    assert f'href="/checkout/{pending.pk}/"' in page
    assert f"/checkout/{paid.pk}/" not in page


def test_dashboard_shows_an_expired_hold_as_expired_history_without_pay_or_cancel(logged_in, user, checkout_hook):
    # No expiry job has run: the dashboard itself must not count the hold as a ticket.
    stale = RegistrationFactory(user=user, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    page = logged_in.get(URL).content.decode()
    upcoming, history = page.split('id="history-heading"')
    assert "You have no upcoming tickets." in upcoming
    assert '<span class="badge">Expired</span>' in history
    assert f"/checkout/{stale.pk}/" not in page
    assert reverse("registrations:cancel", kwargs={"pk": stale.pk}) not in page
    stale.refresh_from_db()
    assert (stale.status, stale.cancel_reason) == ("cancelled", "expired")
    assert stale.ticket.__class__.objects.get(pk=stale.ticket_id).sold == 0


def test_dashboard_puts_cancelled_and_past_registrations_in_the_history(logged_in, user):
    RegistrationFactory(user=user, status="cancelled", cancel_reason="user", expires_at=None,
                        ticket=TicketFactory(event=EventFactory(title="Batal")))
    past = EventFactory(title="Sudah Lewat", event_date=timezone.now() - datetime.timedelta(days=1))
    RegistrationFactory(user=user, ticket=TicketFactory(event=past), paid=True)
    response = logged_in.get(URL)
    assert response.context["current"] == []
    assert [item["registration"].event.title for item in response.context["history"]] == ["Sudah Lewat", "Batal"]
    assert "You have no upcoming tickets." in response.content.decode()


def test_dashboard_of_a_new_user_invites_to_browse(en_client):
    en_client.force_login(UserFactory())
    assert "You have no upcoming tickets." in en_client.get(URL).content.decode()


def test_dashboard_labels_a_free_ticket_free_and_a_used_ticket_used(logged_in, user):
    from checkins.tests.factories import CheckinFactory
    from events.tests.factories import FreeTicketFactory

    RegistrationFactory(user=user, ticket=FreeTicketFactory(event=EventFactory(title="Meetup Gratis")), paid=True)
    used = RegistrationFactory(user=user, ticket=TicketFactory(event=EventFactory(title="Konser Dipakai")), paid=True)
    CheckinFactory(registration=used)
    page = logged_in.get(URL).content.decode()
    assert page.count(">Free ticket</span>") == 1
    assert page.count(">Used at the door</span>") == 1
    assert ">Paid</span>" not in page
    detail = logged_in.get(reverse("registrations:detail", kwargs={"pk": used.pk})).content.decode()
    assert "Admitted at the door on" in detail
