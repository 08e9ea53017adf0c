"""Scanner benchmark: from a QR code appearing in the camera to the verdict on screen.

Runs the generated PWA served by Django (a live server on a throwaway
PostgreSQL database) in headless Chromium with a fake camera. Each scan puts
a new paid ticket in front of the camera and restarts it; the time is taken in
the page from the first video frame that shows the ticket to the frame after
the verdict naming its attendee is in the DOM. Online scans ask the API;
offline scans (`context.set_offline`) decide against the IndexedDB manifest.
Also prints the JavaScript the scanner route ships (scripts fetched on a cold
load of /app/admin/scan with the camera running), raw and gzipped.

    make bench-scanner            # or: DATABASE_URL=postgresql://… .venv/bin/python bench/scanner.py --scans 50
"""

import argparse
import gzip
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "frontend" / "e2e")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eventhub.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()
# The figures are the output: keep request and task logs out of it.
logging.disable(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.test.testcases import LiveServerThread, _StaticFilesHandler  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402
from harness import FakeCamera, launch_chromium, login, missing_tools, open_station  # noqa: E402

from bench import harness as bench_harness  # noqa: E402

# Runs in the page: restart the camera, wait for the first frame of the new stream,
# then for the verdict naming the attendee; both times on the page's clock.
MEASURE = """async ([name, timeoutMs]) => {
  const video = document.querySelector('[data-testid="scanner-video"]')
  const before = document.querySelector('[data-testid="verdict"]')?.dataset.at
  const oldStream = video.srcObject
  document.querySelector('[data-testid="camera-restart"]').click()
  const deadline = performance.now() + timeoutMs
  while (!video.srcObject || video.srcObject === oldStream) {
    if (performance.now() > deadline) throw new Error('the camera did not restart')
    await new Promise(resolve => setTimeout(resolve, 1))
  }
  const appeared = await new Promise(resolve =>
    video.requestVideoFrameCallback((now, frame) => resolve(frame.presentationTime || now)))
  const shown = await new Promise((resolve, reject) => {
    const done = () => {
      const verdict = document.querySelector('[data-testid="verdict"]')
      if (!verdict || verdict.dataset.at === before || !verdict.textContent.includes(name)) return false
      requestAnimationFrame(() => resolve({ at: performance.now(), result: verdict.dataset.result, offline: verdict.dataset.offline }))
      return true
    }
    if (done()) return
    const observer = new MutationObserver(() => { if (done()) observer.disconnect() })
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })
    setTimeout(() => { observer.disconnect(); reject(new Error('no verdict for ' + name)) }, Math.max(0, deadline - performance.now()))
  })
  return { ms: shown.at - appeared, result: shown.result, offline: shown.offline }
}"""


def seed(count: int):
    """Make a staff user, an event and `count` paid registrations through the real services."""
    from accounts.tests.factories import AdminFactory, UserFactory
    from events.tests.factories import EventFactory, TicketFactory
    from registrations import services

    staff = AdminFactory(full_name="Bench Staff")
    event = EventFactory(title="Bench Konser", slug="bench-konser")
    ticket = TicketFactory(event=event, name="Reguler", quota=count + 10)
    tickets = []
    for n in range(count):
        registration = services.reserve(ticket=ticket, user=UserFactory(full_name=f"Peserta Bench {n:03d}"))
        tickets.append((services.mark_paid(registration=registration).qr_code, f"Peserta Bench {n:03d}"))
    return staff, event, tickets


def run_scans(page, camera, tickets, *, expect_offline: bool) -> list[float]:
    times = []
    for code, name in tickets:
        camera.show(code)
        answer = page.evaluate(MEASURE, [name, 20000])
        if answer["result"] != "ok" or (answer["offline"] == "true") != expect_offline:
            raise SystemExit(f"unexpected verdict for {name}: {answer}")
        times.append(answer["ms"])
    return times


def cold_scripts(browser, base: str, staff, event) -> list[tuple[str, int, int]]:
    """Scripts fetched when a signed-in staff member opens /app/admin/scan in a fresh tab with an empty cache."""
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    login(page, base, staff.email)
    # A new page in the same context keeps the refresh cookie but shares no memory cache with the first.
    page.close()
    cold = context.new_page()
    cdp = context.new_cdp_session(cold)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    scripts: dict[str, bytes] = {}

    def keep(response):
        # A blob: URL is the decoder worker made from a chunk already counted.
        if response.request.resource_type == "script" and response.ok and response.url.startswith("http"):
            scripts.setdefault(response.url, response.body())

    cold.on("response", keep)
    open_station(cold, base, event.id, gate="Bench")
    cold.wait_for_load_state("networkidle")
    context.close()
    return sorted(
        ((url.rsplit("/", 1)[-1], len(body), len(gzip.compress(body, compresslevel=9))) for url, body in scripts.items()),
        key=lambda item: -item[2],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=50, help="scans online and again offline (default 50)")
    args = parser.parse_args()
    reason = missing_tools()
    if reason:
        raise SystemExit(reason)
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (a throwaway test database is made there).")
    settings.DATABASES["default"]["TEST"]["NAME"] = f"bench_scanner_{settings.DATABASES['default']['NAME']}"

    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    server = None
    try:
        staff, event, tickets = seed(2 * args.scans)
        server = LiveServerThread("localhost", _StaticFilesHandler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        base = f"http://localhost:{server.port}"

        from playwright.sync_api import sync_playwright

        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
            camera = FakeCamera(Path(tmp) / "camera.y4m")
            browser = launch_chromium(playwright, camera)
            context = browser.new_context(service_workers="allow")
            page = context.new_page()
            login(page, base, staff.email)
            open_station(page, base, event.id, gate="Bench")
            started = time.perf_counter()
            online = run_scans(page, camera, tickets[: args.scans], expect_offline=False)
            context.set_offline(True)
            offline = run_scans(page, camera, tickets[args.scans :], expect_offline=True)
            context.set_offline(False)
            elapsed = time.perf_counter() - started
            context.close()
            camera.show(None)
            scripts = cold_scripts(browser, base, staff, event)
            browser.close()
    finally:
        if server is not None:
            server.terminate()
        teardown_databases(databases, verbosity=0)

    print(f"scanner: QR in the camera → verdict on screen, {args.scans} scans each ({elapsed:.0f} s in all)")
    for label, times in (("online ", online), ("offline", offline)):
        print(
            f"  {label}  median {statistics.median(times):6.0f} ms   p95 {bench_harness.percentile(times, 95):6.0f} ms"
            f"   min {min(times):5.0f} ms   max {max(times):5.0f} ms"
        )
    total_raw = sum(raw for _, raw, _ in scripts)
    total_gz = sum(gz for _, _, gz in scripts)
    print(f"scanner route JavaScript (cold load of /app/admin/scan, camera running): {len(scripts)} files,")
    print(f"  {total_raw / 1024:.1f} KiB raw, {total_gz / 1024:.1f} KiB gzip -9")
    for name, raw, gz in scripts[:6]:
        print(f"    {name:32} {raw / 1024:7.1f} KiB  {gz / 1024:6.1f} KiB gzip")
    print("(a shared 2-core machine: figures are indicative)")


if __name__ == "__main__":
    main()
