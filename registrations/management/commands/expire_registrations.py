from django.core.management.base import BaseCommand

from registrations import services


class Command(BaseCommand):
    help = "Cancel pending registrations whose payment window has passed and release their seats."

    def handle(self, *args, **options):
        count = services.expire_stale()
        self.stdout.write(f"Expired {count} pending registration(s).")
