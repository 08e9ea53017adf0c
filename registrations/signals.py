"""Hooks for the apps above registrations (DESIGN §1: they listen, we never import them).

Each signal is sent after the transaction that made the change has committed.
"""

from django.dispatch import Signal

# sender=Registration, registration=<Registration>
registration_created = Signal()
registration_paid = Signal()
# sender=Registration, registration=<Registration>, reason=<Registration.CancelReason>
registration_cancelled = Signal()
