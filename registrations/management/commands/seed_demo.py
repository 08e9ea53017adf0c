"""Demo data for `make run`: accounts with printed credentials and events that show every state.

Idempotent: what exists (by email, slug, or ticket type name) is left alone, so a
second run creates nothing and prints the same credentials. Seats are taken
only through the reservation service, so `check_seats` finds no drift.
"""

import dataclasses
import datetime
import logging
import zoneinfo
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import register_user
from events.models import Event, Ticket
from registrations import services
from registrations.models import Registration

ADMIN_EMAIL = "admin@eventhub.local"
ADMIN_PASSWORD = "eventhub-admin-demo"
ATTENDEE_EMAIL = "peserta@eventhub.local"
ATTENDEE_PASSWORD = "eventhub-peserta-demo"

BUYERS = [
    "Ayu Lestari", "Bagus Pratama", "Citra Kirana", "Dimas Saputra", "Eka Putri Handayani", "Fajar Nugroho",
    "Gita Permatasari", "Hendra Wijaya", "Indah Sari", "Joko Susilo", "Kadek Ariani", "Lukman Hakim",
    "Maya Anggraini", "Nanda Kusuma", "Oktaviani Siregar", "Putu Mahendra",
]

WIB, WITA, WIT = Event.TimeZone.WIB, Event.TimeZone.WITA, Event.TimeZone.WIT


@dataclasses.dataclass
class DemoTicket:
    name: str
    price: int
    quota: int
    description: str = ""
    # Sales window: days from the seeding day to the end of sales, days before the event to their start.
    sales_end_in_days: int | None = None
    sales_start_days_before_event: int | None = None


@dataclasses.dataclass
class DemoEvent:
    slug: str
    title: str
    location: str
    city: str
    organizer: str
    timezone: str
    days_from_now: int
    hour: int
    description: str
    tickets: list[DemoTicket]


EVENTS = [
    DemoEvent(
        slug="meetup-python-jakarta",
        title="Meetup Python Jakarta: Django di Produksi",
        location="Gedung Cyber 2, Kuningan, Jakarta Selatan",
        city="Jakarta", organizer="Komunitas Python Indonesia",
        timezone=WIB, days_from_now=14, hour=19,
        description=(
            "Malam berbagi pengalaman menjalankan Django di produksi: antrean tugas, basis data PostgreSQL, "
            "dan pemantauan. Gratis, terbuka untuk umum; kopi dan gorengan disediakan."
        ),
        tickets=[
            DemoTicket("Umum", 0, 150, "Tempat duduk bebas."),
            DemoTicket("Mahasiswa", 0, 50, "Tunjukkan kartu mahasiswa di pintu masuk.", sales_end_in_days=12),
        ],
    ),
    DemoEvent(
        slug="festival-musik-senja-bali",
        title="Festival Musik Senja Bali",
        location="Pantai Melasti, Badung, Bali",
        city="Bali", organizer="Senja Nusantara Production",
        timezone=WITA, days_from_now=45, hour=16,
        description=(
            "Sore sampai malam di tepi pantai bersama musisi indie Nusantara, kuliner lokal, dan matahari "
            "terbenam di Samudra Hindia."
        ),
        tickets=[
            DemoTicket("Early Bird", 150_000, 200, "Harga khusus, terbatas.", sales_end_in_days=10),
            DemoTicket("Reguler", 250_000, 800, "Akses festival seharian."),
            DemoTicket("VIP", 750_000, 100, "Area depan panggung, lounge, dan satu minuman."),
            DemoTicket(
                "Tiket Hari-H", 300_000, 150, "Dijual mulai sehari sebelum acara.", sales_start_days_before_event=1
            ),
        ],
    ),
    DemoEvent(
        slug="workshop-fotografi-raja-ampat",
        title="Workshop Fotografi Bawah Laut Raja Ampat",
        location="Waisai, Raja Ampat, Papua Barat Daya",
        city="Raja Ampat", organizer="Papua Dive Academy",
        timezone=WIT, days_from_now=60, hour=8,
        description=(
            "Tiga hari belajar memotret terumbu karang bersama fotografer bawah laut berpengalaman. "
            "Kelas kecil; peralatan selam disediakan."
        ),
        tickets=[
            DemoTicket("Kelas Pemula", 1_500_000, 8, "Untuk penyelam dengan lisensi Open Water."),
            DemoTicket("Kelas Lanjutan", 2_500_000, 4, "Untuk penyelam Advanced dengan kamera sendiri."),
        ],
    ),
    DemoEvent(
        slug="seminar-ekonomi-kreatif-bandung",
        title="Seminar Ekonomi Kreatif Bandung",
        location="Gedung Sate, Jl. Diponegoro No. 22, Bandung",
        city="Bandung", organizer="Bandung Creative Hub",
        timezone=WIB, days_from_now=-20, hour=9,
        description="Seminar sehari tentang pendanaan dan pemasaran digital untuk pelaku UMKM kreatif.",
        tickets=[
            DemoTicket("Umum", 50_000, 300, "Termasuk makan siang dan sertifikat."),
            DemoTicket("Pelajar", 0, 100, "Gratis untuk pelajar dan mahasiswa."),
        ],
    ),
]


class Command(BaseCommand):
    help = "Create demo accounts and events (development only) and print the demo credentials."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts whose passwords it prints; it runs only with DEBUG on (--force overrides)."
            )
        self.created = Counter()
        # The demo registrations send some fifty emails (into var/mail/): no log lines for each.
        tasks_log = logging.getLogger("django.tasks")
        level = tasks_log.level
        tasks_log.setLevel(logging.WARNING)
        try:
            self._seed()
        finally:
            tasks_log.setLevel(level)

    def _seed(self) -> None:
        with transaction.atomic():
            admin = self._user(ADMIN_EMAIL, ADMIN_PASSWORD, full_name="Admin EventHub", role=User.Role.ADMIN)
            attendee = self._user(ATTENDEE_EMAIL, ATTENDEE_PASSWORD, full_name="Rina Wulandari",
                                  phone="+6281234567890")
            buyers = [
                self._user(f"{name.lower().replace(' ', '.')}@eventhub.local", None, full_name=name,
                           phone=f"+62812000{index:05d}")
                for index, name in enumerate(BUYERS)
            ]
            events = {demo.slug: self._event(demo) for demo in EVENTS}
            self._registrations(events, attendee, buyers)
        self._report(admin, attendee)

    def _user(self, email: str, password: str | None, **fields) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = register_user(email=email, password=password, **fields)
            self.created["accounts"] += 1
        return user

    def _event(self, demo: DemoEvent) -> dict[str, Ticket]:
        event = Event.objects.filter(slug=demo.slug).first()
        if event is None:
            tz = zoneinfo.ZoneInfo(demo.timezone)
            day = timezone.localdate(timezone=tz) + datetime.timedelta(days=demo.days_from_now)
            event = Event.objects.create(
                slug=demo.slug, title=demo.title, location=demo.location, city=demo.city,
                organizer=demo.organizer, timezone=demo.timezone,
                description=demo.description,
                event_date=datetime.datetime.combine(day, datetime.time(demo.hour), tzinfo=tz),
            )
            self.created["events"] += 1
        tickets = {}
        for spec in demo.tickets:
            ticket = event.tickets.filter(name=spec.name).first()
            if ticket is None:
                ticket = Ticket.objects.create(
                    event=event, name=spec.name, price=Decimal(spec.price), quota=spec.quota,
                    description=spec.description, **self._sales_window(spec, event),
                )
                self.created["ticket types"] += 1
            tickets[spec.name] = ticket
        return tickets

    @staticmethod
    def _sales_window(spec: DemoTicket, event: Event) -> dict:
        window = {}
        if spec.sales_end_in_days is not None:
            last_day = timezone.localdate(timezone=event.tzinfo) + datetime.timedelta(days=spec.sales_end_in_days)
            end = datetime.datetime.combine(last_day, datetime.time(23, 59), tzinfo=event.tzinfo)
            window["sales_end"] = min(end, event.event_date)
        if spec.sales_start_days_before_event is not None:
            window["sales_start"] = event.event_date - datetime.timedelta(days=spec.sales_start_days_before_event)
        return window

    def _registrations(self, events: dict[str, dict[str, Ticket]], attendee: User, buyers: list[User]) -> None:
        meetup = events["meetup-python-jakarta"]
        festival = events["festival-musik-senja-bali"]
        workshop = events["workshop-fotografi-raja-ampat"]
        seminar = events["seminar-ekonomi-kreatif-bandung"]

        # The attendee's dashboard: a free ticket, a pending paid one, and one from a past event.
        self._register(attendee, meetup["Umum"])
        self._register(attendee, festival["Reguler"], pay=False)
        self._register(attendee, seminar["Umum"])
        # A festival with sales under way.
        for buyer, name in zip(buyers[:6], ["Early Bird", "Early Bird", "Reguler", "Reguler", "VIP", "VIP"]):
            self._register(buyer, festival[name])
        # A workshop sold out, ticket type by ticket type.
        for buyer in buyers[:8]:
            self._register(buyer, workshop["Kelas Pemula"])
        for buyer in buyers[8:12]:
            self._register(buyer, workshop["Kelas Lanjutan"])
        # A seminar that has taken place.
        for buyer in buyers[6:10]:
            self._register(buyer, seminar["Umum"])
        for buyer in buyers[12:]:
            self._register(buyer, seminar["Pelajar"])
        for buyer in buyers[:3]:
            self._register(buyer, meetup["Mahasiswa"])

    def _register(self, user: User, ticket: Ticket, *, pay: bool = True) -> None:
        """Register `user` through the reservation service unless they ever registered for the event."""
        if Registration.objects.filter(user=user, event_id=ticket.event_id).exists():
            return
        # A past event's seats were sold before it took place.
        when = min(timezone.now(), ticket.event.event_date - datetime.timedelta(days=7))
        registration = services.reserve(ticket=ticket, user=user, now=when)
        if pay and registration.status == Registration.Status.PENDING:
            reference = f"DEMO-{registration.pk.hex[:12]}"
            services.mark_paid(registration=registration, paid_at=when, payment_ref=reference)
        self.created["registrations"] += 1

    def _report(self, admin: User, attendee: User) -> None:
        if self.created:
            summary = ", ".join(f"{count} {what}" for what, count in self.created.items())
            self.stdout.write(f"Demo data created: {summary}.")
        else:
            self.stdout.write("Demo data already in place: nothing created.")
        self.stdout.write(f"\nAdmin ({settings.SITE_URL}/admin/):")
        self._credentials(admin, ADMIN_PASSWORD)
        self.stdout.write(f"Attendee ({settings.SITE_URL}/):")
        self._credentials(attendee, ATTENDEE_PASSWORD)

    def _credentials(self, user: User, password: str) -> None:
        self.stdout.write(f"  email:    {user.email}")
        if user.check_password(password):
            self.stdout.write(f"  password: {password}")
        else:
            self.stdout.write("  password: (changed since the demo data was made)")
