"""Two API servers (gunicorn, two ports) behind the committed nginx config, sharing PostgreSQL and Redis.

A flash sale spoken over HTTPS to nginx, which balances it over both: every
seat sold once, none beyond the quota, every buyer answered; a seat cancelled
through nginx is sold again at once whichever server the next buyer reaches.
"""

import collections
import os
import uuid

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import make_password
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from bench import harness
from events.models import Ticket
from events.tests.factories import TicketFactory
from registrations.models import Registration
from registrations.services import seat_drift

from .servers import _var_dir_with_static, database_url, free_port

pytestmark = [pytest.mark.deploy, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_servers():
    from bench import nginx

    if nginx.binary() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is needed (apt-get install -y nginx)")
        pytest.skip("nginx is needed (apt-get install -y nginx)")
    port = free_port()
    while True:  # two free ports side by side
        try:
            with __import__("socket").create_server(("127.0.0.1", port + 1)):
                break
        except OSError:
            port = free_port()
    cluster = harness.start_servers(count=2, port=port, workers=1, threads=4, env={
        "DATABASE_URL": database_url(f"eh_two_{uuid.uuid4().hex[:6]}"),
        "SECRET_KEY": settings.SECRET_KEY, "QR_SIGNING_KEYS": ",".join(settings.QR_SIGNING_KEYS),
        "VAR_DIR": _var_dir_with_static(), "GUNICORN_MAX_REQUESTS": "0",
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15",
        "REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}:",
    })
    try:
        yield cluster
    finally:
        cluster.stop()


def test_a_flash_sale_through_nginx_over_two_servers_sells_each_seat_once(two_servers):
    ticket = TicketFactory(quota=20)
    users = User.objects.bulk_create(
        [User(email=f"two-servers-{n}@example.com", full_name=f"Buyer {n}", password=make_password(None))
         for n in range(80)]
    )
    calls = [("POST", "/api/v1/registrations/", {"ticket": str(ticket.pk)},
              {"Authorization": f"Bearer {AccessToken.for_user(user)}"}) for user in users]
    cpu_before = [server.cpu_seconds() for server in two_servers.servers]

    answers, _ = harness.run(harness.run_load(two_servers.url, calls, concurrency=16,
                                              ssl_context=two_servers.ssl_context))

    codes = collections.Counter((a.status, (a.body or {}).get("code") or (a.body or {}).get("status")) for a in answers)
    assert codes == {(201, "pending"): 20, (409, "sold_out"): 60}
    assert Ticket.objects.get(pk=ticket.pk).sold == 20
    assert Registration.objects.filter(ticket=ticket, status__in=Registration.ACTIVE_STATUSES).count() == 20
    assert not seat_drift()
    # nginx sent buyers to both servers.
    assert all(server.cpu_seconds() > before for server, before in zip(two_servers.servers, cpu_before))

    # A seat cancelled through one server is on sale through both at once.
    sold = Registration.objects.filter(ticket=ticket, status=Registration.Status.PENDING).select_related("user").first()
    verify = str(two_servers.nginx.ca)

    def post(path, user, body=None):
        return requests.post(f"{two_servers.url}{path}", json=body, verify=verify, timeout=30,
                             headers={"Authorization": f"Bearer {AccessToken.for_user(user)}"})

    assert post(f"/api/v1/registrations/{sold.pk}/cancel/", sold.user).json()["status"] == "cancelled"
    latecomers = User.objects.bulk_create([User(email=f"late-{n}@example.com", full_name="Late") for n in range(4)])
    statuses = [post("/api/v1/registrations/", user, {"ticket": str(ticket.pk)}).status_code for user in latecomers]
    assert statuses == [201, 409, 409, 409]
    assert Ticket.objects.get(pk=ticket.pk).sold == 20
