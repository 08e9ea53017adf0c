"""Site forms of accounts: signup, login, profile, password reset."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User
from .services import phone_validator


class ContactFieldsMixin:
    """Email, full name and phone as signup and profile take them: tidied, the email unique in any case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(phone_validator)
        self.fields["phone"].help_text = _("Optional. For the organiser to reach you on the day.")
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean_email(self):
        return services.check_email_free(self.cleaned_data["email"], user=self.instance)

    def clean_full_name(self):
        return services.tidy_full_name(self.cleaned_data["full_name"])


class SignupForm(ContactFieldsMixin, auth_forms.BaseUserCreationForm):
    """Create an attendee account: email, full name, optional phone, password twice."""

    class Meta:
        model = User
        fields = ("email", "full_name", "phone")

    def save(self, commit=True):
        """Create the account (always: there is nothing to add to it before it is saved)."""
        data = self.cleaned_data
        return services.register_user(
            email=data["email"], password=data["password1"], full_name=data["full_name"], phone=data["phone"]
        )


class LoginForm(auth_forms.AuthenticationForm):
    """Log in with email and password."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("The email address or password is not correct."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget = forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
        self.fields["username"].max_length = User._meta.get_field("email").max_length


class ProfileForm(ContactFieldsMixin, forms.ModelForm):
    """Edit the full name, phone and email; a new email needs the current password."""

    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only to change your email address."),
    )

    class Meta:
        model = User
        fields = ("full_name", "phone", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._old_email = self.instance.email

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email and email != self._old_email.lower():
            password = cleaned.get("current_password")
            if not password:
                self.add_error(
                    "current_password",
                    forms.ValidationError(_("Enter your current password to change your email address."),
                                          code="password_required"),
                )
            elif not self.instance.check_password(password):
                self.add_error(
                    "current_password",
                    forms.ValidationError(_("Your current password is not correct."), code="password_incorrect"),
                )
        return cleaned


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Ask for a reset link: the email goes out as a background task after the request commits.

    The page answers the same whether or not the address has an account, so it
    tells nobody who is registered.
    """

    def save(self, **kwargs):
        from . import tasks

        language = translation.get_language()
        for user in self.get_users(self.cleaned_data["email"]):
            user_id = str(user.pk)
            transaction.on_commit(lambda user_id=user_id: tasks.send_password_reset_email.enqueue(user_id, language))
