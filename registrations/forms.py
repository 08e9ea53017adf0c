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


class AttendeeForm(forms.Form):
    """Who one ticket of an order admits: a name, and where their ticket is emailed."""

    name = forms.CharField(
        label=_("Attendee name"), max_length=200,
        error_messages={"required": _("Enter the name of the person this ticket admits.")},
    )
    email = forms.EmailField(
        label=_("Attendee email"), required=False,
        help_text=_("Their ticket is emailed there too. Leave it empty to keep it in your email only."),
    )


class BaseAttendeeFormSet(forms.BaseFormSet):
    def clean(self):
        # Django's own minimum counts only forms changed from their initial values, and the
        # first attendee is prefilled with the buyer: count the forms sent instead.
        if self.total_form_count() != self.min_num:
            raise forms.ValidationError(_("Name one attendee for each ticket."), code="attendee_count")


def attendee_formset(*, count: int):
    """Return the formset class naming `count` attendees, one per ticket, no more and no fewer."""
    return forms.formset_factory(
        AttendeeForm, formset=BaseAttendeeFormSet, extra=0, min_num=count, max_num=count, validate_max=True,
    )
