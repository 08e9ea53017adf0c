"""The one lock order of payments: a registration's row first, then its payment's.

Starting an attempt locks the registration and then its live attempts; every
transition of an attempt must take the same two locks in the same order, or a
webhook arriving while the buyer switches gateway waits on the attempt that
waits on it (a deadlock).
"""

from registrations.models import Registration

from .models import Payment


def lock_payment(payment: Payment) -> tuple[Registration, Payment]:
    """Lock `payment`'s registration, then the payment; return both as they are now.

    Call it inside the transaction that changes the payment.
    """
    registration = Registration.objects.select_for_update().get(pk=payment.registration_id)
    return registration, Payment.objects.select_for_update().get(pk=payment.pk)
