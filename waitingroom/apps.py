from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaitingRoomConfig(AppConfig):
    name = "waitingroom"
    verbose_name = _("Waiting room")

    def ready(self):
        from registrations import hooks

        from . import checks, gate, signals  # noqa: F401 - checks registers itself

        signals.connect()
        hooks.register_admission_gate(api=gate.require_admission, site=gate.site_refusal)
        # What the event page says of the queue: events asks through its own registry.
        from . import notice

        notice.register()
