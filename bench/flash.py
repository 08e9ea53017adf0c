"""Flash sale: 1,000 buyers race for 100 seats through POST /api/v1/registrations/.

    DATABASE_URL=postgresql://…/eventhub .venv/bin/python bench/flash.py [--url http://127.0.0.1:8000]
    … bench/flash.py --servers 2      # two gunicorn servers behind the committed nginx config, over HTTPS

Untimed set-up: one event with one ticket type (quota 100), 1,000 users and
their access tokens. Timed: every buyer posts once, 50 at a time. Printed:
requests/s, latency percentiles of sales (201) and refusals (409 sold_out),
and oversold as counted in the database (must be 0). Without --url it starts
gunicorn itself on port 8131, in a new database beside DATABASE_URL's that it
migrates and drops afterwards (production settings; see bench/harness.py).
With --servers N (or --nginx) it starts N servers on ports 8131, 8132, … with
`--workers` each, sharing the database and Redis (REDIS_URL, when set), and
Debian's nginx in front of them with nginx/eventhub.conf.template (TLS, one
upstream `server` line each); the buyers then speak HTTPS to nginx.
Target (issue 12: ten times pretix on the same work; an idle 2-core machine, load
generator included): ≥ 560 requests/s, p99 ≤ 250 ms. On a busy machine compare
the CPU a request of the workers and of PostgreSQL instead, before and after.
"""

import asyncio
import collections
import datetime
import sys
from decimal import Decimal

import harness

BUYERS, QUOTA, CONCURRENCY = 1000, 100, 50
DOMAIN = "flash.bench.eventhub.local"


def prepare(*, buyers: int = BUYERS, quota: int = QUOTA):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from events.models import Event, Ticket

    cleanup()
    event = Event.objects.create(
        title="Flash sale bench", slug="flash-sale-bench", event_date=timezone.now() + datetime.timedelta(days=7)
    )
    ticket = Ticket.objects.create(event=event, name="Early bird", price=Decimal("150000"), quota=quota)
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(email=f"buyer{n}@{DOMAIN}", full_name=f"Buyer {n}", password=unusable) for n in range(buyers)]
    )
    tokens = [str(AccessToken.for_user(user)) for user in users]
    return ticket, tokens


def cleanup():
    from accounts.models import User
    from events.models import Event
    from registrations.models import Order, Registration

    Registration.objects.filter(user__email__endswith=f"@{DOMAIN}").delete()
    Order.objects.filter(user__email__endswith=f"@{DOMAIN}").delete()
    Event.objects.filter(slug="flash-sale-bench").delete()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()


def main():
    return harness.server_benchmark(__doc__.split("\n")[0], port=8131, run=run, options=options)


def options(parser) -> None:
    parser.add_argument("--servers", type=int, default=1, help="gunicorn servers behind nginx (default 1, no nginx)")
    parser.add_argument("--nginx", action="store_true", help="put nginx in front even of one server")
    parser.add_argument("--buyers", type=int, default=BUYERS, help=f"buyers, each posting once (default {BUYERS})")
    parser.add_argument("--quota", type=int, default=QUOTA,
                        help=f"seats (default {QUOTA}); --quota equal to --buyers measures sales alone. "
                             "The verdict is the target's only at the defaults")
    # Two workers of three threads, not the other benches' three of two: on the 2-core machine (load
    # generator and PostgreSQL on it too) one process a core spent 0.5-0.7 ms of worker CPU a request
    # (mean 0.60) against 0.6-0.9 (0.81) for three processes, and the p99 of all answers was lower in 7
    # of 9 interleaved pairs (median 232 ms against 303); 4 x 4 (gunicorn.conf.py's on 2 CPUs): 302, 505.
    parser.set_defaults(workers=2, threads=3)


def run(args) -> int:
    from events.models import Ticket
    from registrations.models import Registration

    buyers, quota = args.buyers, args.quota
    ticket, tokens = prepare(buyers=buyers, quota=quota)
    behind_nginx = not args.url and (args.servers > 1 or args.nginx)
    if behind_nginx:
        server = harness.start_servers(count=args.servers, port=args.port, workers=args.workers, threads=args.threads)
    else:
        server = harness.start_server(url=args.url, port=args.port, workers=args.workers, threads=args.threads)
    try:
        requests = [
            ("POST", "/api/v1/registrations/", {"ticket": str(ticket.pk)}, {"Authorization": f"Bearer {token}"})
            for token in tokens
        ]
        cpu, database_cpu = server.cpu_seconds(), harness.database_cpu_seconds()
        by_server = [one.cpu_seconds() for one in server.servers] if behind_nginx else []
        nginx_cpu = server.nginx.cpu_seconds() if behind_nginx else 0
        answers, seconds = asyncio.run(harness.run_load(
            server.url, requests, concurrency=CONCURRENCY, ssl_context=server.ssl_context if behind_nginx else None))
        cpu_ms = (server.cpu_seconds() - cpu) * 1000 / len(answers)
        database_after = harness.database_cpu_seconds()
        database_ms = (database_after - database_cpu) * 1000 / len(answers) if database_cpu is not None else None
        nginx_ms = (server.nginx.cpu_seconds() - nginx_cpu) * 1000 / len(answers) if behind_nginx else 0
        by_server = [one.cpu_seconds() - before for one, before in zip(server.servers, by_server)] if behind_nginx else []
        rss = server.worker_rss_mb()
    finally:
        server.stop()

    codes = collections.Counter(
        (a.status, (a.body or {}).get("code") or (a.body or {}).get("status")) for a in answers
    )
    sales = [a.seconds for a in answers if a.status == 201]
    refusals = [a.seconds for a in answers if a.status == 409]
    ticket = Ticket.objects.get(pk=ticket.pk)
    held = Registration.objects.filter(ticket=ticket, status__in=Registration.ACTIVE_STATUSES).count()
    oversold = max(held - ticket.quota, 0)
    rate = len(answers) / seconds

    where = (f"{args.servers} servers × {args.workers} workers behind nginx {server.url}" if behind_nginx
             else f"{server.url} ({args.workers} workers × {args.threads} threads)")
    print(f"flash sale: {len(answers)} buyers, {CONCURRENCY} concurrent, quota {quota}, server {where}")
    print(f"  throughput  {rate:.0f} requests/s ({seconds:.2f} s)")
    print(f"  sales       {len(sales):4d}  {harness.percentiles(sales)}")
    print(f"  refusals    {len(refusals):4d}  {harness.percentiles(refusals)}")
    print(f"  all         {len(answers):4d}  {harness.percentiles([a.seconds for a in answers])}")
    print(f"  answers     {dict(sorted(codes.items(), key=str))}")
    print(f"  database    sold={ticket.sold} held={held} quota={ticket.quota} oversold={oversold}")
    if rss:
        print(f"  server      {cpu_ms:.1f} ms CPU a request (gunicorn workers); RSS {', '.join(f'{mb:.0f} MB' for mb in rss)}")
    if database_ms is not None:
        print(f"  postgresql  {database_ms:.1f} ms CPU a request (the backends of the bench database)")
    if behind_nginx:
        print(f"  nginx       {nginx_ms:.1f} ms CPU a request (TLS, proxying); "
              f"gunicorn CPU by server {', '.join(f'{s:.1f} s' for s in by_server)} (nginx balances over both)")
    everything = [a.seconds for a in answers]
    sold = min(quota, buyers)
    ok = oversold == 0 and ticket.sold == held == sold and len(sales) == sold and len(refusals) == buyers - sold
    if (buyers, quota) == (BUYERS, QUOTA):
        verdict = ok and rate >= 560 and harness.p99(everything) <= 250
        print(f"  verdict     {'PASS' if verdict else 'FAIL'} (target ≥ 560 req/s, p99 ≤ 250 ms, 100 sold, 0 oversold)")
    else:
        print(f"  verdict     {'counts right' if ok else 'FAIL'} ({sold} sold, 0 oversold; the target is for the defaults)")
    cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
