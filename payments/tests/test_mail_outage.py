"""The mail server down during a sale: registrations and payments succeed, the emails wait and go out once it is back.

Mail goes over SMTP to a local port where nothing listens at first, then
where an aiosmtpd server answers; the database task queue and its worker
(`db_worker`) run as in production. Every email arrives once: none lost,
none twice.
"""

import socket
import time

import pytest
import requests
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.factories import UserFactory
from events.tests.factories import TicketFactory
from payments.models import Payment
from registrations.models import Registration

from .conftest import METHOD, pay_on_gateway_page

pytestmark = pytest.mark.django_db(transaction=True)


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp_port(settings):
    """A local port for the mail server, nothing listening on it yet; mail and tasks set up as in production."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}}
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}}
    settings.TASK_RETRY_BASE_SECONDS = settings.TASK_RETRY_MAX_DELAY_SECONDS = 0.2
    return port


def _work() -> None:
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)


def _waiting() -> int:
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()


@pytest.mark.parametrize("provider", ["midtrans", "xendit"])
def test_with_the_mail_server_down_sales_succeed_and_every_email_goes_out_once_it_is_back(site, smtp_port, provider):
    buyer = UserFactory()
    ticket = TicketFactory(quota=5)
    bearer = {"Authorization": f"Bearer {AccessToken.for_user(buyer)}"}

    registered = requests.post(f"{site}/api/v1/registrations/", json={"ticket": str(ticket.pk)}, headers=bearer,
                               timeout=30)
    started = requests.post(f"{site}/api/v1/payments/start/", json={"registration": registered.json()["id"],
                            "provider": provider}, headers=bearer, timeout=30)
    paid = pay_on_gateway_page(Payment.objects.get(order_id=started.json()["order_id"]), method=METHOD[provider])

    assert (registered.status_code, started.status_code, paid.status_code) == (201, 201, 302)
    registration = Registration.objects.get(pk=registered.json()["id"])
    assert registration.status == Registration.Status.PAID
    for _ in range(3):  # the worker tries while the mail server is down: each send fails and is queued again
        _work()
        time.sleep(0.3)
    assert _waiting() == 2

    inbox = _Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    server.start()
    try:
        deadline = time.monotonic() + 30
        while _waiting():
            assert time.monotonic() < deadline, "the queued emails were never sent"
            time.sleep(0.3)
            _work()
        _work()
    finally:
        server.stop()

    assert [m.rcpt_tos for m in inbox.messages] == [[buyer.email]] * 2
    subjects = sorted(m.content.decode().split("Subject: ", 1)[1].split("\n", 1)[0] for m in inbox.messages)
    assert len(set(subjects)) == 2, subjects  # "registration received" and the ticket, once each
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()
