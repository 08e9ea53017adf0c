"""A small world with one of each principal, for the permission tests.

Event A has a team (a manager and a door member), an attendee with a paid
registration, a file attached to it, an admission and a payment; event B has
a manager of its own, who must see nothing of A.
"""

import dataclasses
import uuid

from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.tests.factories import AdminFactory, UserFactory
from checkins.tests.factories import CheckinFactory
from events.models import EventMember
from events.tests.factories import EventFactory, TicketFactory
from files.tests.factories import FileFactory
from payments.models import Payment, WebhookEvent
from registrations.tests.factories import RegistrationFactory

# Column order of every expectation in the tables.
PRINCIPALS = ("admin", "manager", "other_manager", "door", "attendee", "anonymous")


@dataclasses.dataclass
class World:
    admin: object
    manager: object
    other_manager: object
    door: object
    attendee: object
    event: object
    other_event: object
    ticket: object
    registration: object
    other_registration: object
    file: object
    other_file: object
    checkin: object
    payment: object
    webhook_event: object

    def principal(self, name: str):
        return None if name == "anonymous" else getattr(self, name)

    def api_client(self, name: str) -> APIClient:
        client = APIClient()
        user = self.principal(name)
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        return client

    def refresh_token(self, user) -> str:
        return str(RefreshToken.for_user(user))


def build_world() -> World:
    event, other_event = EventFactory(), EventFactory()
    ticket = TicketFactory(event=event)
    other_ticket = TicketFactory(event=other_event)
    admin, manager, other_manager, door, attendee = (
        AdminFactory(), UserFactory(), UserFactory(), UserFactory(), UserFactory()
    )
    EventMember.objects.create(event=event, user=manager, role=EventMember.Role.MANAGER)
    EventMember.objects.create(event=event, user=door, role=EventMember.Role.DOOR)
    EventMember.objects.create(event=other_event, user=other_manager, role=EventMember.Role.MANAGER)
    registration = RegistrationFactory(user=attendee, ticket=ticket, paid=True)
    other_registration = RegistrationFactory(ticket=other_ticket, paid=True)
    checkin = CheckinFactory(registration=RegistrationFactory(ticket=ticket, paid=True), admin=admin)
    payment = Payment.objects.create(
        registration=registration, provider=Payment.Provider.MIDTRANS, order_id=f"EH-{uuid.uuid4().hex[:12]}",
        amount=registration.amount, status=Payment.Status.PAID, paid_at=timezone.now(),
    )
    webhook_event = WebhookEvent.objects.create(provider=payment.provider, payment=payment, order_id=payment.order_id)
    return World(
        admin=admin, manager=manager, other_manager=other_manager, door=door, attendee=attendee,
        event=event, other_event=other_event, ticket=ticket, registration=registration,
        other_registration=other_registration,
        file=FileFactory(user=attendee, registration=registration),
        other_file=FileFactory(user=other_registration.user, registration=other_registration),
        checkin=checkin, payment=payment, webhook_event=webhook_event,
    )


def expected(row: str) -> dict[str, int]:
    """Read `"200 200 404 403 403 401"` as the status each principal (PRINCIPALS order) must get."""
    statuses = [int(status) for status in row.split()]
    assert len(statuses) == len(PRINCIPALS), row
    return dict(zip(PRINCIPALS, statuses, strict=True))
