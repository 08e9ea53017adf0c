import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class File(models.Model):
    """A document an attendee uploaded; private to the owner and staff.

    `filename` is the sanitised display name; `filepath` is the generated
    storage key and is never shown outside the admin.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="files", verbose_name=_("owner")
    )
    registration = models.ForeignKey(
        "registrations.Registration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("registration"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    filepath = models.CharField(_("storage key"), max_length=500, unique=True)
    filetype = models.CharField(_("type"), max_length=100)
    filesize = models.PositiveBigIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(filesize__gte=0), name="file_size_not_negative")]

    def __str__(self):
        return self.filename

    @property
    def type_label(self) -> str:
        """Return a short label for the type: "PDF", "JPEG", "PNG"."""
        return self.filetype.rsplit("/", 1)[-1].upper()
