"""The rules of accounts, each in one place: what a phone number and an email may be, and signing up.

The site's signup and profile forms, the API's signup, profile and user
management, the Django admin and the demo seed all check and create accounts
through these.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .models import User

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{5,30}$",
    _("Enter a phone number of digits, e.g. +62 812 3456 7890 or 0812 3456 7890."),
    code="invalid_phone",
)

DUPLICATE_EMAIL = _("An account with this email address already exists.")


def normalize_email(email: str) -> str:
    """Return an email address as accounts store it: trimmed, lower case."""
    return User.objects.normalize_email(email.strip()).lower()


def check_email_free(email: str, *, user: User | None = None) -> str:
    """Return `email` normalised, or raise ValidationError (`duplicate_email`) when another account has it."""
    email = normalize_email(email)
    others = User.objects.filter(email__iexact=email)
    if user is not None and user.pk:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise ValidationError(DUPLICATE_EMAIL, code="duplicate_email")
    return email


def tidy_full_name(name: str) -> str:
    """Return a full name with its white space folded."""
    return " ".join(name.split())


def register_user(
    *, email: str, password: str | None, full_name: str, phone: str = "", role: str = User.Role.USER
) -> User:
    """Create an account (a None password: one that cannot log in).

    Raises ValidationError with the offending field (`email`, `phone`) and the
    same message on every surface; a concurrent signup with the same address is
    `duplicate_email` too.
    """
    errors = {}
    try:
        email = check_email_free(email)
    except ValidationError as exc:
        errors["email"] = exc.error_list
    if phone:
        try:
            phone_validator(phone)
        except ValidationError as exc:
            errors["phone"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return User.objects.create_user(email, password, full_name=tidy_full_name(full_name), phone=phone, role=role)
    except IntegrityError:
        # A concurrent signup with the same address committed between the check and the insert.
        raise ValidationError({"email": [ValidationError(DUPLICATE_EMAIL, code="duplicate_email")]}) from None
