"""The waiting room in the Django admin: its settings, and the queue's live figures beside them."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.factories import UserFactory
from audit.models import AuditEntry
from events.tests.factories import TicketFactory
from waitingroom import services
from waitingroom.models import WaitingRoom

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_changelist_shows_the_queue_live(staff_client, store):
    ticket = TicketFactory(quota=10)
    services.configure(event=ticket.event, changes={
        "enabled": True, "opens_at": timezone.now() - datetime.timedelta(minutes=1), "rate_per_minute": 6000})
    for _ in range(3):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(UserFactory())}")
        client.post(f"/api/v1/waiting-room/{ticket.event.slug}/join/")
    page = staff_client.get("/admin/waitingroom/waitingroom/")
    assert page.status_code == 200
    row = page.content.decode().split('class="field-waiting"')[1].split("</tr>")[0]
    assert ">0<" in row.split('class="field-admitted"')[0]  # nobody waiting
    assert ">3<" in row.split('class="field-admitted"')[1].split('class="field-buying"')[0]


def test_switching_a_room_on_in_the_admin_is_audited_and_reaches_the_gate(staff_client, store):
    ticket = TicketFactory()
    opens = timezone.localtime(timezone.now())
    answer = staff_client.post("/admin/waitingroom/waitingroom/add/", {
        "event": str(ticket.event_id), "enabled": "on", "opens_at_0": opens.strftime("%Y-%m-%d"),
        "opens_at_1": opens.strftime("%H:%M:%S"), "rate_per_minute": "120",
    })
    assert answer.status_code == 302, answer.content[:2000]
    assert WaitingRoom.objects.get(event=ticket.event).enabled
    assert AuditEntry.objects.filter(action="waiting_room.add", event_id=ticket.event_id).exists()
    buyer = APIClient()
    buyer.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(UserFactory())}")
    refused = buyer.post("/api/v1/registrations/", {"ticket": str(ticket.pk)}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "waiting_room"
