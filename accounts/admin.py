"""Django admin for accounts, and the admin site's name.

Permissions follow the role alone (an admin is staff and may do everything),
so Django's groups and per-model permissions are not offered.
"""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this email address already exists."), code="unique")
        return email


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "phone", "role", "is_active", "password")

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("An account with this email address already exists."), code="unique")
        return email


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
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
    list_filter = ("role", "is_active")
    search_fields = ("email", "full_name", "phone")
    ordering = ("-created_at",)
    filter_horizontal = ()
    date_hierarchy = "created_at"
