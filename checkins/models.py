import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Checkin(models.Model):
    """An admission at the venue door: at most one per registration, enforced by the database."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registration = models.OneToOneField(
        "registrations.Registration", on_delete=models.PROTECT, related_name="checkin", verbose_name=_("registration")
    )
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="checkins_made",
        verbose_name=_("checked in by"),
    )
    checked_in_at = models.DateTimeField(_("checked in at"), db_index=True)
    device = models.CharField(_("device"), max_length=100, blank=True)
    scan_id = models.UUIDField(_("offline scan id"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-checked_in_at"]

    def __str__(self):
        return f"{self.registration} @ {self.checked_in_at:%Y-%m-%d %H:%M}"
