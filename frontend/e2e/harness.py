"""What the PWA browser tests and the scanner benchmark share.

Headless Chromium (Debian's, driven by Playwright) with a fake camera that
shows real QR tickets signed by the backend, data made through the real
services, and small helpers to drive the generated app served by Django.
"""

import os
from pathlib import Path

import qrcode

FRONTEND = Path(__file__).resolve().parent.parent
BUILD = FRONTEND / ".output" / "public"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "tiket-rahasia-123"  # accounts.tests.factories.PASSWORD

WIDTH, HEIGHT = 640, 480
DARK, LIGHT = 16, 235


def missing_tools() -> str:
    """Return why the browser tests cannot run here, or '' when they can."""
    if not (BUILD / "index.html").is_file():
        return f"The PWA is not built ({BUILD}): run `make pwa`."
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is missing ({CHROMIUM}): `apt-get install -y chromium`."
    return ""


class FakeCamera:
    """A Y4M file Chromium's fake capture device plays in a loop.

    Chromium reads the file when the camera starts, so after `show` the page
    must restart its camera to see the new picture.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.show(None)

    @staticmethod
    def frame(text: str | None) -> bytes:
        """Return one 4:2:0 frame: the QR code of text (4-module quiet zone) centred on white, or blank."""
        luma = bytearray([LIGHT]) * (WIDTH * HEIGHT)
        if text is not None:
            code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
            code.add_data(text)
            code.make(fit=True)
            matrix = code.get_matrix()
            modules = len(matrix)
            # About 8 px a module, as a phone held at arm's length sees a ticket.
            scale = max(1, min(8, (HEIGHT - 20) // modules))
            left = (WIDTH - modules * scale) // 2
            top = (HEIGHT - modules * scale) // 2
            for row, cells in enumerate(matrix):
                for col, dark in enumerate(cells):
                    if not dark:
                        continue
                    for y in range(top + row * scale, top + (row + 1) * scale):
                        start = y * WIDTH + left + col * scale
                        luma[start : start + scale] = bytes([DARK]) * scale
        chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
        return b"FRAME\n" + bytes(luma) + chroma + chroma

    def show(self, text: str | None) -> None:
        """Put text (a ticket code) in front of the camera, or nothing; atomically."""
        header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(header + self.frame(text))
        os.replace(tmp, self.path)


def launch_chromium(playwright, camera: FakeCamera):
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={camera.path}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )


def app_url(base: str, path: str = "") -> str:
    return f"{base.rstrip('/')}/app/{path.lstrip('/')}"


def login(page, base: str, email: str, password: str = PASSWORD, *, next_path: str = "") -> None:
    """Log in through the app's login page and wait until it has moved on."""
    suffix = f"?next={next_path}" if next_path else ""
    page.goto(app_url(base, f"auth/login{suffix}"))
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def open_station(page, base: str, event_id: str, gate: str = "Gerbang A") -> None:
    """Open the scanner for an event at a gate and wait until its manifest is loaded."""
    page.goto(app_url(base, "admin/scan"))
    page.get_by_test_id("station-event").select_option(str(event_id))
    page.get_by_test_id("station-gate").fill(gate)
    page.get_by_test_id("station-open").click()
    page.get_by_test_id("mode").wait_for()
    page.wait_for_function("document.querySelector('[data-camera]')?.dataset.camera === 'running'")


def rescan(page) -> None:
    """Restart the camera so it reads the picture the fake camera shows now."""
    page.get_by_test_id("camera-restart").click()


def wait_for_verdict(page, result: str, *, offline: bool | None = None, timeout: float = 15000):
    selector = f'[data-testid="verdict"][data-result="{result}"]'
    if offline is not None:
        selector += f'[data-offline="{"true" if offline else "false"}"]'
    return page.wait_for_selector(selector, timeout=timeout)


def wait_for_service_worker(page, timeout_ms: int = 15000) -> bool:
    """Wait until a service worker controls the page; False if none does in time."""
    return page.evaluate(
        """(ms) => Promise.race([
            navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller
                ? true
                : new Promise(resolve => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true)))),
            new Promise(resolve => setTimeout(() => resolve(false), ms)),
        ])""",
        timeout_ms,
    )
