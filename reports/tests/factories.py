import factory

from payments.models import Payment
from registrations.tests.factories import RegistrationFactory


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment attempt as the gateway flow leaves it (paid by default)."""

    class Meta:
        model = Payment

    registration = factory.SubFactory(RegistrationFactory, paid=True)
    provider = Payment.Provider.MIDTRANS
    order_id = factory.Sequence(lambda n: f"EH-TEST-{n:06d}")
    amount = factory.LazyAttribute(lambda o: o.registration.amount)
    status = Payment.Status.PAID
    payment_method = "qris"
    paid_at = factory.LazyAttribute(lambda o: o.registration.paid_at)
