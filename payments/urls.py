"""Site pages of this app (included by eventhub/urls.py): checkout, pending, success."""

from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("checkout/<uuid:registration_id>/", views.checkout, name="checkout"),
    path("checkout/<uuid:registration_id>/pending/", views.pending, name="pending"),
    path("checkout/<uuid:registration_id>/status/", views.status, name="status"),
    path("checkout/<uuid:registration_id>/success/", views.success, name="success"),
]
