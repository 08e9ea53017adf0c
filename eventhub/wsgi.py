"""WSGI entry point (gunicorn eventhub.wsgi): Django, with the waiting room's joins and polls answered ahead of it."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eventhub.settings")

# As django.core.wsgi.get_wsgi_application, with the handler that remembers resolved paths (eventhub/handler.py).
django.setup(set_prefix=False)

from eventhub.handler import WSGIHandler  # noqa: E402 (needs the apps loaded)
from waitingroom.wsgi import QueueApplication  # noqa: E402

django_application = WSGIHandler()
application = QueueApplication(django_application)
