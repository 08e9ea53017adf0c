"""Serve the built PWA (`frontend/.output/public`, made by `nuxt generate`) under /app/.

Files are served as built; any other path without a file extension gets the
app shell (index.html) so the client-side router can take it. The shell, the
service worker and the manifest are revalidated on every load so an update
reaches devices at once; the content-hashed `_nuxt/` assets are cached for a
year. Production serves the same directory with nginx.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.urls import re_path
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=3600"
NO_CACHE = "no-cache"
# Revalidated on every load: the shell and what decides which shell to run.
ALWAYS_FRESH = {"index.html", "200.html", "404.html", "sw.js", "manifest.webmanifest"}
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".wasm": "application/wasm",
    ".map": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}


def build_root() -> Path:
    """Return the directory `nuxt generate` writes the PWA into."""
    return Path(getattr(settings, "PWA_ROOT", settings.BASE_DIR / "frontend" / ".output" / "public")).resolve()


def _resolve(root: Path, path: str) -> Path | None:
    """Return the file for a URL path inside root, or None; never a path outside root."""
    if "\x00" in path or "\\" in path:
        return None
    candidate = (root / path.lstrip("/")).resolve()
    if not candidate.is_relative_to(root):
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def _cache_control(root: Path, file: Path) -> str:
    relative = file.relative_to(root)
    if file.name in ALWAYS_FRESH:
        return NO_CACHE
    if relative.parts[0] == "_nuxt" or file.name.startswith("workbox-"):
        return LONG_CACHE
    return SHORT_CACHE


def _not_built() -> HttpResponse:
    title = _("The EventHub app is not built yet")
    body = _(
        "Build it with “make pwa” (or “cd frontend && npm ci && npm run generate”); it needs only npm, "
        "which installs its own Node 22. “make run” does this by itself when npm is present."
    )
    html = (
        f'<!doctype html><html lang="{escape(settings.LANGUAGE_CODE)}"><meta charset="utf-8">'
        f"<title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(body)}</p></html>"
    )
    response = HttpResponse(html, status=503)
    response["Cache-Control"] = NO_CACHE
    return response


def _file_response(request, root: Path, file: Path, *, status: int = 200):
    stat = file.stat()
    if status == 200 and not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), stat.st_mtime):
        response = HttpResponseNotModified()
    else:
        content_type = CONTENT_TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        response = FileResponse(file.open("rb"), content_type=content_type, status=status)
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = _cache_control(root, file)
    if file.name == "sw.js":
        response["Service-Worker-Allowed"] = request.path.rsplit("/", 1)[0] + "/"
    return response


@require_safe
def serve(request, path: str = ""):
    """Serve a file of the built PWA, or the app shell for a client-side route."""
    root = build_root()
    shell = root / "index.html"
    if not shell.is_file():
        return _not_built()
    file = _resolve(root, path)
    if file is not None:
        return _file_response(request, root, file)
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if "." in last or path.startswith("_nuxt/"):
        # A missing asset is a 404, never the shell: HTML in place of a script breaks the page obscurely.
        raise Http404(path)
    return _file_response(request, root, shell)


app_name = "pwa"
urlpatterns = [re_path(r"^(?P<path>.*)$", serve, name="serve")]
