"""Middleware for the JSON API (the site's pages keep Django's defaults)."""

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
