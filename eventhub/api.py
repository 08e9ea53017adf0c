"""The v1 API: each app's api.py contributes its routes under /api/v1/."""

from django.urls import include, path

v1 = [
    path("", include("accounts.api")),
    path("", include("events.api")),
    path("", include("registrations.api")),
    path("", include("payments.api")),
    path("", include("checkins.api")),
    path("", include("files.api")),
]

urlpatterns = [
    path("v1/", include(v1)),
]
