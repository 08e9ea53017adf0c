from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max


class Command(BaseCommand):
    help = (
        "Exit 1 when a background task has been due for longer than --max-wait seconds: no worker is "
        "taking tasks (the worker container's healthcheck)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--max-wait", type=int, default=300, help="Seconds a due task may wait (default 300).")

    def handle(self, *args, max_wait, **options):
        cutoff = timezone.now() - timedelta(seconds=max_wait)
        # A task is due from when it was enqueued, or from its run_after when deferred.
        overdue = DBTaskResult.objects.ready().filter(
            Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff)
        )
        count = overdue.count()
        if count:
            raise CommandError(f"{count} task(s) have waited more than {max_wait}s: is a worker running?")
        self.stdout.write(f"No task has waited more than {max_wait}s.")
