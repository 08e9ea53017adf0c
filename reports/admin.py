"""The admin's event reports: a list of events with their takings, and a page per event with charts and exports."""

from django.contrib import admin
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from events.admin import EventScopedAdmin, ReadOnlyAdminMixin, list_time
from events.templatetags.eventhub import rupiah_amount
from payments.models import Payment

from . import exports, selectors, views
from .models import EventReport


@admin.register(EventReport)
class EventReportAdmin(ReadOnlyAdminMixin, EventScopedAdmin, admin.ModelAdmin):
    """Admins see every event's report; an event's managers see their own events' (others are 404)."""

    event_path = "pk"
    manager_permissions = ("view",)
    list_display = ("title", "date", "gross", "net")
    list_display_links = ("title",)
    search_fields = ("title", "slug", "city")
    list_filter = ("is_active", "city")
    ordering = ("-event_date",)

    def get_queryset(self, request):
        settled = Q(registrations__payments__status__in=Payment.SETTLED_STATUSES)
        refunded = Q(registrations__payments__status=Payment.Status.REFUNDED)
        return super().get_queryset(request).annotate(
            gross_amount=Sum("registrations__payments__amount", filter=settled),
            refunded_amount=Sum("registrations__payments__amount", filter=refunded),
        )

    @admin.display(description=_("date"), ordering="event_date")
    def date(self, event) -> str:
        return list_time(event.event_date, event)

    @admin.display(description=_("gross"), ordering="gross_amount")
    def gross(self, event) -> str:
        return rupiah_amount(event.gross_amount) if event.gross_amount else "–"

    @admin.display(description=_("net"))
    def net(self, event) -> str:
        if not event.gross_amount:
            return "–"
        return rupiah_amount(event.gross_amount - (event.refunded_amount or 0))

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("<uuid:pk>/chart/<str:chart>.svg", view(self.chart_view), name="%s_%s_chart" % info),
            path("<uuid:pk>/export/<str:kind>.<str:fmt>", view(self.export_view), name="%s_%s_export" % info),
            *super().get_urls(),
        ]

    def _event(self, request, pk) -> EventReport:
        if not self.has_view_permission(request):
            raise Http404
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        event = self._event(request, object_id)
        info = self.opts.app_label, self.opts.model_name
        exports_links = [
            (kind, fmt, reverse("admin:%s_%s_export" % info, kwargs={"pk": event.pk, "kind": kind, "fmt": fmt}))
            for kind in exports.KINDS for fmt in exports.FORMATS
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Report: %(event)s") % {"event": event.title},
            "opts": self.opts,
            "event": event,
            "report": views.report(event),
            # Our own SVG: every text in it is escaped by reports.charts.
            "sales_chart": mark_safe(views.chart_svg(event, "sales")),  # noqa: S308
            "checkins_chart": mark_safe(views.chart_svg(event, "checkins")),  # noqa: S308
            "exports": exports_links,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/reports/report.html", context)

    def chart_view(self, request, pk, chart):
        if chart not in views.CHARTS:
            raise Http404
        return views.chart_response(self._event(request, pk), chart)

    def export_view(self, request, pk, kind, fmt):
        if kind not in exports.KINDS or fmt not in exports.FORMATS:
            raise Http404
        return views.export_response(self._event(request, pk), kind, fmt)
