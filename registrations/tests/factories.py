import datetime

import factory
from django.db.models import F
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import TicketFactory
from registrations import qr
from registrations.models import Order, Registration, Voucher, WaitlistEntry

ORDER_STATUS = {"pending": Order.Status.PENDING, "paid": Order.Status.PAID, "cancelled": Order.Status.CANCELLED}


class OrderFactory(factory.django.DjangoModelFactory):
    """An order made directly: give it registrations with `RegistrationFactory(order=…)`."""

    class Meta:
        model = Order

    user = factory.SubFactory(UserFactory)
    event = factory.SubFactory("events.tests.factories.EventFactory")
    subtotal = 0
    discount = 0
    total = factory.LazyAttribute(lambda o: o.subtotal - o.discount)
    status = Order.Status.PENDING
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=30))


class VoucherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Voucher

    event = factory.SubFactory("events.tests.factories.EventFactory")
    code = factory.Sequence(lambda n: f"PROMO{n}")
    kind = Voucher.Kind.PERCENT
    value = 10


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    user = factory.SubFactory(UserFactory)
    ticket = factory.SubFactory(TicketFactory)
    event = factory.LazyAttribute(lambda o: o.ticket.event)
    quantity = 1


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration made directly, without the service's rules; an active one still takes its seat."""

    class Meta:
        model = Registration

    user = factory.SubFactory(UserFactory)
    ticket = factory.SubFactory(TicketFactory)
    event = factory.LazyAttribute(lambda o: o.ticket.event)
    amount = factory.LazyAttribute(lambda o: o.ticket.price)
    status = Registration.Status.PENDING
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=30))
    qr_code = factory.LazyAttribute(lambda o: qr.sign(o.id))
    id = factory.Faker("uuid4", cast_to=None)
    # Every registration belongs to an order: by default an order of one, as the single-ticket path makes.
    order = factory.SubFactory(
        OrderFactory,
        user=factory.SelfAttribute("..user"),
        event=factory.SelfAttribute("..event"),
        subtotal=factory.SelfAttribute("..amount"),
        status=factory.LazyAttribute(lambda o: ORDER_STATUS[o.factory_parent.status]),
        expires_at=factory.SelfAttribute("..expires_at"),
        paid_at=factory.LazyAttribute(lambda o: o.factory_parent.paid_at),
    )
    attendee_name = factory.LazyAttribute(lambda o: o.user.full_name)
    attendee_email = factory.LazyAttribute(lambda o: o.user.email)

    class Params:
        paid = factory.Trait(status=Registration.Status.PAID, paid_at=factory.LazyFunction(timezone.now), expires_at=None)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        registration = super()._create(model_class, *args, **kwargs)
        if registration.status in Registration.ACTIVE_STATUSES:
            Ticket.objects.filter(pk=registration.ticket_id).update(sold=F("sold") + 1)
            registration.ticket.refresh_from_db(fields=["sold"])
        return registration
