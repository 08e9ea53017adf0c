"""A gunicorn worker killed with SIGKILL during a flash sale and during a gateway's webhook: no partial state.

The webhook is held in its status call by the simulator (a separate server,
as a gateway is) told to answer late; its worker is killed there, and the
gateway's redelivery is applied exactly once.
"""

import os
import signal
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django_tasks_db.models import DBTaskResult
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from accounts.tests.factories import AdminFactory, UserFactory
from events.models import Ticket
from events.tests.factories import TicketFactory
from payments.models import Payment, WebhookEvent
from payments.simulator import gateway as sim_gateway
from payments.simulator.models import SimulatedPayment
from registrations.models import Registration

from .servers import Sale, assert_sale_consistent, free_port, gunicorn, wait_until_serving

pytestmark = pytest.mark.django_db(transaction=True)


def buyers(*, count: int, quota: int):
    """Return a ticket type with `quota` seats, `count` buyers' access tokens and their user ids."""
    ticket = TicketFactory(quota=quota)
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(email=f"fault-buyer-{n}@example.com", full_name=f"Buyer {n}", password=unusable) for n in range(count)]
    )
    return ticket, [str(AccessToken.for_user(u)) for u in users], [u.pk for u in users]


def test_a_worker_killed_mid_sale_leaves_no_partial_state(db):
    ticket, tokens, user_ids = buyers(count=150, quota=40)
    with gunicorn(workers=2, threads=4) as server:
        sale = Sale(server.url, ticket, tokens).start()
        sale.wait_for(20)
        victim = server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        sale.join()
        wait_until_serving(server.url, workers=2, server=server)
        assert victim not in server.worker_pids()  # the master replaced it
    assert_sale_consistent(sale, user_ids)
    assert Ticket.objects.get(pk=ticket.pk).sold == 40


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_a_worker_killed_during_a_webhook_then_the_redelivery_applies_once(db, provider):
    app_port, sim_port = free_port(), free_port()
    sim_url = f"http://127.0.0.1:{sim_port}"
    buyer, admin = UserFactory(), AdminFactory()
    ticket = TicketFactory(quota=5)
    with (
        gunicorn(workers=1, threads=4, port=sim_port, DEBUG="true", PAYMENT_SIMULATOR="true",
                 SITE_URL=f"http://127.0.0.1:{app_port}", TASKS_BACKEND="immediate"),
        gunicorn(workers=1, threads=4, port=app_port, PAYMENT_READ_TIMEOUT="60",
                 MIDTRANS_SNAP_BASE_URL=f"{sim_url}/simulator/midtrans/snap/v1",
                 MIDTRANS_CORE_BASE_URL=f"{sim_url}/simulator/midtrans", XENDIT_API_HOST=f"{sim_url}/simulator/xendit")
        as app,
    ):
        bearer = {"Authorization": f"Bearer {AccessToken.for_user(buyer)}"}
        registered = requests.post(f"{app.url}/api/v1/registrations/", json={"ticket": str(ticket.pk)},
                                   headers=bearer, timeout=30).json()
        started = requests.post(f"{app.url}/api/v1/payments/start/", json={"registration": registered["id"],
                                "provider": provider}, headers=bearer, timeout=30).json()
        page = sim_url + urlsplit(started["redirect_url"]).path  # the buyer's browser, at the gateway
        method = {"midtrans": "other_qris", "xendit": "OVO"}[provider]
        assert requests.post(page, data={"method": method, "action": "pay", "notify": "never"},
                             allow_redirects=False, timeout=30).status_code == 302
        sim = SimulatedPayment.objects.get(order_id=started["order_id"])
        body = sim_gateway.midtrans_json(sim) if provider == "midtrans" else sim_gateway.xendit_callback_json(sim)
        headers = {"x-callback-token": settings.XENDIT_CALLBACK_TOKEN} if provider == "xendit" else {}
        webhook = f"{app.url}/api/v1/payments/webhooks/{provider}/"
        faults = f"{sim_url}/simulator/faults"
        admin_bearer = {"Authorization": f"Bearer {AccessToken.for_user(admin)}"}
        assert requests.post(faults, json={"gateway": provider, "delay_seconds": 30}, headers=admin_bearer,
                             timeout=10).status_code == 200

        first = threading.Thread(target=_deliver, args=(webhook, body, headers), daemon=True)
        first.start()
        deadline = time.monotonic() + 20
        while not WebhookEvent.objects.filter(processed_at__isnull=True).exists():  # in its status call
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)
        (victim,) = app.worker_pids()
        os.kill(victim, signal.SIGKILL)
        first.join(30)
        requests.post(faults, json={"gateway": "all"}, headers=admin_bearer, timeout=10)
        wait_until_serving(app.url, workers=1, server=app)
        answers = [requests.post(webhook, json=body, headers=headers, timeout=30) for _ in range(2)]

    assert [(a.status_code, a.json()["code"]) for a in answers] == [(200, "paid"), (200, "duplicate")]
    registration = Registration.objects.get(pk=registered["id"])
    assert registration.status == Registration.Status.PAID
    assert Payment.objects.get(order_id=started["order_id"]).status == Payment.Status.PAID
    assert Ticket.objects.get(pk=ticket.pk).sold == 1
    assert list(WebhookEvent.objects.order_by("received_at").values_list("outcome", flat=True)) == [
        "", "paid", "duplicate"]  # the killed one was stored and never half-applied
    ticket_emails = [t for t in DBTaskResult.objects.all()
                     if t.args_kwargs["args"][:2] == [str(registration.pk), "ticket"]]
    assert len(ticket_emails) == 1


def _deliver(url, body, headers):
    try:
        requests.post(url, json=body, headers=headers, timeout=60)
    except requests.RequestException:
        pass  # its worker was killed: the gateway sees no answer and will redeliver
