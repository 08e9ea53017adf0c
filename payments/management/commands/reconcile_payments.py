"""Ask the gateways about open payment attempts whose webhook never came, and apply the answers."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from payments import reconciliation


class Command(BaseCommand):
    help = "Ask the gateways about pending payments older than a few minutes and apply their answers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=int, default=None, metavar="MINUTES",
            help=f"Only attempts at least this old (default PAYMENT_RECONCILE_AFTER_MINUTES, "
                 f"{settings.PAYMENT_RECONCILE_AFTER_MINUTES}).",
        )

    def handle(self, *args, older_than=None, **options):
        minutes = settings.PAYMENT_RECONCILE_AFTER_MINUTES if older_than is None else older_than
        counts = reconciliation.reconcile(older_than=datetime.timedelta(minutes=minutes))
        summary = ", ".join(f"{outcome}: {count}" for outcome, count in sorted(counts.items())) or "nothing to do"
        self.stdout.write(f"Reconciled payments: {summary}")
