"""Site pages of this app (included by eventhub/urls.py)."""

from django.urls import path

from . import order_views, views

app_name = "registrations"
urlpatterns = [
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/checkout/", order_views.checkout, name="checkout"),
    path("events/<slug:slug>/waitlist/join/", order_views.join_waitlist, name="waitlist_join"),
    path("events/<slug:slug>/waitlist/leave/", order_views.leave_waitlist, name="waitlist_leave"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/orders/<uuid:pk>/cancel/", order_views.cancel_order, name="cancel_order"),
    path("dashboard/registrations/<uuid:pk>/", views.registration_detail, name="detail"),
    path("dashboard/registrations/<uuid:pk>/cancel/", views.cancel, name="cancel"),
    path("dashboard/registrations/<uuid:pk>/qr.png", views.qr_png, name="qr_png"),
    path("dashboard/registrations/<uuid:pk>/qr.svg", views.qr_svg, name="qr_svg"),
    path("dashboard/registrations/<uuid:pk>/ticket.pdf", views.ticket_pdf, name="ticket_pdf"),
]
