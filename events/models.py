import urllib.parse
import uuid
import zoneinfo

from django.conf import settings
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eventhub.base import TimestampedModel


class Event(TimestampedModel):
    class TimeZone(models.TextChoices):
        WIB = "Asia/Jakarta", _("WIB (Asia/Jakarta)")
        WITA = "Asia/Makassar", _("WITA (Asia/Makassar)")
        WIT = "Asia/Jayapura", _("WIT (Asia/Jayapura)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    event_date = models.DateTimeField(_("event date"), db_index=True)
    location = models.CharField(_("location"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True, db_index=True)
    map_url = models.URLField(
        _("map link"), max_length=500, blank=True, validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A link to the venue on a map. Leave empty to link to a map search for the location and city."),
    )
    organizer = models.CharField(_("organiser"), max_length=200, blank=True)
    # The storage key of the large cover (events/covers.py writes it); empty without a cover.
    cover = models.CharField(_("cover image"), max_length=200, blank=True, editable=False)
    timezone = models.CharField(_("time zone"), max_length=32, choices=TimeZone.choices, default=TimeZone.WIB)
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    max_tickets_per_order = models.PositiveSmallIntegerField(
        _("tickets per order"), default=10, validators=[MinValueValidator(1)],
        help_text=_("The most tickets one order may hold."),
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["event_date"]
        constraints = [
            models.CheckConstraint(condition=Q(max_tickets_per_order__gte=1), name="event_max_tickets_per_order_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def local_date(self):
        """Return the event's start in its own time zone."""
        return timezone.localtime(self.event_date, self.tzinfo)

    @property
    def is_past(self) -> bool:
        return self.event_date <= timezone.now()

    @property
    def place(self) -> str:
        """Return the venue and its city, the city left out when the location already names it."""
        if self.city and self.city.casefold() not in self.location.casefold():
            return f"{self.location}, {self.city}" if self.location else self.city
        return self.location

    @property
    def map_link(self) -> str:
        """Return the venue's map link: the one staff gave, else a map search for the place."""
        if self.map_url:
            return self.map_url
        place = self.place
        return "https://www.google.com/maps/search/?api=1&query=" + urllib.parse.quote(place) if place else ""


class Ticket(TimestampedModel):
    """A ticket type of an event: a price and a quota of seats.

    `sold` counts the seats held by pending and paid registrations. Only the
    reservation service changes it, with one conditional UPDATE.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tickets", verbose_name=_("event"))
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=255, blank=True)
    price = models.DecimalField(_("price (IDR)"), max_digits=12, decimal_places=0)
    quota = models.PositiveIntegerField(_("quota"))
    sold = models.IntegerField(_("sold"), default=0, editable=False)
    sales_start = models.DateTimeField(_("sales start"), null=True, blank=True)
    sales_end = models.DateTimeField(_("sales end"), null=True, blank=True)
    max_per_user = models.PositiveSmallIntegerField(
        _("tickets per buyer"), default=1, validators=[MinValueValidator(1)],
        help_text=_("The most active tickets of this type one buyer may hold, across orders."),
    )

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["price", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(sold__gte=0) & Q(sold__lte=F("quota")), name="ticket_sold_within_quota"),
            models.CheckConstraint(condition=Q(price__gte=0), name="ticket_price_not_negative"),
            models.CheckConstraint(condition=Q(quota__gte=0), name="ticket_quota_not_negative"),
            models.CheckConstraint(condition=Q(max_per_user__gte=1), name="ticket_max_per_user_positive"),
            models.CheckConstraint(
                condition=Q(sales_start__isnull=True) | Q(sales_end__isnull=True) | Q(sales_end__gt=F("sales_start")),
                name="ticket_sales_window_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.event} — {self.name}"

    def save(self, *args, **kwargs):
        # `sold` moves only by the reservation service's conditional UPDATEs: saving
        # a ticket type loaded earlier must never write back a stale count.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "sold"
            ]
        super().save(*args, **kwargs)

    @property
    def seats_left(self) -> int:
        return max(self.quota - self.sold, 0)

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def quantity_choices(self) -> range:
        """Return how many of this type one order may ask for now: 0 up to the buyer cap, the order cap, the seats left.

        Read through the event (`event.tickets.all()`); tickets already held count when the order is placed.
        """
        return range(min(self.max_per_user, self.event.max_tickets_per_order, self.seats_left) + 1)


class EventMember(models.Model):
    """A user's role on one event's team, besides their platform role.

    `manager` runs the event (edits it and its ticket types, sees and cancels
    its registrations, its files, stats and exports, adds door staff); `door`
    only checks people in (scan, manifest, sync, attendee search, stats).
    """

    class Role(models.TextChoices):
        MANAGER = "manager", _("Manager")
        DOOR = "door", _("Door staff")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="team", verbose_name=_("event"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["event", "role", "created_at"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_team_role_per_user_event")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.event}"
