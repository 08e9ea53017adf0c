"""WSGI entry point (gunicorn eventhub.wsgi): Django, with the waiting room's joins and polls answered ahead of it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eventhub.settings")

django_application = get_wsgi_application()

from waitingroom.wsgi import QueueApplication  # noqa: E402 (needs the apps loaded)

application = QueueApplication(django_application)
