"""Site forms of registrations."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event, Ticket


class RegisterForm(forms.Form):
    """Choose one ticket type of an event to register for."""

    ticket = forms.ModelChoiceField(
        queryset=Ticket.objects.none(),
        label=_("Ticket type"),
        error_messages={
            "required": _("Choose a ticket type to register."),
            "invalid_choice": _("That ticket type is not offered for this event."),
        },
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket"].queryset = event.tickets.select_related("event")
