"""Response headers for the JSON API (the site's pages keep Django's defaults)."""


class ApiHeadersMiddleware:
    """Keep API answers out of shared caches and forbid any active content in them.

    Swagger UI (/api/docs/) is a page, not an API answer, and keeps its scripts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/api/") and not request.path_info.startswith("/api/docs/"):
            response.headers.setdefault("Cache-Control", "no-store")
            response.headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        return response
