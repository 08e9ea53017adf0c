from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "files"
    verbose_name = _("Files")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete

        from . import signals
        from .models import File

        post_delete.connect(signals.remove_stored_object, sender=File, dispatch_uid="files.remove_stored_object")
