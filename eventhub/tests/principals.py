"""A small world with one of each principal, for the permission tests.

Event A has a team (a manager and a door member), two paired scanners (one
revoked), an attendee with a paid registration, a file attached to it, an
admission and a payment; event B has a manager of its own, who must see
nothing of A.
"""

import dataclasses
import uuid

from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.tests.factories import AdminFactory, UserFactory
from audit import services as audit
from checkins import devices
from checkins.tests.factories import CheckinFactory
from events.models import EventMember
from events.tests.factories import EventFactory, TicketFactory
from files.tests.factories import FileFactory
from payments.models import Payment, WebhookEvent
from registrations.tests.factories import RegistrationFactory, VoucherFactory, WaitlistEntryFactory
from waitingroom.models import WaitingRoom

# Column order of every expectation in the tables. The two device columns may be left
# off a row: then a device credential counts for nothing there, and they get what
# anonymous gets.
PRINCIPALS = ("admin", "manager", "other_manager", "door", "attendee", "anonymous", "device", "revoked_device")
USERS = PRINCIPALS[:6]
DEVICES = ("device", "revoked_device")


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
    voucher: object
    waitlist_entry: object
    scanner: object
    credentials: dict
    audit_entry: object
    waiting_room: object

    def principal(self, name: str):
        """Return the user a principal logs in as (None: anonymous, or a device, which has no account)."""
        return None if name in ("anonymous", *DEVICES) else getattr(self, name)

    def api_client(self, name: str) -> APIClient:
        client = APIClient()
        if name in DEVICES:
            client.credentials(HTTP_AUTHORIZATION=f"{devices.KEYWORD} {self.credentials[name]}")
            return client
        user = self.principal(name)
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        return client

    def pairing_code(self) -> str:
        return devices.start_pairing(event=self.event, name="Gerbang Timur", by=self.manager)[1]

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
    scanner, credential = devices.pair(code=devices.start_pairing(event=event, name="Gerbang Utara", by=manager)[1])
    revoked, revoked_credential = devices.pair(code=devices.start_pairing(event=event, name="Gerbang Lama", by=admin)[1])
    devices.revoke(device=revoked, by=admin)
    audit_entry = audit.record(manager, "event.change", event, {"location": ["Jakarta", "Bandung"]})
    return World(
        admin=admin, manager=manager, other_manager=other_manager, door=door, attendee=attendee,
        event=event, other_event=other_event, ticket=ticket, registration=registration,
        other_registration=other_registration,
        file=FileFactory(user=attendee, registration=registration),
        other_file=FileFactory(user=other_registration.user, registration=other_registration),
        checkin=checkin, payment=payment, webhook_event=webhook_event,
        voucher=VoucherFactory(event=event), waitlist_entry=WaitlistEntryFactory(ticket=ticket),
        scanner=scanner, credentials={"device": credential, "revoked_device": revoked_credential},
        audit_entry=audit_entry,
        # Off: buying in the table's requests needs no pass.
        waiting_room=WaitingRoom.objects.create(event=event, enabled=False),
    )


def expected(row: str) -> dict[str, int]:
    """Read `"200 200 404 403 403 401"` as the status each principal (PRINCIPALS order) must get.

    Without the two device columns, the devices get the anonymous column's status.
    """
    statuses = [int(status) for status in row.split()]
    if len(statuses) == len(USERS):
        statuses += [statuses[USERS.index("anonymous")]] * len(DEVICES)
    assert len(statuses) == len(PRINCIPALS), row
    return dict(zip(PRINCIPALS, statuses, strict=True))
