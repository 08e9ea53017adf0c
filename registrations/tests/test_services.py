import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from events.models import Ticket
from events.tests.factories import EventFactory, FreeTicketFactory, TicketFactory
from registrations import qr, services
from registrations.models import Registration
from registrations.services import RegistrationError
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


def _sold(ticket) -> int:
    return Ticket.objects.get(pk=ticket.pk).sold


def test_reserve_paid_ticket_creates_pending_with_a_hold(user, settings):
    settings.PAYMENT_WINDOW_MINUTES = 30
    ticket = TicketFactory(price=Decimal("150000"))
    before = timezone.now()
    registration = services.reserve(ticket=ticket, user=user)
    assert registration.status == Status.PENDING
    assert registration.amount == Decimal("150000")
    assert before + datetime.timedelta(minutes=29) < registration.expires_at <= timezone.now() + datetime.timedelta(minutes=30)
    assert qr.verify(registration.qr_code) == registration.id
    assert _sold(ticket) == 1


def test_reserve_free_ticket_is_paid_at_once_and_emails_the_ticket(user, django_capture_on_commit_callbacks):
    ticket = FreeTicketFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.reserve(ticket=ticket, user=user)
    assert registration.status == Status.PAID
    assert registration.paid_at is not None
    assert registration.expires_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert registration.qr_code in message.body
    attachments = [a for a in message.attachments if getattr(a, "mimetype", "") == "image/png" or (isinstance(a, tuple) and a[2] == "image/png")]
    assert attachments, "the QR ticket is attached as a PNG"
    assert "cid:ticket-qr" in message.alternatives[0].content
    # The image parts as a mail client sees them: the QR inline under the cid the HTML names, and attached.
    png = qr.render_png(registration.qr_code, box_size=8)
    images = {
        part.get_content_disposition(): part
        for part in message.message().walk()
        if part.get_content_type() == "image/png"
    }
    assert images["inline"]["Content-ID"] == "<ticket-qr>"
    # Inline beside the HTML (multipart/related), so every client resolves the cid.
    related = next(p for p in message.message().walk() if p.get_content_type() == "multipart/related")
    assert [p.get_content_type() for p in related.iter_parts()] == ["text/html", "image/png"]
    assert images["inline"].get_payload(decode=True) == png
    assert images["attachment"].get_filename() == f"tiket-{ticket.event.slug}.png"
    assert images["attachment"].get_payload(decode=True) == png


def test_reserve_rejects_when_sold_out(user):
    ticket = TicketFactory(quota=1)
    RegistrationFactory(ticket=ticket)
    with pytest.raises(RegistrationError) as excinfo:
        services.reserve(ticket=ticket, user=user)
    assert excinfo.value.code == "sold_out"
    assert _sold(ticket) == 1
    assert not Registration.objects.filter(user=user).exists()


def test_reserve_releases_expired_holds_when_sold_out(user):
    ticket = TicketFactory(quota=1)
    stale = RegistrationFactory(ticket=ticket, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    registration = services.reserve(ticket=ticket, user=user)
    assert registration.status == Status.PENDING
    stale.refresh_from_db()
    assert stale.status == Status.CANCELLED
    assert stale.cancel_reason == Registration.CancelReason.EXPIRED
    assert _sold(ticket) == 1


def test_reserve_lets_a_buyer_whose_hold_ran_out_buy_again(user):
    # The last seat, held by this buyer until a minute ago; no expiry job has run.
    ticket = TicketFactory(quota=1)
    stale = RegistrationFactory(user=user, ticket=ticket, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    read_before = Ticket.objects.select_related("event").get(pk=ticket.pk)
    assert read_before.seats_left == 0

    again = services.reserve(ticket=read_before, user=user)

    assert again.status == Status.PENDING and again.pk != stale.pk
    stale.refresh_from_db()
    assert (stale.status, stale.cancel_reason) == (Status.CANCELLED, Registration.CancelReason.EXPIRED)
    assert _sold(ticket) == 1


def test_reserve_lets_a_buyer_whose_hold_ran_out_choose_another_ticket_type(user):
    event = EventFactory()
    first, second = TicketFactory(event=event), TicketFactory(event=event)
    RegistrationFactory(user=user, ticket=first, expires_at=timezone.now() - datetime.timedelta(seconds=1))

    assert services.reserve(ticket=second, user=user).ticket == second
    assert (_sold(first), _sold(second)) == (0, 1)


def test_reserve_still_refuses_a_buyer_whose_hold_is_open(user):
    ticket = TicketFactory()
    RegistrationFactory(user=user, ticket=ticket, expires_at=timezone.now() + datetime.timedelta(seconds=30))
    with pytest.raises(RegistrationError) as excinfo:
        services.reserve(ticket=ticket, user=user)
    assert excinfo.value.code == "already_registered"
    assert _sold(ticket) == 1


def test_reserve_rejects_a_second_active_registration_for_the_event(user):
    event = EventFactory()
    first, second = TicketFactory(event=event), TicketFactory(event=event)
    services.reserve(ticket=first, user=user)
    with pytest.raises(RegistrationError) as excinfo:
        services.reserve(ticket=second, user=user)
    assert excinfo.value.code == "already_registered"
    assert _sold(second) == 0


def test_reserve_allows_a_new_registration_after_cancelling(user):
    ticket = TicketFactory()
    first = services.reserve(ticket=ticket, user=user)
    services.cancel(registration=first)
    second = services.reserve(ticket=ticket, user=user)
    assert second.status == Status.PENDING
    assert _sold(ticket) == 1


@pytest.mark.parametrize(
    "event_kwargs, ticket_kwargs",
    [
        ({"is_active": False}, {}),
        ({"event_date": timezone.now() - datetime.timedelta(hours=1)}, {}),
        ({}, {"sales_start": timezone.now() + datetime.timedelta(days=1)}),
        ({}, {"sales_end": timezone.now() - datetime.timedelta(minutes=1)}),
    ],
    ids=["inactive", "past", "not-yet-open", "closed"],
)
def test_reserve_refuses_outside_sales(user, event_kwargs, ticket_kwargs):
    ticket = TicketFactory(event=EventFactory(**event_kwargs), **ticket_kwargs)
    with pytest.raises(RegistrationError) as excinfo:
        services.reserve(ticket=ticket, user=user)
    assert excinfo.value.code == "sales_closed"
    assert _sold(ticket) == 0


def test_reserve_sells_inside_the_window(user):
    now = timezone.now()
    ticket = TicketFactory(sales_start=now - datetime.timedelta(hours=1), sales_end=now + datetime.timedelta(hours=1))
    assert services.reserve(ticket=ticket, user=user).status == Status.PENDING


def test_set_payment_ref_names_the_latest_attempt(user):
    registration = services.reserve(ticket=TicketFactory(), user=user)

    services.set_payment_ref(registration=registration, payment_ref="EH-1")
    services.set_payment_ref(registration=registration, payment_ref="EH-2")

    assert registration.payment_ref == "EH-2"
    assert Registration.objects.get(pk=registration.pk).payment_ref == "EH-2"


def test_mark_paid_is_idempotent(user, django_capture_on_commit_callbacks):
    registration = services.reserve(ticket=TicketFactory(), user=user)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.mark_paid(registration=registration, payment_ref="ORDER-1")
        paid_at = first.paid_at
        second = services.mark_paid(registration=registration, payment_ref="ORDER-2")
    assert second.status == Status.PAID
    assert second.paid_at == paid_at
    assert second.payment_ref == "ORDER-1"
    assert [m.subject for m in mail.outbox].count(mail.outbox[-1].subject) == 1
    assert _sold(registration.ticket) == 1


def test_mark_paid_after_expiry_retakes_a_free_seat(user):
    ticket = TicketFactory(quota=1)
    registration = services.reserve(ticket=ticket, user=user)
    services.expire_stale(now=registration.expires_at + datetime.timedelta(seconds=1))
    assert _sold(ticket) == 0
    paid = services.mark_paid(registration=registration)
    assert paid.status == Status.PAID
    assert _sold(ticket) == 1


def test_mark_paid_after_expiry_refuses_when_sold_out(user):
    ticket = TicketFactory(quota=1)
    registration = services.reserve(ticket=ticket, user=user)
    services.expire_stale(now=registration.expires_at + datetime.timedelta(seconds=1))
    RegistrationFactory(ticket=ticket)
    with pytest.raises(RegistrationError) as excinfo:
        services.mark_paid(registration=registration)
    assert excinfo.value.code == "sold_out"
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert _sold(ticket) == 1


def test_mark_paid_refuses_a_registration_cancelled_by_staff(user):
    registration = services.reserve(ticket=TicketFactory(), user=user)
    services.cancel(registration=registration, reason=Registration.CancelReason.STAFF)
    with pytest.raises(RegistrationError) as excinfo:
        services.mark_paid(registration=registration)
    assert excinfo.value.code == "cancelled_by_staff"


def test_cancel_releases_the_seat_once(user):
    registration = services.reserve(ticket=TicketFactory(), user=user)
    services.cancel(registration=registration)
    again = services.cancel(registration=registration)
    assert again.status == Status.CANCELLED
    assert again.cancel_reason == Registration.CancelReason.USER
    assert _sold(registration.ticket) == 0


def test_attendee_cannot_cancel_a_paid_registration(user):
    registration = services.reserve(ticket=FreeTicketFactory(), user=user)
    with pytest.raises(RegistrationError) as excinfo:
        services.cancel(registration=registration, reason=Registration.CancelReason.USER)
    assert excinfo.value.code == "not_cancellable"
    assert _sold(registration.ticket) == 1


def test_staff_cancel_of_a_paid_registration_releases_the_seat(user):
    registration = services.reserve(ticket=FreeTicketFactory(), user=user)
    cancelled = services.cancel(registration=registration, reason=Registration.CancelReason.STAFF)
    assert cancelled.status == Status.CANCELLED
    assert _sold(registration.ticket) == 0


def test_expiry_does_not_touch_a_paid_registration(user):
    registration = services.reserve(ticket=FreeTicketFactory(), user=user)
    assert services.cancel(registration=registration, reason=Registration.CancelReason.EXPIRED).status == Status.PAID


def test_expire_stale_cancels_only_holds_that_ran_out(user):
    ticket = TicketFactory()
    now = timezone.now()
    stale = RegistrationFactory(ticket=ticket, expires_at=now - datetime.timedelta(seconds=1))
    fresh = RegistrationFactory(ticket=ticket, expires_at=now + datetime.timedelta(minutes=5))
    paid = RegistrationFactory(ticket=ticket, paid=True)
    assert _sold(ticket) == 3
    assert services.expire_stale(now=now) == 1
    assert services.expire_stale(now=now) == 0
    stale.refresh_from_db(), fresh.refresh_from_db(), paid.refresh_from_db()
    assert (stale.status, fresh.status, paid.status) == (Status.CANCELLED, Status.PENDING, Status.PAID)
    assert _sold(ticket) == 2


def test_expire_registrations_command_and_check_seats(capsys):
    ticket = TicketFactory()
    RegistrationFactory(ticket=ticket, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("expire_registrations")
    assert "1" in capsys.readouterr().out
    assert _sold(ticket) == 0
    call_command("check_seats")


def test_check_seats_exits_1_on_drift(capsys):
    ticket = TicketFactory()
    RegistrationFactory(ticket=ticket)
    Ticket.objects.filter(pk=ticket.pk).update(sold=0)
    with pytest.raises(SystemExit) as excinfo:
        call_command("check_seats")
    assert excinfo.value.code == 1
    assert ticket.name in capsys.readouterr().out


def test_a_failing_mail_server_does_not_fail_the_registration(
    user, broken_mail_server, django_capture_on_commit_callbacks
):
    ticket = FreeTicketFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.reserve(ticket=ticket, user=user)
    registration.refresh_from_db()
    assert registration.status == Status.PAID
    assert _sold(ticket) == 1


class TestDatabaseConstraints:
    def test_update_past_the_quota_is_rejected(self):
        ticket = TicketFactory(quota=2)
        with pytest.raises(IntegrityError), transaction.atomic():
            Ticket.objects.filter(pk=ticket.pk).update(sold=3)

    def test_raw_update_past_the_quota_is_rejected(self):
        ticket = TicketFactory(quota=2)
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE events_ticket SET sold = quota + 1 WHERE id = %s",
                [Ticket._meta.pk.get_db_prep_value(ticket.pk, connection)],
            )

    def test_negative_sold_and_price_are_rejected(self):
        ticket = TicketFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Ticket.objects.filter(pk=ticket.pk).update(sold=-1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Ticket.objects.filter(pk=ticket.pk).update(price=-1)

    def test_an_order_whose_total_does_not_add_up_is_rejected(self, user):
        from registrations.tests.factories import OrderFactory

        with pytest.raises(IntegrityError), transaction.atomic():
            OrderFactory(user=user, subtotal=100000, discount=10000, total=100000)
        with pytest.raises(IntegrityError), transaction.atomic():
            OrderFactory(user=user, subtotal=100000, discount=200000, total=-100000)

    def test_a_voucher_used_past_its_uses_or_a_code_twice_in_another_case_is_rejected(self):
        from registrations.models import Voucher
        from registrations.tests.factories import VoucherFactory

        voucher = VoucherFactory(code="Hemat", max_uses=2)
        with pytest.raises(IntegrityError), transaction.atomic():
            Voucher.objects.filter(pk=voucher.pk).update(used=3)
        with pytest.raises(IntegrityError), transaction.atomic():
            VoucherFactory(event=voucher.event, code="HEMAT")

    def test_duplicate_qr_code_is_rejected(self):
        first = RegistrationFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            RegistrationFactory(qr_code=first.qr_code)

    def test_duplicate_email_and_slug_are_rejected(self, user):
        from accounts.tests.factories import UserFactory

        with pytest.raises(IntegrityError), transaction.atomic():
            UserFactory(email=user.email.upper())
        event = EventFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            EventFactory(slug=event.slug)


def test_reserve_refuses_a_ticket_read_as_sold_out_without_trying_to_take_a_seat(user, django_assert_num_queries):
    ticket = TicketFactory(quota=1)
    RegistrationFactory(ticket=ticket)
    fresh = Ticket.objects.select_related("event").get(pk=ticket.pk)
    # Is the buyer already registered? Has any hold run out? Then the sold-out board is told
    # (the seats read again, the event's holders): nothing else.
    with django_assert_num_queries(4), pytest.raises(RegistrationError) as excinfo:
        services.reserve(ticket=fresh, user=user)
    assert excinfo.value.code == "sold_out"
