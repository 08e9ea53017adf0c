"""OpenAPI pieces shared by every app's api.py: the error shape and the standard error responses.

Every operation documents the errors any request can meet (a bad token, a
malformed body, a missing object); endpoints add their own domain codes with
`errors(...)`.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import permissions, serializers

Error = inline_serializer(
    "Error",
    fields={
        "code": serializers.CharField(help_text="Stable snake_case error code."),
        "detail": serializers.CharField(help_text="Human-readable message in the request's language."),
        "fields": serializers.DictField(
            required=False,
            child=serializers.JSONField(),
            help_text="Validation errors per field (only with code `invalid`).",
        ),
    },
)

_STANDARD = {
    400: "`invalid` (with `fields`), `parse_error`",
    401: "`not_authenticated`, `token_expired`, `token_not_valid`, `user_inactive`, `user_not_found`",
    403: "`permission_denied`",
    404: "`not_found`",
    405: "`method_not_allowed`",
    406: "`not_acceptable`",
    413: "`too_large`",
    415: "`unsupported_media_type`",
    429: "`throttled`",
}


def errors(**codes: str) -> dict:
    """Return `responses` entries for error statuses, e.g. `errors(e409="sold_out, already_registered")`."""
    return {
        int(key.removeprefix("e")): OpenApiResponse(Error, description=_describe(text)) for key, text in codes.items()
    }


def _describe(text: str) -> str:
    return "Codes: " + ", ".join(f"`{code.strip()}`" for code in text.split(","))


def add_standard_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the errors every operation can answer."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    error_ref = {"$ref": "#/components/schemas/Error"}
    if "Error" not in schemas:
        return result
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = [401, 405, 406]
            if operation.get("requestBody") or operation.get("parameters"):
                statuses.append(400)
            if operation.get("requestBody"):
                statuses += [413, 415]
            if operation.get("security") != [{}] and {} not in (operation.get("security") or []):
                statuses.append(403)
            if "{" in path or any(p.get("name") == "page" for p in operation.get("parameters", [])):
                statuses.append(404)
            responses = operation["responses"]
            for status in sorted(statuses):
                responses.setdefault(
                    str(status),
                    {
                        "description": "Codes: " + _STANDARD[status],
                        "content": {"application/json": {"schema": error_ref}},
                    },
                )
    return result


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, knowing that a permission with `public_read = True` lets anyone read."""

    def get_auth(self):
        auths = super().get_auth()
        public = any(getattr(p, "public_read", False) for p in self.view.get_permissions())
        if public and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths
