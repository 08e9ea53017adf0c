"""Site pages of this app (included by eventhub/urls.py)."""

from django.urls import path

from . import views

app_name = "registrations"
urlpatterns = [
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/registrations/<uuid:pk>/", views.registration_detail, name="detail"),
    path("dashboard/registrations/<uuid:pk>/cancel/", views.cancel, name="cancel"),
    path("dashboard/registrations/<uuid:pk>/qr.png", views.qr_png, name="qr_png"),
    path("dashboard/registrations/<uuid:pk>/qr.svg", views.qr_svg, name="qr_svg"),
    path("dashboard/registrations/<uuid:pk>/ticket.pdf", views.ticket_pdf, name="ticket_pdf"),
]
