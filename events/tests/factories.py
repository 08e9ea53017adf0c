import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from events.models import Event, Ticket


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Konser Musik {n}")
    slug = factory.Sequence(lambda n: f"konser-musik-{n}")
    description = "Malam musik di Jakarta."
    event_date = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    location = "Istora Senayan, Jakarta"
    is_active = True


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Reguler {n}")
    price = Decimal("150000")
    quota = 100


class FreeTicketFactory(TicketFactory):
    name = factory.Sequence(lambda n: f"Gratis {n}")
    price = Decimal("0")
