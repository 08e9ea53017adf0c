"""Middleware for the JSON API (the site's pages keep Django's defaults)."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext


class ApiMiddleware:
    """Answer a wrong method with 405 before authentication, and harden API answers.

    DRF authenticates before it looks at the method, so an anonymous PUT on a
    GET-only endpoint would be 401; the method is the first thing wrong with
    it. API answers are kept out of shared caches and may carry no active
    content; Swagger UI (/api/docs/) is a page, not an API answer, and keeps
    its scripts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: dict[type, frozenset[str]] = {}

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/api/") and not request.path_info.startswith("/api/docs/"):
            response.headers.setdefault("Cache-Control", "no-store")
            response.headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)  # set by DRF's APIView.as_view()
        if view_class is None or not request.path_info.startswith("/api/"):
            return None
        allowed = self._allowed.get(view_class)
        if allowed is None:
            view = view_class(**getattr(view_func, "initkwargs", {}))
            allowed = self._allowed[view_class] = frozenset(view.allowed_methods)
        if request.method in allowed:
            return None
        response = JsonResponse(
            {"code": "method_not_allowed", "detail": gettext('Method "%s" not allowed.') % request.method}, status=405
        )
        response["Allow"] = ", ".join(sorted(allowed))
        return response


def api_headers(request, length: int) -> list[tuple[str, str]]:
    """Return the headers the middleware sets on an API answer of `length` bytes (for the WSGI-level answers).

    ApiMiddleware's, SecurityMiddleware's, clickjacking's and CommonMiddleware's
    (Content-Length): what waitingroom.wsgi and registrations.wsgi add to the
    answers they give ahead of the stack.
    """
    headers = [
        ("Content-Length", str(length)),
        ("Cache-Control", "no-store"),
        ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
    ]
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    if settings.SECURE_HSTS_SECONDS and request.is_secure():
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        headers.append(("Strict-Transport-Security", value))
    return headers
