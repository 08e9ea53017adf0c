"""The v1 API: each app's api.py contributes its routes under /api/v1/.

Also the OpenAPI schema (/api/schema/), Swagger UI (/api/docs/), and a JSON
404 for every other path under /api/, so every answer has the one error shape.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.urls import include, path, re_path
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .sanitise import UnsafeInput, refusal_response

v1 = [
    path("", include("accounts.api")),
    path("", include("accounts.twofactor_api")),
    path("", include("events.api")),
    path("", include("registrations.api")),
    path("", include("registrations.orders_api")),
    path("", include("payments.api")),
    path("", include("checkins.api")),
    path("", include("checkins.device_api")),
    path("", include("files.api")),
    path("", include("reports.api")),
    path("", include("audit.api")),
    path("", include("waitingroom.api")),
]


@csrf_exempt  # any method, cookie or not: the answer is the same 404
def not_found(request, *args, **kwargs):
    """Answer any method on an unknown API path with the JSON error shape."""
    return JsonResponse({"code": "not_found", "detail": gettext("Not found.")}, status=404)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None, *args, **kwargs):
    """handler400: JSON under /api/, Django's page elsewhere; unsafe input names its field."""
    if isinstance(exception, UnsafeInput):
        return refusal_response(request, exception)
    if _is_api(request):
        return JsonResponse({"code": "bad_request", "detail": gettext("Bad request.")}, status=400)
    return defaults.bad_request(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    """handler500: JSON under /api/, Django's page elsewhere; 503 while the database cannot be reached."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable(request)
    if _is_api(request):
        return JsonResponse({"code": "server_error", "detail": gettext("Server error.")}, status=500)
    return defaults.server_error(request, *args, **kwargs)


def database_unavailable(request):
    """Answer 503 while the database is down or every connection was lost: try again shortly."""
    if _is_api(request):
        response = JsonResponse(
            {"code": "database_unavailable", "detail": gettext("The service is briefly unavailable. Please try again.")},
            status=503,
        )
    else:
        # Without the request: its context processors (the user, the session) would ask the database again.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = "5"
    return response


urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"", not_found),
]
