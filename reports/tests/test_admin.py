"""The admin's event reports: takings per event, a report page with charts, and the exports."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from reports.tests.factories import PaymentFactory
from reports.tests.test_api_report import event  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_the_list_shows_each_events_gross_and_net(staff_client, event):  # noqa: F811
    page = staff_client.get(reverse("admin:reports_eventreport_changelist")).content.decode()
    assert event.title in page and "Rp 1.250.000" in page and "Rp 1.000.000" in page


def test_the_report_page_shows_revenue_charts_and_export_links(staff_client, event):  # noqa: F811
    response = staff_client.get(reverse("admin:reports_eventreport_change", args=[event.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="revenue-gross">Rp 1.250.000' in page
    assert 'data-testid="revenue-refunded">Rp 250.000' in page
    assert "<polyline" in page and 'aria-label="Tickets sold per type over time"' in page
    assert 'aria-label="Check-ins per gate per 15 minutes"' in page
    for kind in ("attendees", "payments"):
        for fmt in ("csv", "xlsx"):
            assert reverse("admin:reports_eventreport_export", kwargs={"pk": event.pk, "kind": kind, "fmt": fmt}) in page


def test_the_exports_download_from_the_admin(staff_client, event):  # noqa: F811
    url = reverse("admin:reports_eventreport_export", kwargs={"pk": event.pk, "kind": "attendees", "fmt": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(staff_client.get(url).streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3
    url = reverse("admin:reports_eventreport_export", kwargs={"pk": event.pk, "kind": "payments", "fmt": "xlsx"})
    assert openpyxl.load_workbook(io.BytesIO(staff_client.get(url).content)).active.max_row == 4
    url = reverse("admin:reports_eventreport_export", kwargs={"pk": event.pk, "kind": "secrets", "fmt": "xlsx"})
    assert staff_client.get(url).status_code == 404


def test_attendees_and_anonymous_visitors_see_no_report(client, user, event):  # noqa: F811
    url = reverse("admin:reports_eventreport_change", args=[event.pk])
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(user)
    assert client.get(url).status_code == 302
    export = reverse("admin:reports_eventreport_export", kwargs={"pk": event.pk, "kind": "payments", "fmt": "csv"})
    assert client.get(export).status_code == 302


def test_a_chart_escapes_names_staff_typed(staff_client, event):  # noqa: F811
    ticket = event.tickets.first()
    ticket.name = "<script>alert(1)</script>"
    ticket.save()
    PaymentFactory(registration__ticket=ticket)
    url = reverse("admin:reports_eventreport_chart", kwargs={"pk": event.pk, "chart": "sales"})
    svg = staff_client.get(url).content.decode()
    assert "<script>" not in svg and "&lt;script&gt;" in svg
