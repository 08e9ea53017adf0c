import datetime
from decimal import Decimal

import pytest

from checkins.tests.factories import CheckinFactory
from events.tests.factories import EventFactory, TicketFactory
from payments.models import Payment
from registrations.tests.factories import RegistrationFactory
from reports import selectors
from reports.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
WITA = datetime.timezone(datetime.timedelta(hours=8))


def test_revenue_is_gross_less_refunded_with_what_awaits_a_refund():
    event = EventFactory()
    ticket = TicketFactory(event=event, price=Decimal("150000"))
    PaymentFactory(registration__ticket=ticket)
    PaymentFactory(registration__ticket=ticket)
    PaymentFactory(registration__ticket=ticket, status=Payment.Status.REFUNDED)
    PaymentFactory(registration__ticket=ticket, status=Payment.Status.NEEDS_REFUND)
    PaymentFactory(registration__ticket=ticket, status=Payment.Status.FAILED)
    PaymentFactory(registration__ticket=ticket, status=Payment.Status.EXPIRED)
    PaymentFactory(registration__ticket=TicketFactory(price=Decimal("999000")))  # another event
    revenue = selectors.revenue(event=event)
    assert revenue.gross == Decimal("600000")
    assert revenue.refunded == Decimal("150000")
    assert revenue.net == Decimal("450000")
    assert revenue.awaiting_refund == Decimal("150000")
    assert revenue.payments == 4


def test_an_event_without_payments_took_nothing():
    revenue = selectors.revenue(event=EventFactory())
    assert (revenue.gross, revenue.refunded, revenue.net, revenue.payments) == (0, 0, 0, 0)


def test_sales_are_cumulated_per_type_per_hour_in_the_events_zone():
    event = EventFactory(timezone="Asia/Makassar")
    vip, regular = TicketFactory(event=event, name="VIP", price=500000), TicketFactory(event=event, name="Reguler")
    start = datetime.datetime(2031, 1, 1, 1, 10, tzinfo=UTC)  # 09.10 WITA
    for minutes, ticket in [(0, regular), (5, regular), (50, vip), (185, regular)]:
        RegistrationFactory(ticket=ticket, paid=True, paid_at=start + datetime.timedelta(minutes=minutes))
    RegistrationFactory(ticket=vip)  # pending: not sold
    sales = selectors.sales_over_time(event=event)
    assert sales.bucket == "hour"
    assert [s.hour for s in sales.starts] == [9, 10, 11, 12]
    assert sales.starts[0].utcoffset() == datetime.timedelta(hours=8)
    by_name = {s.name: s.values for s in sales.series}
    assert by_name == {"Reguler": [2, 2, 2, 3], "VIP": [0, 1, 1, 1]}
    assert [s.name for s in sales.series] == ["Reguler", "VIP"]  # by price


def test_long_sales_are_charted_per_local_day():
    event = EventFactory(timezone="Asia/Jakarta")
    ticket = TicketFactory(event=event)
    # 23.30 WIB on 1 March and 00.30 WIB on 2 March are different local days.
    RegistrationFactory(ticket=ticket, paid=True, paid_at=datetime.datetime(2031, 3, 1, 16, 30, tzinfo=UTC))
    RegistrationFactory(ticket=ticket, paid=True, paid_at=datetime.datetime(2031, 3, 1, 17, 30, tzinfo=UTC))
    RegistrationFactory(ticket=ticket, paid=True, paid_at=datetime.datetime(2031, 3, 10, 3, 0, tzinfo=UTC))
    sales = selectors.sales_over_time(event=event)
    assert sales.bucket == "day" and len(sales.starts) == 10
    assert sales.starts[0].date() == datetime.date(2031, 3, 1)
    assert sales.series[0].values[:2] == [1, 2] and sales.series[0].values[-1] == 3


def test_no_sales_yet_is_an_empty_chart_with_every_type():
    event = EventFactory()
    TicketFactory(event=event, name="Umum")
    sales = selectors.sales_over_time(event=event)
    assert sales.starts == [] and [s.name for s in sales.series] == ["Umum"]


def test_checkins_are_counted_per_gate_per_quarter_hour():
    event = EventFactory(timezone="Asia/Makassar")
    ticket = TicketFactory(event=event)
    doors = datetime.datetime(2031, 1, 1, 10, 0, tzinfo=UTC)  # 18.00 WITA
    for minutes, gate in [(1, "utara"), (14, "utara"), (14, "selatan"), (16, "utara"), (59, "selatan")]:
        CheckinFactory(registration__ticket=ticket, device=gate, checked_in_at=doors + datetime.timedelta(minutes=minutes))
    CheckinFactory(device="lain")  # another event
    data = selectors.checkins_per_gate(event=event)
    assert data.bucket == "15min"
    assert [(s.hour, s.minute) for s in data.starts] == [(18, 0), (18, 15), (18, 30), (18, 45)]
    assert {s.name: s.values for s in data.series} == {"selatan": [1, 0, 0, 1], "utara": [2, 1, 0, 0]}
