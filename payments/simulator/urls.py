"""Simulator routes, mounted at /simulator/ by eventhub/urls.py while PAYMENT_SIMULATOR is on.

The paths after the gateway name are the gateways' own, so the SDKs reach
them by swapping only their base URL.
"""

from django.urls import path

from . import views

app_name = "simulator"
urlpatterns = [
    path("midtrans/snap/v1/transactions", views.snap_transactions, name="snap-transactions"),
    path("midtrans/snap/v4/redirection/<str:token>", views.midtrans_page, name="midtrans-page"),
    path("midtrans/v2/<str:order_id>/status", views.midtrans_status, name="midtrans-status"),
    path("midtrans/v2/<str:order_id>/expire", views.midtrans_expire, name="midtrans-expire"),
    path("midtrans/v2/<str:order_id>/refund", views.midtrans_refund, name="midtrans-refund"),
    path("xendit/v2/invoices/", views.xendit_invoices, name="xendit-invoices"),
    path("xendit/v2/invoices", views.xendit_invoices),
    path("xendit/v2/invoices/<str:invoice_id>", views.xendit_invoice, name="xendit-invoice"),
    path("xendit/invoices/<str:invoice_id>/expire!", views.xendit_expire, name="xendit-expire"),
    path("xendit/refunds", views.xendit_refunds, name="xendit-refunds"),
    path("xendit/web/<str:invoice_id>", views.xendit_page, name="xendit-page"),
    path("faults", views.FaultControl.as_view(), name="faults"),
]
