"""The organiser's report in the admin: the charts really draw in a browser."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from e2e.screenshots import colours, drawn
from reports.tests.test_api_report import event  # noqa: F401 - the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_report_charts_render(logged_in_page, staff, event):  # noqa: F811
    page = logged_in_page(staff)
    page.goto(reverse("admin:reports_eventreport_change", args=[event.pk]))
    expect(page.get_by_test_id("revenue-net")).to_have_text("Rp 1.000.000")
    for testid in ("sales-chart", "checkins-chart"):
        chart = page.get_by_test_id(testid).locator("svg")
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] > 300 and box["height"] > 100
        shot = chart.screenshot()
        assert drawn(shot) > 0.01, testid  # lines or bars, not a blank frame
        assert colours(shot) >= 3, testid  # series colours beside the grid and the text
    assert page.locator("[data-testid=sales-chart] polyline").count() == 2
