import factory
from django.utils import timezone

from accounts.tests.factories import AdminFactory
from checkins.models import Checkin
from registrations.tests.factories import RegistrationFactory


class CheckinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checkin

    registration = factory.SubFactory(RegistrationFactory, paid=True)
    admin = factory.SubFactory(AdminFactory)
    checked_in_at = factory.LazyFunction(timezone.now)
    device = "gerbang-1"
