from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from registrations.models import Registration


class RegistrationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, registration):
        return f"{registration.event.title} — {registration.ticket.name} ({registration.get_status_display()})"


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    registration = RegistrationChoiceField(
        label=_("For registration"),
        queryset=Registration.objects.none(),
        required=False,
        empty_label=_("None (my account)"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration"].queryset = Registration.objects.filter(user=user).select_related("event", "ticket")
        self.fields["file"].widget.attrs.update(
            {"accept": ",".join(settings.FILE_ALLOWED_TYPES), "data-max-bytes": settings.FILE_MAX_BYTES}
        )
