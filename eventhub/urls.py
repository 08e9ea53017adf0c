"""Root URLs: the site (each app's urls.py), Django admin and the API (eventhub/api.py)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("eventhub.api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("app/", include("eventhub.pwa")),
    path("accounts/", include("accounts.urls")),
    path("dashboard/files/", include("files.urls")),
    path("", include("payments.urls")),
    path("", include("registrations.urls")),
    path("", include("events.urls")),
    path("", include("checkins.urls")),
]

if settings.PAYMENT_SIMULATOR:
    # The gateway simulator (payments/simulator/); settings refuse it when DEBUG is off.
    urlpatterns.insert(0, path("simulator/", include("payments.simulator.urls")))

# JSON errors under /api/ (the same shape as every API answer), Django's pages elsewhere.
handler400 = "eventhub.api.bad_request"
handler500 = "eventhub.api.server_error"
