"""OpenAPI pieces shared by every app's api.py: the error shape and the standard error responses.

Every operation documents the errors any request can meet (a bad token, a
malformed body, a missing object); endpoints add their own domain codes with
`errors(...)`.
"""

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


def _names_an_object(schema: dict, schemas: dict, depth: int = 0) -> bool:
    """Return whether a request body schema has a UUID field (an id that may name nothing: 404)."""
    if depth > 5 or not isinstance(schema, dict):
        return False
    if "$ref" in schema:
        return _names_an_object(schemas.get(schema["$ref"].rsplit("/", 1)[-1], {}), schemas, depth + 1)
    if schema.get("format") == "uuid":
        return True
    children = list(schema.get("properties", {}).values()) + [schema.get("items")] + schema.get("allOf", [])
    return any(_names_an_object(child, schemas, depth + 1) for child in children if child)


def add_standard_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the errors every operation can answer.

    401 and 405/406 anywhere; 400 wherever input is read; 413/415 with a body;
    403 unless anyone may call it; 404 where a path, a page or a body names something.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "detail": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {}},
            },
            "required": ["code", "detail"],
        },
    )
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            body = operation.get("requestBody")
            statuses = [401, 405, 406]
            if body or operation.get("parameters") or method in ("post", "put", "patch"):
                statuses.append(400)
            if body or method in ("post", "put", "patch"):
                statuses += [413, 415]
            if {} not in (operation.get("security") or [{}]):
                statuses.append(403)
            body_schemas = [media.get("schema", {}) for media in (body or {}).get("content", {}).values()]
            if (
                "{" in path
                or any(p.get("name") == "page" for p in operation.get("parameters", []))
                or any(_names_an_object(schema, schemas) for schema in body_schemas)
            ):
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
    """drf-spectacular's schema, knowing that a permission with `public_read = True` lets anyone read.

    A model serializer's answer carries every field it lists, so its response
    component requires them; drf-spectacular would leave the fields optional on
    input (`slug`, `timezone`, …) optional in answers too, and the PWA's
    generated types would have to doubt them. A read-only field declared
    `required=False` is one an answer may leave out (a file's `user`, shown to
    staff only), and stays optional.
    """

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and isinstance(serializer, serializers.ModelSerializer) and schema.get("properties"):
            fields = serializer.fields
            schema["required"] = sorted(
                name for name in schema["properties"]
                if not (name in fields and fields[name].read_only and fields[name]._kwargs.get("required") is False)
            )
        return schema

    def get_auth(self):
        auths = super().get_auth()
        public = any(getattr(p, "public_read", False) for p in self.view.get_permissions())
        if public and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths


def describing(request) -> bool:
    """Whether `request` is the stand-in drf-spectacular builds to describe a view, not a real client's.

    Views consult it to skip side effects of reading (releasing expired holds)
    while the schema is generated: `manage.py check` generates it too, and must
    not wait for a database it does not need.
    """
    view = (getattr(request, "parser_context", None) or {}).get("view")
    return getattr(view, "swagger_fake_view", False)
