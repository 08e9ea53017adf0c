"""Admin for payments and webhook events, and the payments part of the registration page.

Payments change only through their services (refunds, reconciliation): the actions call them, and every
field is read-only. The registration page (registrations.admin) gets an inline
of its payments, with links to their webhook events, and a "cancel and refund"
action.
"""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit import services as audit
from events.admin import EventScopedAdmin, EventTimeZoneAdmin, ManagerInline, ReadOnlyAdminMixin, list_time
from events.templatetags.eventhub import rupiah
from registrations.admin import RegistrationAdmin

from . import reconciliation, refunds
from .models import Payment, Refund, WebhookEvent

Status = Payment.Status

# What asking the gateway about a payment did (reconciliation.sync_with_gateway), said to staff.
SYNC_OUTCOMES = {
    "paid": _("paid: the ticket is confirmed"),
    "duplicate": _("already settled: nothing changed"),
    "needs_refund": _("paid, but the ticket could not be kept: it needs a refund"),
    "failed": _("the payment failed"),
    "expired": _("the payment expired"),
    "refunded": _("refunded at the gateway"),
    "pending": _("still waiting for payment"),
    "ignored": _("nothing to change"),
    "not_found": _("the gateway does not know this payment"),
    "unavailable": _("the gateway did not answer: try again later"),
    "amount_mismatch": _("the gateway reports another amount: nothing was applied"),
    "currency_mismatch": _("the gateway reports another currency: nothing was applied"),
}


class _PaymentColumns:
    """Amounts in rupiah, methods by name and times in the event's zone, for lists of payments."""

    @admin.display(description=_("amount"), ordering="amount")
    def amount_rupiah(self, payment: Payment) -> str:
        return rupiah(payment.amount)

    @admin.display(description=_("payment method"), ordering="payment_method")
    def method(self, payment: Payment) -> str:
        return payment.method_name

    @admin.display(description=_("created at"), ordering="created_at")
    def created_local(self, payment: Payment) -> str:
        return list_time(payment.created_at, payment.registration.event)

    @admin.display(description=_("paid at"), ordering="paid_at")
    def paid_local(self, payment: Payment) -> str:
        return list_time(payment.paid_at, payment.registration.event)


def _webhook_events_link(payment: Payment) -> str:
    count = getattr(payment, "webhook_count", None)
    if count is None:
        count = payment.webhook_events.count()
    url = reverse("admin:payments_webhookevent_changelist") + f"?payment__id__exact={payment.pk}"
    return format_html('<a href="{}">{}</a>', url, ngettext("%(n)d event", "%(n)d events", count) % {"n": count})


class NeedsRefundFilter(admin.SimpleListFilter):
    title = _("needs refund")
    parameter_name = "needs_refund"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        # A ticket's share owed by hand counts too (its payment stays paid for the other tickets).
        owed = Q(status=Status.NEEDS_REFUND) | Q(refunds__status=Refund.Status.NEEDS_REFUND)
        if self.value() == "yes":
            return queryset.filter(owed).distinct()
        if self.value() == "no":
            return queryset.exclude(owed)
        return queryset


class WebhookEventInline(admin.TabularInline):
    model = WebhookEvent
    fields = ("received_at", "verified", "outcome", "detail")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    """The tickets of the order refunded one by one (their order's other tickets kept)."""

    model = Refund
    fields = ("registration", "amount", "status", "refund_ref", "refunded_at", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(EventScopedAdmin, _PaymentColumns, EventTimeZoneAdmin):
    event_path = "registration__event"
    manager_permissions = ("view", "change")
    list_display = (
        "order_id", "provider", "status", "amount_rupiah", "attendee", "method", "created_local", "paid_local",
    )
    list_filter = (NeedsRefundFilter, "status", "provider", "created_at")
    search_fields = ("order_id", "external_id", "registration__user__email")
    list_select_related = ("registration__user", "registration__event")
    date_hierarchy = "created_at"
    readonly_fields = (
        "id", "registration_link", "provider", "order_id", "external_id", "amount_rupiah", "currency", "status",
        "method", "token", "redirect_url", "expires_at", "paid_at", "refund_ref", "refunded_at", "note",
        "raw_response", "created_at", "updated_at",
    )
    fields = readonly_fields
    inlines = [RefundInline, WebhookEventInline]
    actions = ["record_manual_refund", "refund_through_gateway", "ask_gateway"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def event_timezone(self, request, obj):
        return obj.registration.event.timezone if obj else None

    @admin.display(description=_("attendee"), ordering="registration__user__email")
    def attendee(self, payment):
        return payment.registration.user.email

    @admin.display(description=_("registration"))
    def registration_link(self, payment):
        url = reverse("admin:registrations_registration_change", args=[payment.registration_id])
        return format_html('<a href="{}">{}</a>', url, payment.registration)

    @admin.action(description=_("Record a refund made by hand"))
    def record_manual_refund(self, request, queryset):
        done = 0
        for payment in queryset:
            if refunds.record_manual_refund(payment=payment, by=request.user):
                done += 1
                audit.record(request, "payment.manual_refund", payment, {"status": [payment.status, "refunded"]})
        self.message_user(request, ngettext("%(n)d payment recorded as refunded.",
                                            "%(n)d payments recorded as refunded.", done) % {"n": done})

    @admin.action(description=_("Refund through the gateway"))
    def refund_through_gateway(self, request, queryset):
        outcomes = {p: refunds.refund(payment=p, reason=f"Refunded by {request.user}.") for p in queryset}
        for payment, outcome in outcomes.items():
            if outcome != "ignored":
                audit.record(request, "payment.refund", payment, {"outcome": outcome})
        _report_refunds(self, request, outcomes)

    @admin.action(description=_("Ask the gateway for the current status"))
    def ask_gateway(self, request, queryset):
        for payment in queryset:
            outcome = reconciliation.sync_with_gateway(payment=payment)
            self.message_user(request, f"{payment.order_id}: {SYNC_OUTCOMES.get(outcome, outcome)}")


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("received_at", "provider", "order_id", "verified", "outcome", "payment")
    list_filter = ("provider", "verified", "outcome", "received_at")
    search_fields = ("order_id", "payment__order_id", "payment__registration__user__email")
    list_select_related = ("payment",)
    date_hierarchy = "received_at"
    readonly_fields = ("id", "provider", "payment", "order_id", "headers", "body", "verified", "outcome", "detail",
                       "received_at", "processed_at")
    fields = readonly_fields


class PaymentInline(ManagerInline, _PaymentColumns, admin.TabularInline):
    """The payment attempts of a registration, each with a link to its webhook events."""

    model = Payment
    fields = ("order_link", "provider", "status", "amount_rupiah", "method", "created_local", "paid_local",
              "webhook_events", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("payments and webhook events")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("registration__event")
        return queryset.annotate(webhook_count=Count("webhook_events"))

    @admin.display(description=_("order id"))
    def order_link(self, payment):
        return format_html('<a href="{}">{}</a>', reverse("admin:payments_payment_change", args=[payment.pk]),
                           payment.order_id)

    @admin.display(description=_("webhook events"))
    def webhook_events(self, payment):
        return _webhook_events_link(payment)


def _report_refunds(model_admin, request, outcomes: dict) -> None:
    for payment, outcome in outcomes.items():
        if outcome == "refunded":
            model_admin.message_user(request, _("%(order)s refunded through %(gateway)s.") % {
                "order": payment.order_id, "gateway": payment.get_provider_display()}, messages.SUCCESS)
        elif outcome == "manual":
            model_admin.message_user(request, _(
                "%(order)s must be refunded by hand: the gateway cannot refund it. It is listed under "
                "Payments › needs refund.") % {"order": payment.order_id}, messages.WARNING)


# The registration page lists its payments and their webhook events too.
RegistrationAdmin.inlines = [*RegistrationAdmin.inlines, PaymentInline]
