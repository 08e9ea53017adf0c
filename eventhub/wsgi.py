"""WSGI entry point (gunicorn eventhub.wsgi): Django, with the waiting room's joins and polls and a flash sale's
sold-out refusals answered ahead of it (waitingroom/wsgi.py, registrations/wsgi.py)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eventhub.settings")

# As django.core.wsgi.get_wsgi_application, with the handler that remembers resolved paths (eventhub/handler.py).
django.setup(set_prefix=False)

from eventhub.handler import WSGIHandler  # noqa: E402 (needs the apps loaded)
from registrations.wsgi import SoldOutApplication  # noqa: E402
from waitingroom.wsgi import QueueApplication  # noqa: E402

django_application = WSGIHandler()
application = QueueApplication(SoldOutApplication(django_application))
