import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from events.models import Event
from events.templatetags.eventhub import event_time, rupiah


@pytest.mark.parametrize(
    "value, expected",
    [(Decimal("150000"), "Rp 150.000"), (1500000, "Rp 1.500.000"), ("25000", "Rp 25.000"), (None, ""), ("x", "")],
)
def test_rupiah_formats_whole_rupiah_with_dots(value, expected):
    assert rupiah(value) == expected


def test_rupiah_says_free_for_zero_in_the_active_language():
    with translation.override("id"):
        assert rupiah(Decimal("0")) == "Gratis"
    with translation.override("en"):
        assert rupiah(0) == "Free"


@pytest.mark.parametrize(
    "zone, expected",
    [("Asia/Jakarta", "1 Jan. 2031, 7.30 WIB"), ("Asia/Makassar", "1 Jan. 2031, 8.30 WITA"),
     ("Asia/Jayapura", "1 Jan. 2031, 9.30 WIT")],
)
def test_event_time_uses_the_events_time_zone(zone, expected):
    event = Event(timezone=zone)
    with translation.override("id"):
        assert event_time(datetime.datetime(2031, 1, 1, 0, 30, tzinfo=datetime.UTC), event) == expected
