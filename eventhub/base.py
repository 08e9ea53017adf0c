"""Base pieces shared by every app: the domain error and a timestamped model."""

from django.db import models


class DomainError(Exception):
    """A refused state change, carrying a stable machine-readable code.

    The API exception handler turns it into `{"code", "detail"}` with `status`;
    pages show `message` as a form error.
    """

    status = 409

    def __init__(self, message, *, code: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        if status is not None:
            self.status = status

    def __str__(self):
        return str(self.message)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
