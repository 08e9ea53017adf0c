"""Soak: mixed traffic for 10 minutes at about 70 % of the measured capacity, on gunicorn with production settings.

    DATABASE_URL=postgresql://…/eventhub .venv/bin/python bench/soak.py [--minutes 10] [--load 0.7]

The mix: browsing (home, event list and detail pages, the events API), signups,
purchases (a registration, its payment started at the gateway, paid on the
gateway's page, whose webhook confirms it), door scans (and some re-scans),
offline manifest downloads and sync uploads; `--mix` sends some kinds only
(to tell which one grows memory). The gateway is the simulator, served by a
gunicorn of its own as a real gateway would be, and calling the app's webhooks
back. First the mix runs flat out for `--capacity-seconds` to measure capacity
(operations/s); then it is sent open-loop at `--load` of that for `--minutes`.
Printed: error rate, p99 per kind, each worker's RSS at the start, after each
minute (split by kind of mapping, see `memory_map`) and at the end, oversold
seats, double admissions and the webhooks' answers for the soak's payments.
Target: 0 errors, 0 oversold, 0 double admissions, RSS growth < 10 % from the
end of the first minute (warm) to the end.
Without --url it starts both servers in a new database beside DATABASE_URL's,
dropped at the end (see bench/harness.py).
"""

import argparse
import asyncio
import collections
import contextlib
import datetime
import itertools
import json
import os
import random
import secrets
import sys
import time
import uuid
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

try:
    from bench import harness
except ImportError:  # run as a script: bench/ is on sys.path
    import harness

MIX = {"browse": 50, "purchase": 20, "scan": 14, "manifest": 8, "sync": 6, "signup": 2}
EVENTS, BUYERS = 10, 3000
SIM_THREADS = 12
DOMAIN = "soak.bench.eventhub.local"


def parse_mix(text: str) -> dict[str, int]:
    """Parse `kind=weight,…` (a bare kind weighs 1) into a mix of known kinds."""
    mix = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        kind, _, weight = item.partition("=")
        if kind not in MIX:
            raise argparse.ArgumentTypeError(f"unknown kind {kind!r}; known: {', '.join(MIX)}")
        mix[kind] = int(weight or 1)
    if not mix or not any(mix.values()):
        raise argparse.ArgumentTypeError("the mix is empty")
    return mix


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--load", type=float, default=0.7, help="share of the measured capacity to send")
    parser.add_argument("--capacity-seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, help="operations/s to send (skips measuring capacity)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8141)
    parser.add_argument("--mix", type=parse_mix, default=MIX,
                        help="kinds and weights, e.g. browse=1 or purchase=3,scan=1 (default: the whole mix)")
    args = parser.parse_args()
    with harness.own_database():
        harness.setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return run(args)


class World:
    """What the traffic needs: events, tickets, buyers' tokens, the staff token; what it made so far."""

    def __init__(self):
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone
        from rest_framework_simplejwt.tokens import AccessToken

        from accounts.models import User
        from events.models import Event, Ticket

        when = timezone.now() + datetime.timedelta(days=30)
        self.events = [Event.objects.create(title=f"Soak event {n}", slug=f"soak-{n}", event_date=when)
                       for n in range(EVENTS)]
        # A small ticket type per event sells out during the soak: oversold would show there.
        self.tickets = [[Ticket.objects.create(event=e, name="Reguler", price=Decimal("150000"), quota=10**6),
                         Ticket.objects.create(event=e, name="VIP", price=Decimal("500000"), quota=40)]
                        for e in self.events]
        unusable = make_password(None)
        users = User.objects.bulk_create(
            [User(email=f"buyer{n}@{DOMAIN}", full_name=f"Buyer {n}", password=unusable) for n in range(BUYERS)])
        self.buyers = [str(AccessToken.for_user(u)) for u in users]
        staff = User.objects.create(email=f"staff@{DOMAIN}", full_name="Staff", password=unusable, role="admin")
        self.staff = {"Authorization": f"Bearer {AccessToken.for_user(staff)}"}
        self.pairs = itertools.product(range(EVENTS), range(BUYERS))  # each buyer once per event
        self.paid: collections.deque = collections.deque()  # (event id, code) not yet scanned
        self.scanned: list = []
        self.signups = itertools.count()


class Traffic:
    def __init__(self, app_url: str, sim_url: str, world: World, mix: dict[str, int] = MIX):
        self.app, self.sim, self.world, self.mix = urlsplit(app_url), urlsplit(sim_url), world, mix
        self.seconds: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: collections.Counter = collections.Counter()
        self.examples: dict[str, str] = {}
        self._pools = {self.app.port: [], self.sim.port: []}

    @contextlib.asynccontextmanager
    async def _connection(self, port: int):
        pool = self._pools[port]
        connection = pool.pop() if pool else harness.Connection("127.0.0.1", port)
        try:
            yield connection
        except BaseException:
            connection.close()
            raise
        else:
            pool.append(connection)

    async def call(self, kind: str, method: str, path: str, *, body=None, form=None, headers=None, expect=(200,),
                   port=None) -> dict | None:
        """Send one request, time it under `kind`, count an unexpected answer as an error; return its JSON."""
        headers = dict(headers or {})
        raw = None
        if body is not None:
            raw = json.dumps(body).encode()
        elif form is not None:
            raw, headers["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            async with self._connection(port or self.app.port) as connection:
                status, payload = await connection.request(method, path, raw, headers)
        except (OSError, asyncio.IncompleteReadError) as exc:
            status, payload = None, str(exc).encode()
        self.seconds[kind].append(time.perf_counter() - started)
        if status not in expect:
            self.errors[kind] += 1
            self.examples.setdefault(kind, f"{method} {path} → {status} {payload[:200]!r}")
            return None
        try:
            return json.loads(payload) if payload else {}
        except ValueError:
            return {}

    async def browse(self):
        event = random.choice(self.world.events)
        path = random.choice(["/", "/events/", f"/events/{event.slug}/", "/api/v1/events/"])
        await self.call("browse", "GET", path)

    async def signup(self):
        n = next(self.world.signups)
        await self.call("signup", "POST", "/api/v1/auth/register/", expect=(201,), body={
            "email": f"new{n}-{secrets.token_hex(3)}@{DOMAIN}", "password": f"Soak-{secrets.token_hex(8)}",
            "full_name": f"New {n}"})

    async def purchase(self):
        try:
            event_index, buyer = next(self.world.pairs)
        except StopIteration:
            return await self.browse()
        bearer = {"Authorization": f"Bearer {self.world.buyers[buyer]}"}
        regular, vip = self.world.tickets[event_index]
        ticket = vip if random.random() < 0.2 else regular
        registration = await self.call("purchase", "POST", "/api/v1/registrations/", body={"ticket": str(ticket.pk)},
                                       headers=bearer, expect=(201, 409))
        if not registration or "id" not in registration:
            return  # sold out (the VIP tickets) is an answer, not an error
        provider = random.choice(["midtrans", "xendit"])
        payment = await self.call("payment_start", "POST", "/api/v1/payments/start/", headers=bearer,
                                  body={"registration": registration["id"], "provider": provider}, expect=(201,))
        if not payment:
            return
        method = {"midtrans": "other_qris", "xendit": "OVO"}[provider]
        # The buyer pays on the gateway's page; the gateway calls the webhook before it answers.
        paid = await self.call("pay_and_webhook", "POST", urlsplit(payment["redirect_url"]).path,
                               form={"method": method, "action": "pay", "notify": "now"}, expect=(302,),
                               port=self.sim.port)
        if paid is None:
            return
        mine = await self.call("ticket", "GET", f"/api/v1/registrations/{registration['id']}/", headers=bearer)
        if mine and mine.get("status") == "paid" and mine.get("qr_code"):
            self.world.paid.append((str(self.world.events[event_index].pk), mine["qr_code"]))
        elif mine is not None:
            self.errors["not_paid_after_webhook"] += 1

    async def scan(self):
        if not self.world.paid or (self.world.scanned and random.random() < 0.15):
            if not self.world.scanned:
                return await self.browse()
            event, code = random.choice(self.world.scanned)
            expect = (409,)  # a re-scan: already checked in
        else:
            event, code = self.world.paid.popleft()
            expect = (201,)
        await self.call("scan", "POST", "/api/v1/checkins/scan/", headers=self.world.staff, expect=expect,
                        body={"code": code, "event": event, "device": f"gate-{random.randint(1, 4)}"})
        if expect == (201,):
            self.world.scanned.append((event, code))  # only once admitted may it be scanned again

    async def manifest(self):
        event = random.choice(self.world.events)
        await self.call("manifest", "GET", f"/api/v1/checkins/manifest/?event={event.pk}", headers=self.world.staff)

    async def sync(self):
        batch = [self.world.paid.popleft() for _ in range(min(3, len(self.world.paid)))]
        if not batch:
            return await self.manifest()
        event = batch[0][0]
        self.world.paid.extend(b for b in batch if b[0] != event)
        batch = [b for b in batch if b[0] == event]
        now = datetime.datetime.now(datetime.UTC).isoformat()
        synced = await self.call("sync", "POST", "/api/v1/checkins/sync/", headers=self.world.staff, body={
            "event": event, "scans": [{"scan_id": str(uuid.uuid4()), "code": code, "scanned_at": now,
                                       "device": "offline-1"} for _, code in batch]})
        if synced is not None:
            self.world.scanned.extend(batch)

    def pick(self):
        kind = random.choices(list(self.mix), weights=list(self.mix.values()))[0]
        return getattr(self, kind)()


async def closed_loop(traffic: Traffic, seconds: float, concurrency: int) -> float:
    """Run the mix flat out; return operations per second."""
    done, deadline = 0, time.monotonic() + seconds

    async def client():
        nonlocal done
        while time.monotonic() < deadline:
            await traffic.pick()
            done += 1

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return done / (time.monotonic() - started)


async def open_loop(traffic: Traffic, seconds: float, rate: float, *, max_in_flight: int = 200,
                    every_minute=None) -> int:
    """Start operations at `rate` per second for `seconds`, whatever the answers; return how many were started.

    `every_minute(n)` is called at the end of each full minute n (1, 2, …).
    """
    started, tasks, minutes = 0, set(), 0
    begin = time.monotonic()
    while (elapsed := time.monotonic() - begin) < seconds:
        if every_minute and int(elapsed // 60) > minutes:
            minutes += 1
            every_minute(minutes)
        due = int(elapsed * rate) - started
        for _ in range(max(due, 0)):
            if len(tasks) >= max_in_flight:
                traffic.errors["overload"] += 1
                break
            task = asyncio.create_task(traffic.pick())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            started += 1
        await asyncio.sleep(0.005)
    if tasks:
        await asyncio.wait(tasks)
    return started


def memory_map(pid: int) -> dict[str, float]:
    """Return a worker's resident memory by kind of mapping, in MB, from /proc/PID/smaps.

    `heap` is glibc's main arena (brk); `anon` the other anonymous mappings:
    Python's object allocator arenas (1 MiB each, merged by the kernel into a
    few mappings), glibc's per-thread arenas, large mallocs, thread stacks;
    `file` mapped files (the interpreter, libraries).
    """
    kinds = collections.Counter({"heap": 0.0, "anon": 0.0, "file": 0.0})
    name = ""
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if not fields[0].endswith(":"):  # a mapping's header: range perms offset dev inode [path]
                name = fields[5] if len(fields) > 5 else ""
            elif fields[0] == "Rss:":
                kind = "heap" if name == "[heap]" else "file" if name.startswith("/") else "anon" if not name else "other"
                kinds[kind] += int(fields[1]) / 1024
    return dict(kinds)


def run(args) -> int:
    from django.db.models import Count
    from django.utils import timezone

    from checkins.models import Checkin
    from events.models import Ticket
    from payments.simulator.models import SimulatedPayment
    from registrations.services import seat_drift

    world = World()
    app_port, sim_port = args.port, args.port + 1
    sim_url = f"http://127.0.0.1:{sim_port}"
    var = harness.var_dir_with_static(os.environ["DATABASE_URL"])
    app = harness.start_server(url=None, port=app_port, workers=args.workers, threads=args.threads, env={
        "VAR_DIR": var,
        "SITE_URL": f"http://127.0.0.1:{app_port}", "GUNICORN_MAX_REQUESTS": "0",
        "MIDTRANS_SNAP_BASE_URL": f"{sim_url}/simulator/midtrans/snap/v1",
        "MIDTRANS_CORE_BASE_URL": f"{sim_url}/simulator/midtrans", "XENDIT_API_HOST": f"{sim_url}/simulator/xendit"})
    # A real gateway never runs out of threads: a buyer's pay request waits there on
    # the app's webhook, which asks the gateway's status API again, so a small
    # simulator would deadlock with the app's threads (until timeouts) when the
    # machine stalls. Its own database pool is as large as its threads.
    sim = harness.start_server(url=None, port=sim_port, workers=2, threads=SIM_THREADS, env={
        "VAR_DIR": var, "DB_POOL_MAX_SIZE": str(SIM_THREADS),
        "DEBUG": "true", "PAYMENT_SIMULATOR": "true", "SITE_URL": f"http://127.0.0.1:{app_port}",
        "TASKS_BACKEND": "immediate", "GUNICORN_MAX_REQUESTS": "0"})
    try:
        warm = Traffic(app.url, sim_url, world)
        asyncio.run(closed_loop(warm, 5, 4))
        rss_start = dict(zip(app.worker_pids(), app.worker_rss_mb()))
        if args.rate:
            capacity, rate = None, args.rate
        else:
            capacity = asyncio.run(closed_loop(Traffic(app.url, sim_url, world, args.mix), args.capacity_seconds, 16))
            rate = capacity * args.load
        traffic = Traffic(app.url, sim_url, world, args.mix)
        print(f"soak: {args.minutes:g} min at {rate:.1f} operations/s"
              + (f" ({args.load:.0%} of a measured capacity of {capacity:.1f}/s)" if capacity else "")
              + f"; load average at start {os.getloadavg()[0]:.2f}", flush=True)
        samples = {}

        def sample(minute):
            samples[minute] = dict(zip(app.worker_pids(), app.worker_rss_mb()))
            print(f"  minute {minute:3d}  RSS " + " ".join(f"{mb:.0f}" for mb in samples[minute].values()) + " MB"
                  + "  (" + "; ".join(" ".join(f"{k} {mb:.0f}" for k, mb in memory_map(pid).items())
                                      for pid in samples[minute]) + ")", flush=True)

        soak_began, cpu_began = timezone.now(), app.cpu_seconds()
        started = asyncio.run(open_loop(traffic, args.minutes * 60, rate, every_minute=sample))
        rss_end = dict(zip(app.worker_pids(), app.worker_rss_mb()))
        app_cpu = app.cpu_seconds() - cpu_began
        # Growth is judged from the end of the first minute at the soak's rate, when
        # the workers have loaded every code path of the mix once (imports, template
        # and URL caches, connection buffers): what grows after that is a leak.
        rss_warm = samples.get(1, rss_start)
    finally:
        try:
            app.stop()
        finally:
            sim.stop()

    requests_sent = sum(len(s) for s in traffic.seconds.values())
    errors = sum(traffic.errors.values())
    print(f"  operations  {started} started, {requests_sent} requests; load average at end {os.getloadavg()[0]:.2f}")
    # Each payment on the simulator's page stands for the webhook it makes the app answer.
    print(f"  app CPU     {app_cpu / max(requests_sent, 1) * 1000:.1f} ms of its workers' CPU a request")
    print(f"  errors      {errors} ({errors / max(requests_sent, 1):.3%}) {dict(traffic.errors)}")
    for kind, example in traffic.examples.items():
        print(f"    e.g. {kind}: {example}")
    for kind, seconds in sorted(traffic.seconds.items()):
        print(f"  {kind:15s} {len(seconds):6d}  p99 {harness.p99(seconds):7.1f} ms  ({harness.percentiles(seconds)})")
    oversold = sum(max(t.sold - t.quota, 0) for t in Ticket.objects.all()) + len(seat_drift())
    double = Checkin.objects.values("registration").annotate(n=Count("id")).filter(n__gt=1).count()
    # The webhooks of the soak itself; those of the flat-out capacity measurement
    # (overload by design, where one may wait past the gateway's timeout) are shown apart.
    webhooks, overloaded = (collections.Counter(n.get("answer") for s in payments for n in s.notifications) for payments in (
        SimulatedPayment.objects.filter(created_at__gte=soak_began), SimulatedPayment.objects.filter(created_at__lt=soak_began)))
    print(f"  database    oversold={oversold} double_admissions={double} webhook answers={dict(webhooks)}"
          f" (during the capacity measurement: {dict(overloaded)})")
    growth = []
    for pid, start in rss_start.items():
        warm, end = rss_warm.get(pid, start), rss_end.get(pid)
        growth.append((end - warm) / warm if end else float("inf"))
        print(f"  worker {pid}  RSS {start:.0f} MB at start, {warm:.0f} MB after the first minute → "
              + (f"{end:.0f} MB at the end ({growth[-1]:+.1%} since the first minute, "
                 f"{(end - start) / start:+.1%} since the start)" if end else "gone"))
    ok = errors == 0 and oversold == 0 and double == 0 and set(webhooks) <= {200} and max(growth) < 0.10
    print(f"  verdict     {'PASS' if ok else 'FAIL'} (0 errors, 0 oversold, 0 double admissions, RSS growth < 10 % after the first minute)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
