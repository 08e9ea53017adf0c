"""Django admin for accounts, and the admin site's name.

Permissions follow the role alone (an admin is staff and may do everything),
so Django's groups and per-model permissions are not offered.
"""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import services as audit
from audit.adminlog import AuditedAdmin

from . import services, twofactor
from .models import User

admin.site.site_header = "EventHub"
admin.site.site_title = "EventHub"
admin.site.index_title = _("Administration")
admin.site.unregister(Group)


class UserCreationForm(auth_forms.AdminUserCreationForm):
    """Create an account with a hashed password (or none, for an account that never logs in)."""

    class Meta:
        model = User
        fields = ("email", "full_name", "phone", "role")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(services.phone_validator)

    def clean_email(self):
        return services.check_email_free(self.cleaned_data["email"])

    def save(self, commit=True):
        """Create the account through the one signup rule (the admin saves it again, unchanged)."""
        data = self.cleaned_data
        self.save_m2m = lambda: None  # an account has no many-to-many fields here
        return services.register_user(
            email=data["email"], password=data["password1"] if data["set_usable_password"] else None,
            full_name=data["full_name"], phone=data["phone"], role=data["role"],
        )


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "phone", "role", "is_active", "password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(services.phone_validator)

    def clean_email(self):
        return services.check_email_free(self.cleaned_data["email"], user=self.instance)


@admin.register(User)
class UserAdmin(AuditedAdmin, auth_admin.UserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone")}),
        (_("Access"), {"fields": ("role", "is_active"), "description": _("Admins are staff: they manage EventHub.")}),
        (_("Important dates"), {"fields": ("last_login", "created_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "phone", "role", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "created_at")
    list_display = ("email", "full_name", "phone", "role", "is_active", "created_at")
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-factor login (they set it up again)"))
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            twofactor.reset(user=user)
            audit.record(request, "user.reset_two_factor", user)
        self.message_user(request, _("Two-factor login reset."))
    list_filter = ("role", "is_active")
    search_fields = ("email", "full_name", "phone")
    ordering = ("-created_at",)
    filter_horizontal = ()
    date_hierarchy = "created_at"


# The apps' secrets and recovery codes stay out of the admin; an admin resets a user's two-factor login instead.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
