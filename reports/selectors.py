"""An organiser's figures for one event: revenue, tickets sold over time, check-ins per gate.

Reports sit above payments and checkins (they read every app, none reads
them). Every figure is aggregated by the database; times are bucketed in the
event's own time zone, so "Saturday 19.00" is the venue's Saturday evening.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Trunc, TruncMinute
from django.utils import timezone

from checkins.models import Checkin
from events.models import Event
from payments.models import Payment
from registrations.models import Registration

CHECKIN_BUCKET = datetime.timedelta(minutes=15)
# Sales spanning up to this long are charted per hour, longer ones per day.
HOURLY_UP_TO = datetime.timedelta(days=3)
MAX_BUCKETS = 400


@dataclasses.dataclass(frozen=True)
class Revenue:
    gross: Decimal  # every rupiah received: paid, refunded later, or awaiting a refund
    refunded: Decimal
    net: Decimal
    awaiting_refund: Decimal  # received after the seat was gone, or cancelled by staff: owed back
    payments: int


@dataclasses.dataclass(frozen=True)
class Series:
    key: str
    name: str
    values: list[int]


@dataclasses.dataclass(frozen=True)
class TimeSeries:
    bucket: str  # "hour", "day" or "15min"
    starts: list[datetime.datetime]  # the start of each bucket, in the event's time zone
    series: list[Series]


def event_payments(event: Event):
    """Return the payment attempts of an event."""
    return Payment.objects.filter(registration__event=event)


def revenue(*, event: Event) -> Revenue:
    """Return the money an event took: gross received, refunded, net, and what still awaits a refund."""
    Status = Payment.Status
    totals = event_payments(event).aggregate(
        gross=Sum("amount", filter=Q(status__in=Payment.SETTLED_STATUSES)),
        refunded=Sum("amount", filter=Q(status=Status.REFUNDED)),
        awaiting=Sum("amount", filter=Q(status=Status.NEEDS_REFUND)),
        payments=Count("id", filter=Q(status__in=Payment.SETTLED_STATUSES)),
    )
    gross, refunded = totals["gross"] or Decimal(0), totals["refunded"] or Decimal(0)
    return Revenue(gross=gross, refunded=refunded, net=gross - refunded,
                   awaiting_refund=totals["awaiting"] or Decimal(0), payments=totals["payments"])


def sales_over_time(*, event: Event) -> TimeSeries:
    """Return the paid tickets of each type, cumulated per hour or day from the first sale to the last."""
    tz = event.tzinfo
    paid = Registration.objects.filter(event=event, status=Registration.Status.PAID, paid_at__isnull=False)
    span = paid.aggregate(first=Min("paid_at"), last=Max("paid_at"))
    tickets = list(event.tickets.order_by("price", "name").values_list("pk", "name"))
    if span["first"] is None:
        return TimeSeries(bucket="day", starts=[], series=[Series(str(pk), name, []) for pk, name in tickets])
    kind = "hour" if span["last"] - span["first"] <= HOURLY_UP_TO else "day"
    rows = (
        paid.annotate(bucket=Trunc("paid_at", kind, tzinfo=tz)).values("ticket_id", "bucket")
        .annotate(count=Count("id")).order_by()
    )
    step = datetime.timedelta(hours=1) if kind == "hour" else datetime.timedelta(days=1)
    starts = _buckets(_truncate(span["first"], kind, tz), _truncate(span["last"], kind, tz), step)
    index = {start: i for i, start in enumerate(starts)}
    counts = {pk: [0] * len(starts) for pk, _name in tickets}
    earlier = dict.fromkeys(counts, 0)  # sold before the first bucket shown (a very long sale)
    for row in rows:
        if row["ticket_id"] not in counts:
            continue
        position = index.get(timezone.localtime(row["bucket"], tz))
        if position is None:
            earlier[row["ticket_id"]] += row["count"]
        else:
            counts[row["ticket_id"]][position] += row["count"]
    return TimeSeries(
        bucket=kind, starts=starts,
        series=[Series(str(pk), name, _cumulated(counts[pk], start=earlier[pk])) for pk, name in tickets],
    )


def checkins_per_gate(*, event: Event) -> TimeSeries:
    """Return the admissions of each gate (device) per 15 minutes, from the first admission to the last."""
    tz = event.tzinfo
    rows = list(
        Checkin.objects.filter(registration__event=event).annotate(minute=TruncMinute("checked_in_at"))
        .values("device", "minute").annotate(count=Count("id")).order_by("minute")
    )
    if not rows:
        return TimeSeries(bucket="15min", starts=[], series=[])
    quarters = [(row["device"], _quarter(timezone.localtime(row["minute"], tz)), row["count"]) for row in rows]
    starts = _buckets(quarters[0][1], quarters[-1][1], CHECKIN_BUCKET)
    index = {start: i for i, start in enumerate(starts)}
    gates: dict[str, list[int]] = {}
    for device, start, count in quarters:
        values = gates.setdefault(device, [0] * len(starts))
        if start in index:
            values[index[start]] += count
    return TimeSeries(
        bucket="15min", starts=starts,
        series=[Series(device, device, values) for device, values in sorted(gates.items())],
    )


def _quarter(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def _truncate(moment: datetime.datetime, kind: str, tz) -> datetime.datetime:
    local = timezone.localtime(moment, tz).replace(minute=0, second=0, microsecond=0)
    return local.replace(hour=0) if kind == "day" else local


def _buckets(first: datetime.datetime, last: datetime.datetime, step: datetime.timedelta) -> list:
    """Return the bucket starts from `first` to `last`; past MAX_BUCKETS, the most recent ones."""
    count = min(int((last - first) / step) + 1, MAX_BUCKETS)
    start = last - step * (count - 1)
    # Indonesia keeps no daylight saving time: local steps are exact.
    return [start + step * i for i in range(count)]


def _cumulated(values: list[int], *, start: int = 0) -> list[int]:
    total, out = start, []
    for value in values:
        total += value
        out.append(total)
    return out

