"""Every time shown on the site, in emails and in the admin is in the event's zone, with its label (issue 15, defect 2)."""

import datetime
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from events.tests.factories import EventFactory, TicketFactory
from payments.models import Payment
from registrations import emails as registration_emails
from registrations import services as registration_services
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def _clock(moment: datetime.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """Return a moment's time of day as the Indonesian pages write it: `20.52`."""
    local = moment.astimezone(zone)
    return f"{local.hour}.{local:%M}"


@pytest.fixture
def bali_hold(user):
    """A pending registration for a WITA event (Bali), held for the usual window."""
    event = EventFactory(title="Festival Senja Bali", timezone="Asia/Makassar", location="Pantai Melasti")
    return registration_services.reserve(ticket=TicketFactory(event=event), user=user)


def _indonesian(user) -> Client:
    client = Client(headers={"accept-language": "id"})
    client.force_login(user)
    return client


def _wita(moment) -> str:
    return f"{_clock(moment, MAKASSAR)} WITA"


def test_the_checkout_deadline_is_in_the_events_zone_with_its_label(bali_hold):
    page = _indonesian(bali_hold.user).get(f"/checkout/{bali_hold.pk}/").content.decode()
    assert f"Kursi Anda ditahan hingga pukul {_wita(bali_hold.expires_at)}" in page
    assert _clock(bali_hold.expires_at, JAKARTA) not in page


def test_the_pending_page_deadline_is_in_the_events_zone_with_its_label(bali_hold):
    Payment.objects.create(
        registration=bali_hold, provider="xendit", order_id="EH-tz-pending", amount=bali_hold.amount,
        status=Payment.Status.FAILED, expires_at=bali_hold.expires_at,
    )
    page = _indonesian(bali_hold.user).get(f"/checkout/{bali_hold.pk}/pending/").content.decode()
    assert _wita(bali_hold.expires_at) in page


def test_the_gateway_down_message_names_the_deadline_in_the_events_zone(bali_hold, settings):
    from payments import attempts

    settings.MIDTRANS_SNAP_BASE_URL = "http://127.0.0.1:9"
    settings.PAYMENT_CONNECT_TIMEOUT = 2.0
    with pytest.raises(attempts.PaymentError) as excinfo:
        attempts.start_payment(registration=bali_hold, provider="midtrans")
    assert _wita(bali_hold.expires_at) in str(excinfo.value.message)


def test_the_registration_email_deadline_is_in_the_events_zone(bali_hold):
    message = registration_emails.build(registration=bali_hold, kind="received")
    assert _wita(bali_hold.expires_at) in message.body


def test_the_admin_shows_a_registrations_times_in_its_events_zone(staff):
    paid_at = datetime.datetime(2031, 4, 1, 12, 30, tzinfo=datetime.UTC)  # 20.30 WITA, 19.30 WIB
    event = EventFactory(timezone="Asia/Makassar")
    registration = RegistrationFactory(ticket=TicketFactory(event=event), paid=True, paid_at=paid_at)
    payment = Payment.objects.create(
        registration=registration, provider="midtrans", order_id="EH-tz-admin", amount=registration.amount,
        status=Payment.Status.PAID, paid_at=paid_at, payment_method="qris",
    )
    Payment.objects.filter(pk=payment.pk).update(created_at=paid_at)
    client = _indonesian(staff)

    registration_page = client.get(f"/admin/registrations/registration/{registration.pk}/change/").content.decode()
    payments_list = client.get("/admin/payments/payment/").content.decode()
    payment_page = client.get(f"/admin/payments/payment/{payment.pk}/change/").content.decode()

    assert "1 April 2031, 20.30 WITA" in registration_page
    assert "1 Apr 2031 20:30 WITA" in payments_list
    assert "1 April 2031, 20.30 WITA" in payment_page
    for page in (registration_page, payments_list, payment_page):
        assert "19.30" not in page and "19:30" not in page


def test_times_shown_with_the_default_format_carry_their_zone(staff):
    # The users list has no event: its times are the server's (WIB), and say so.
    page = _indonesian(staff).get("/admin/accounts/user/").content.decode()
    created = timezone.localtime(staff.created_at)
    assert f"{created.day} " in page and f"{created.hour}.{created:%M} WIB" in page
