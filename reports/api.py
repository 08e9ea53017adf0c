"""API v1: an event's report for organisers — revenue, sales over time, check-ins per gate, exports.

Admins and the event's managers (`events.permissions.MANAGE`); another event's report is 404.
"""

from django.shortcuts import get_object_or_404
from django.urls import path, re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from checkins.api import StatsTicketSerializer
from events import permissions
from events.models import Event

from . import views


class RevenueSerializer(serializers.Serializer):
    gross = serializers.DecimalField(max_digits=14, decimal_places=0, help_text="Every rupiah received.")
    refunded = serializers.DecimalField(max_digits=14, decimal_places=0)
    net = serializers.DecimalField(max_digits=14, decimal_places=0, help_text="Gross less refunded.")
    awaiting_refund = serializers.DecimalField(
        max_digits=14, decimal_places=0, help_text="Received but owed back (paid late, or cancelled by staff)."
    )
    payments = serializers.IntegerField(help_text="Payments received.")


class SeriesSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The ticket type id, or the gate name.")
    name = serializers.CharField()
    values = serializers.ListField(child=serializers.IntegerField(), help_text="One value per bucket.")


class TimeSeriesSerializer(serializers.Serializer):
    bucket = serializers.ChoiceField(choices=["hour", "day", "15min"])
    starts = serializers.ListField(child=serializers.DateTimeField(), help_text="Bucket starts, in the event's zone.")
    series = SeriesSerializer(many=True)


class ReportSerializer(serializers.Serializer):
    event = serializers.UUIDField()
    revenue = RevenueSerializer()
    tickets = StatsTicketSerializer(many=True)
    sales = TimeSeriesSerializer(help_text="Paid tickets per type, cumulated, per hour (sales up to 3 days) or day.")
    checkins = TimeSeriesSerializer(help_text="Admissions per gate (device) per 15 minutes.")


class _Binary(renderers.BaseRenderer):
    media_type = "*/*"
    format = "bin"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class _EventReportView(APIView):
    permission_classes = [permissions.ManagesEvents]

    def event(self) -> Event:
        events = permissions.events_for(self.request.user, permissions.MANAGE)
        return get_object_or_404(events, slug=self.kwargs["slug"])


@extend_schema(tags=["reports"], summary="An event's report (admin, event manager)", responses={200: ReportSerializer})
class ReportView(_EventReportView):
    def get(self, request, slug):
        return Response(ReportSerializer(views.report(self.event())).data)


class _FileView(_EventReportView):
    renderer_classes = [renderers.JSONRenderer, _Binary]

    def handle_exception(self, exc):
        # Errors are JSON whatever the client asked for.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)


@extend_schema(
    tags=["reports"],
    summary="A chart of an event's report as SVG (admin, event manager)",
    description="`sales`: tickets sold per type over time; `checkins`: check-ins per gate per 15 minutes.",
    responses={(200, "image/svg+xml"): OpenApiResponse(OpenApiTypes.STR, description="The chart.")},
)
class ChartView(_FileView):
    def get(self, request, slug, chart):
        return views.chart_response(self.event(), chart)


@extend_schema(
    tags=["reports"],
    summary="Export an event's attendees or payments as CSV or XLSX (admin, event manager)",
    responses={
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV, UTF-8 with a byte-order mark."),
        (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
            OpenApiTypes.BINARY, description="One worksheet."
        ),
    },
)
class ExportView(_FileView):
    def get(self, request, slug, kind, fmt):
        return views.export_response(self.event(), kind, fmt)


urlpatterns = [
    path("events/<slug:slug>/report/", ReportView.as_view(), name="api-event-report"),
    re_path(r"^events/(?P<slug>[-\w]+)/report/(?P<chart>sales|checkins)\.svg$", ChartView.as_view(),
            name="api-event-report-chart"),
    re_path(r"^events/(?P<slug>[-\w]+)/exports/(?P<kind>attendees|payments)\.(?P<fmt>csv|xlsx)$",
            ExportView.as_view(), name="api-event-export"),
]
