"""`runserver` with the periodic jobs beside it in a thread: what `make run` serves.

No scheduler process runs in development, so without this holds would
expire only when a buyer looks, and a payment whose webhook was lost would
never be reconciled. Production runs `run_scheduler` on its own instead.
"""

import threading

from django.core.management.commands.runserver import Command as RunserverCommand

from .run_scheduler import SCHEDULE, Scheduler


class Command(RunserverCommand):
    help = (
        "Serve the development server and run the periodic jobs (expire_registrations, reconcile_payments) "
        "in a thread beside it."
    )

    def inner_run(self, *args, **options):
        # inner_run is what serves: in the autoreloader's child process (or alone with
        # --noreload), so each served process runs one scheduler, never the watcher too.
        threading.Thread(
            target=Scheduler(SCHEDULE).run_until, args=(threading.Event(),), name="scheduler", daemon=True
        ).start()
        self.stdout.write(f"Periodic jobs: {', '.join(f'{command} every {every} s' for command, every in SCHEDULE)}.")
        super().inner_run(*args, **options)
