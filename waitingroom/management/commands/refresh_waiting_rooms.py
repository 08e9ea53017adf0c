"""Refresh each open waiting room's settings and sold-out state in the store (the scheduler runs it every few seconds)."""

from django.core.management.base import BaseCommand

from waitingroom import services


class Command(BaseCommand):
    help = "Tell every waiting room that is on whether its event is sold out (and rewrite its settings in the store)."

    def handle(self, *args, **options):
        count = services.refresh_all()
        if options["verbosity"] > 1:
            self.stdout.write(f"{count} waiting rooms refreshed")
