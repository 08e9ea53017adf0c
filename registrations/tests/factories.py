import datetime

import factory
from django.db.models import F
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import TicketFactory
from registrations import qr
from registrations.models import Registration


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

    class Params:
        paid = factory.Trait(status=Registration.Status.PAID, paid_at=factory.LazyFunction(timezone.now), expires_at=None)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        registration = super()._create(model_class, *args, **kwargs)
        if registration.status in Registration.ACTIVE_STATUSES:
            Ticket.objects.filter(pk=registration.ticket_id).update(sold=F("sold") + 1)
            registration.ticket.refresh_from_db(fields=["sold"])
        return registration
