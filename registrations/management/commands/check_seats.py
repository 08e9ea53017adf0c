import sys

from django.core.management.base import BaseCommand

from registrations import services


class Command(BaseCommand):
    help = "Compare each ticket type's sold count with its active registrations; exit 1 on any drift."

    def handle(self, *args, **options):
        drift = services.seat_drift()
        if not drift:
            self.stdout.write("No drift: every ticket type's sold count matches its active registrations.")
            return
        for row in drift:
            ticket = row["ticket"]
            self.stdout.write(
                f"DRIFT {ticket.event.slug} / {ticket.name} ({ticket.pk}): sold={row['sold']} held={row['held']}"
            )
        self.stdout.flush()
        sys.exit(1)
