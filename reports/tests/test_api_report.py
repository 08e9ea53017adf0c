"""events/{slug}/report/, its charts and its exports: the organiser's figures over the API (admin)."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from checkins.tests.factories import CheckinFactory
from events.tests.factories import EventFactory, TicketFactory
from payments.models import Payment
from registrations.tests.factories import RegistrationFactory
from reports.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def event():
    event = EventFactory(slug="festival-senja", timezone="Asia/Makassar")
    vip = TicketFactory(event=event, name="VIP", price=Decimal("750000"))
    regular = TicketFactory(event=event, name="Reguler", price=Decimal("250000"))
    sold = datetime.datetime(2031, 1, 1, 2, 0, tzinfo=UTC)
    ayu = PaymentFactory(registration__ticket=vip, registration__paid_at=sold, registration__user__full_name="Ayu",
                         registration__user__email="ayu@example.com").registration
    PaymentFactory(registration__ticket=regular, registration__paid_at=sold + datetime.timedelta(hours=2),
                   registration__user__full_name="=HYPERLINK(\"http://evil\")")
    PaymentFactory(registration__ticket=regular, status=Payment.Status.REFUNDED,
                   registration__paid_at=sold + datetime.timedelta(hours=1))
    CheckinFactory(registration=ayu, device="Gerbang Utara", checked_in_at=sold + datetime.timedelta(days=3))
    return event


def test_the_report_has_revenue_sales_and_checkins(client_for, staff, event):
    response = client_for(staff).get("/api/v1/events/festival-senja/report/")
    assert response.status_code == 200
    body = response.json()
    assert body["revenue"] == {"gross": "1250000", "refunded": "250000", "net": "1000000",
                               "awaiting_refund": "0", "payments": 3}
    assert body["sales"]["bucket"] == "hour" and len(body["sales"]["starts"]) == 3
    assert {s["name"]: s["values"] for s in body["sales"]["series"]} == {"Reguler": [0, 1, 2], "VIP": [1, 1, 1]}
    assert body["checkins"]["series"] == [{"key": "Gerbang Utara", "name": "Gerbang Utara", "values": [1]}]
    assert [t["name"] for t in body["tickets"]] == ["Reguler", "VIP"]


@pytest.mark.parametrize("chart", ["sales", "checkins"])
def test_each_chart_is_an_svg(client_for, staff, event, chart):
    response = client_for(staff).get(f"/api/v1/events/festival-senja/report/{chart}.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = response.content.decode()
    assert svg.startswith("<svg") and ("<polyline" in svg if chart == "sales" else "<rect x=" in svg)


def test_attendees_export_as_csv_keeps_names_as_text(client_for, staff, event):
    response = client_for(staff).get("/api/v1/events/festival-senja/exports/attendees.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="festival-senja-attendees-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3
    ayu = next(row for row in rows if row["email"] == "ayu@example.com")
    assert ayu["gate"] == "Gerbang Utara" and ayu["checked_in_at"].endswith("+08:00") and ayu["amount"] == "750000"
    assert "'=HYPERLINK(\"http://evil\")" in [row["attendee"] for row in rows]


def test_payments_export_as_xlsx_has_numbers_times_and_no_formulas(client_for, staff, event):
    response = client_for(staff).get("/api/v1/events/festival-senja/exports/payments.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:5] == ("order_id", "provider", "method", "status", "amount")
    assert sorted(row[4] for row in rows) == [250000, 250000, 750000]
    paid_at = header.index("paid_at")
    assert all(isinstance(row[paid_at], datetime.datetime) for row in rows)
    assert {row[3] for row in rows} == {"paid", "refunded"}


def test_attendees_xlsx_keeps_a_formula_looking_name_as_text(client_for, staff, event):
    response = client_for(staff).get("/api/v1/events/festival-senja/exports/attendees.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    evil = next(cell for cell in cells if str(cell.value).startswith("=HYPERLINK"))
    assert evil.data_type == "s"


def test_only_admins_see_reports(client_for, user, api_client, event):
    for url in ("/api/v1/events/festival-senja/report/", "/api/v1/events/festival-senja/report/sales.svg",
                "/api/v1/events/festival-senja/exports/payments.csv"):
        assert api_client.get(url).status_code == 401
        response = client_for(user).get(url)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_unknown_events_kinds_and_formats_are_not_found(client_for, staff, event):
    api = client_for(staff)
    for url in ("/api/v1/events/no-such/report/", "/api/v1/events/no-such/exports/payments.csv",
                "/api/v1/events/festival-senja/exports/secrets.csv", "/api/v1/events/festival-senja/exports/payments.pdf",
                "/api/v1/events/festival-senja/report/revenue.svg"):
        response = api.get(url)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url


def test_an_event_without_sales_reports_zeros_and_empty_charts(client_for, staff):
    EventFactory(slug="sepi")
    body = client_for(staff).get("/api/v1/events/sepi/report/").json()
    assert body["revenue"]["gross"] == "0" and body["sales"]["starts"] == [] and body["checkins"]["series"] == []
    svg = client_for(staff).get("/api/v1/events/sepi/report/checkins.svg").content.decode()
    assert "No check-ins yet." in svg or "Belum ada" in svg
