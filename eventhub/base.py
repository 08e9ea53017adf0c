"""Base pieces shared by every app: the domain error and a timestamped model."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused state change, carrying a stable machine-readable code.

    The API exception handler turns it into `{"code", "detail"}` with `status`;
    pages show `message` as a form error.
    """

    status = 409

    def __init__(self, message, *, code: str, status: int | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        # Further machine-readable keys of the answer, e.g. the ticket type a limit names.
        self.extra = extra or {}
        if status is not None:
            self.status = status

    def __str__(self):
        return str(self.message)


def in_service_years(value) -> None:
    """Refuse a date outside 2000–2999: a typo, and before 1924 Jakarta's clock was not a whole-minute offset."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext

    if not 2000 <= value.year <= 2999:
        raise ValidationError(gettext("Enter a date between the years 2000 and 2999."), code="out_of_range")


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def api_exception_handler(exc, context):
    """Render every API error as `{"code", "detail"}` (+ `fields` on validation errors).

    The code is stable snake_case: a DomainError's own, a DRF exception's
    (`not_authenticated`, `permission_denied`, `not_found`, `method_not_allowed`,
    `unsupported_media_type`, `throttled`, …), `invalid` for validation errors,
    `too_large` for a body over Django's upload limits. Database errors are
    left to handler500, which answers 503 `database_unavailable`.
    """
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.http import Http404
    from django.utils.translation import gettext
    from rest_framework import exceptions
    from rest_framework.response import Response
    from rest_framework.views import exception_handler

    from .sanitise import UnsafeInput

    if isinstance(exc, UnsafeInput):
        fields = {exc.field or "non_field_errors": [exc.message]}
        return Response({"code": "invalid", "detail": exc.message, "fields": fields}, status=400)
    if isinstance(exc, DomainError):
        response = Response({**exc.extra, "code": exc.code, "detail": str(exc.message)}, status=exc.status)
        # A refusal by the rules (sold out, already checked in) is an answer, not a fault: no warning per 409.
        response._has_been_logged = True
        return response
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        return Response({"code": "too_large", "detail": gettext("The request body is too large.")}, status=413)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        first = next(iter(fields.values()), None)
        while isinstance(first, (list, dict)) and first:
            first = first[0] if isinstance(first, list) else next(iter(first.values()))
        response.data = {"code": "invalid", "detail": str(first or gettext("Invalid input.")), "fields": fields}
        return response
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    if isinstance(detail, dict):
        code = str(detail.get("code", code))
        detail = detail.get("detail", detail)
    elif isinstance(detail, list):
        detail = " ".join(str(item) for item in detail)
    if isinstance(exc, exceptions.Throttled):
        code = "throttled"
    response.data = {"code": str(code), "detail": str(detail)}
    return response
