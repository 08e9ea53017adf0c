"""Reports have no tables of their own: an event report is an event seen through the admin's report pages."""

from django.utils.translation import gettext_lazy as _

from events.models import Event


class EventReport(Event):
    class Meta:
        proxy = True
        verbose_name = _("event report")
        verbose_name_plural = _("event reports")
