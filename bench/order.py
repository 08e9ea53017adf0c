"""Order flash sale: 1,000 buyers race for 100 seats of two types with baskets of 1–4 tickets through POST /api/v1/orders/.

    DATABASE_URL=postgresql://…/eventhub .venv/bin/python bench/order.py [--url http://127.0.0.1:8000]

Untimed set-up: one event with two ticket types (quotas 60 and 40, up to 4
tickets a buyer), 1,000 users and their access tokens, and each buyer's basket
(1–4 tickets over one or both types, a fixed random draw). Timed: every buyer
posts one order, 50 at a time. Printed: orders/s, latency percentiles of
orders placed (201) and refused (409), and from the database: oversold per
type and partial orders (an order holding fewer tickets than it asked for),
both of which must be 0. Compare the rate with `bench/flash.py` (one ticket a
request): the target is at least 80 % of it. Without --url it starts gunicorn
itself on port 8132, in a new database beside DATABASE_URL's (bench/harness.py).
"""

import asyncio
import collections
import datetime
import random
import sys
from decimal import Decimal

import harness

BUYERS, QUOTAS, CONCURRENCY = 1000, (60, 40), 50
DOMAIN = "order.bench.eventhub.local"
SLUG = "order-sale-bench"


def prepare():
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from events.models import Event, Ticket

    cleanup()
    event = Event.objects.create(
        title="Order sale bench", slug=SLUG, event_date=timezone.now() + datetime.timedelta(days=7)
    )
    tickets = [
        Ticket.objects.create(event=event, name=name, price=price, quota=quota, max_per_user=4)
        for name, price, quota in (("Reguler", Decimal("150000"), QUOTAS[0]), ("VIP", Decimal("500000"), QUOTAS[1]))
    ]
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(email=f"buyer{n}@{DOMAIN}", full_name=f"Buyer {n}", password=unusable) for n in range(BUYERS)]
    )
    draw = random.Random(2026)
    baskets = []
    for _ in users:
        size = draw.randint(1, 4)
        on_second = draw.randint(0, size)
        items = [{"ticket": str(t.pk), "quantity": q} for t, q in ((tickets[0], size - on_second), (tickets[1], on_second)) if q]
        draw.shuffle(items)  # both orders of the two types: the fixed lock order keeps them from deadlocking
        baskets.append(items)
    tokens = [str(AccessToken.for_user(user)) for user in users]
    return event, tickets, tokens, baskets


def cleanup():
    from accounts.models import User
    from events.models import Event
    from registrations.models import Order, Registration

    Registration.objects.filter(user__email__endswith=f"@{DOMAIN}").delete()
    Order.objects.filter(user__email__endswith=f"@{DOMAIN}").delete()
    Event.objects.filter(slug=SLUG).delete()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()


def main():
    return harness.server_benchmark(__doc__.split("\n")[0], port=8132, run=run)


def run(args) -> int:
    from django.db.models import Count

    from events.models import Ticket
    from registrations.models import Order, Registration

    event, tickets, tokens, baskets = prepare()
    server = harness.start_server(url=args.url, port=args.port, workers=args.workers, threads=args.threads)
    try:
        requests = [
            ("POST", "/api/v1/orders/", {"event": str(event.pk), "items": items}, {"Authorization": f"Bearer {token}"})
            for token, items in zip(tokens, baskets, strict=True)
        ]
        cpu = server.cpu_seconds()
        answers, seconds = asyncio.run(harness.run_load(server.url, requests, concurrency=CONCURRENCY))
        cpu_ms = (server.cpu_seconds() - cpu) * 1000 / len(answers)
    finally:
        server.stop()

    codes = collections.Counter((a.status, (a.body or {}).get("code") or (a.body or {}).get("status")) for a in answers)
    placed = [a.seconds for a in answers if a.status == 201]
    refused = [a.seconds for a in answers if a.status == 409]
    oversold = {}
    for ticket in Ticket.objects.filter(pk__in=[t.pk for t in tickets]):
        held = Registration.objects.filter(ticket=ticket, status__in=Registration.ACTIVE_STATUSES).count()
        oversold[ticket.name] = max(held - ticket.quota, 0) + abs(held - ticket.sold)
    asked = {str(n): sum(i["quantity"] for i in items) for n, items in enumerate(baskets)}
    orders = Order.objects.filter(event=event).annotate(n=Count("registrations")).values_list("user__email", "n")
    partial = sum(1 for email, n in orders if n != asked[email.split("@")[0].removeprefix("buyer")])
    rate = len(answers) / seconds
    seats = sum(t.sold for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets]))

    print(f"order sale: {len(answers)} buyers, {CONCURRENCY} concurrent, quotas {QUOTAS}, baskets of 1-4, server {server.url}")
    print(f"  throughput  {rate:.0f} orders/s ({seconds:.2f} s)")
    print(f"  placed      {len(placed):4d}  {harness.percentiles(placed)}")
    print(f"  refused     {len(refused):4d}  {harness.percentiles(refused)}")
    print(f"  p99 (all)   {harness.p99([a.seconds for a in answers]) :.0f} ms")
    print(f"  answers     {dict(sorted(codes.items(), key=str))}")
    print(f"  database    seats sold={seats} of {sum(QUOTAS)}, oversold={oversold}, partial orders={partial}")
    print(f"  server      {cpu_ms:.1f} ms CPU a request (gunicorn workers)")
    ok = not any(oversold.values()) and partial == 0 and len(placed) + len(refused) == BUYERS
    print(f"  verdict     {'PASS' if ok else 'FAIL'} (0 oversold, 0 partial orders; compare the rate with bench/flash.py)")
    cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
