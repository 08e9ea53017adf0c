"""Door check-in: scans through POST /api/v1/checkins/scan/ against a running server.

    DATABASE_URL=postgresql://…/eventhub .venv/bin/python bench/checkin.py [--url http://127.0.0.1:8000]

Untimed set-up: one event, 2,000 paid registrations, one staff user and token.
Timed, 8 clients at a time: 2,000 first scans, then 200 re-scans of admitted
tickets, then 200 forged codes. Printed per phase: scans/s, p50/p95/p99 and the
count of each result code; then every verdict checked (ok / already_checked_in
/ invalid), one Checkin row per ticket in the database, and each gunicorn
worker's resident memory. Without --url it starts gunicorn itself on port
8132, in a new database beside DATABASE_URL's that it migrates and drops
afterwards (production settings; see bench/harness.py).
Target (2-core machine, load generator included): ≥ 190 first scans/s with
p99 ≤ 60 ms, re-scans ≥ 270/s, every verdict right, each worker < 150 MB RSS.
"""

import asyncio
import collections
import datetime
import random
import sys
import uuid
from decimal import Decimal

import harness

TICKETS, REPEATS, FORGED, CONCURRENCY = 2000, 200, 200, 8
DOMAIN = "door.bench.eventhub.local"
SLUG = "door-bench"


def prepare():
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from events.models import Event, Ticket
    from registrations import qr
    from registrations.models import Order, Registration

    cleanup()
    now = timezone.now()
    event = Event.objects.create(title="Door bench", slug=SLUG, event_date=now + datetime.timedelta(hours=2))
    ticket = Ticket.objects.create(event=event, name="Reguler", price=Decimal("100000"), quota=TICKETS)
    unusable = make_password(None)
    staff = User.objects.create(email=f"staff@{DOMAIN}", full_name="Door staff", role=User.Role.ADMIN, password=unusable)
    users = User.objects.bulk_create(
        [User(email=f"guest{n}@{DOMAIN}", full_name=f"Guest {n}", password=unusable) for n in range(TICKETS)]
    )
    orders = Order.objects.bulk_create(
        [Order(user=user, event=event, status=Order.Status.PAID, subtotal=ticket.price, total=ticket.price, paid_at=now)
         for user in users]
    )
    registrations = []
    for user, order in zip(users, orders, strict=True):
        registration_id = uuid.uuid4()
        registrations.append(
            Registration(
                id=registration_id, order=order, user=user, event=event, ticket=ticket, amount=ticket.price,
                status=Registration.Status.PAID, paid_at=now, qr_code=qr.sign(registration_id),
                attendee_name=user.full_name, attendee_email=user.email,
            )
        )
    Registration.objects.bulk_create(registrations)
    Ticket.objects.filter(pk=ticket.pk).update(sold=TICKETS)
    return event, [r.qr_code for r in registrations], str(AccessToken.for_user(staff))


def cleanup():
    from accounts.models import User
    from checkins.models import Checkin
    from events.models import Event
    from registrations.models import Order, Registration

    Checkin.objects.filter(registration__event__slug=SLUG).delete()
    Registration.objects.filter(event__slug=SLUG).delete()
    Order.objects.filter(event__slug=SLUG).delete()
    Event.objects.filter(slug=SLUG).delete()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()


def forge(code: str) -> str:
    prefix, body, tag = code.split(".")
    flipped = "A" if tag[0] != "A" else "B"
    return f"{prefix}.{body}.{flipped}{tag[1:]}"


def phase(server, name, codes, event, token, expected):
    requests = [
        ("POST", "/api/v1/checkins/scan/", {"code": code, "event": str(event.pk), "device": f"gate-{n % CONCURRENCY}"},
         {"Authorization": f"Bearer {token}"})
        for n, code in enumerate(codes)
    ]
    cpu = server.cpu_seconds()
    answers, seconds = asyncio.run(harness.run_load(server.url, requests, concurrency=CONCURRENCY))
    cpu_ms = (server.cpu_seconds() - cpu) * 1000 / len(answers)
    results = collections.Counter((a.body or {}).get("result", f"HTTP {a.status}") for a in answers)
    rate = len(answers) / seconds
    print(f"  {name:12s} {len(answers):5d} scans  {rate:6.0f} scans/s  {harness.percentiles([a.seconds for a in answers])}")
    print(f"  {'':12s} results {dict(results)}; server CPU {cpu_ms:.1f} ms a scan (gunicorn workers)")
    return rate, harness.p99([a.seconds for a in answers]), results == collections.Counter({expected: len(codes)})


def main():
    return harness.server_benchmark(__doc__.split("\n")[0], port=8132, run=run)


def run(args) -> int:
    from checkins.models import Checkin

    event, codes, token = prepare()
    server = harness.start_server(url=args.url, port=args.port, workers=args.workers, threads=args.threads)
    print(f"check-in: {TICKETS} tickets, {CONCURRENCY} concurrent clients, server {server.url}")
    try:
        first_rate, first_p99, first_ok = phase(server, "first scans", codes, event, token, "ok")
        repeat_rate, _, repeat_ok = phase(server, "re-scans", random.sample(codes, REPEATS), event, token, "already_checked_in")
        forged_rate, _, forged_ok = phase(server, "forged", [forge(c) for c in random.sample(codes, FORGED)], event, token, "invalid")
        rss = server.worker_rss_mb()
    finally:
        server.stop()

    admitted = Checkin.objects.filter(registration__event=event)
    rows, distinct = admitted.count(), admitted.values("registration").distinct().count()
    print(f"  database     {rows} check-ins for {distinct} tickets (expected {TICKETS} and {TICKETS})")
    if rss:
        print(f"  worker RSS   {', '.join(f'{mb:.0f} MB' for mb in rss)}")
    right = first_ok and repeat_ok and forged_ok and rows == distinct == TICKETS
    fast = first_rate >= 190 and first_p99 <= 60 and repeat_rate >= 270 and all(mb < 150 for mb in rss)
    print(f"  verdicts     {'all right' if right else 'WRONG'}")
    print(f"  targets      {'PASS' if fast else 'FAIL'} (≥ 190 first scans/s with p99 ≤ 60 ms, ≥ 270 re-scans/s, < 150 MB a worker)")
    cleanup()
    return 0 if right else 1


if __name__ == "__main__":
    sys.exit(main())
