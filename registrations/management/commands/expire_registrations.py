from django.core.management.base import BaseCommand

from registrations import services


class Command(BaseCommand):
    help = (
        "Cancel pending registrations whose payment window has passed and release their seats; "
        "pass waiting-list offers nobody claimed in time to the next in line."
    )

    def handle(self, *args, **options):
        count = services.expire_stale()
        self.stdout.write(f"Expired {count} pending registration(s).")
        offers = services.waitlist.expire_offers()
        self.stdout.write(f"Expired {offers} waiting-list offer(s).")
