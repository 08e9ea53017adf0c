import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .signals import password_changed


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["role"] = User.Role.ADMIN
        extra_fields.setdefault("full_name", "Administrator")
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser):
    """An account: attendees (`user`) and staff (`admin`), logging in by email.

    Staff status follows the role: an admin is staff in Django admin and in the API.
    """

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        USER = "user", _("User")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.USER, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self):
        return self.email

    def save(self, **kwargs):
        # set_password() keeps the raw password until the save; a login's rehash saves without it.
        changed = (
            self._password is not None and not self._state.adding
            and (kwargs.get("update_fields") is None or "password" in kwargs["update_fields"])
        )
        if not changed:
            return super().save(**kwargs)
        with transaction.atomic():
            super().save(**kwargs)
            password_changed.send(sender=self.__class__, user=self)

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    # Set for one request by accounts.twofactor.mark(): a staff account still owing its second factor.
    otp_pending = False

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN and not self.otp_pending

    @property
    def is_staff(self) -> bool:
        return self.is_active and self.role == self.Role.ADMIN and not self.otp_pending

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm, obj=None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list, obj=None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label) -> bool:
        return self.is_staff

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email
