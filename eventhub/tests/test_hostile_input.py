"""Hostile input to every write endpoint of the OpenAPI schema and every site form: never a 5xx, never a change.

The endpoints come from the schema drf-spectacular generates and the forms
from the pages the URL conf serves, so whatever is added later is covered
too. Each hostile value goes into one field at a time (and into the query
string, and as the whole body): lone surrogates, NUL and control characters,
1 MB strings, deeply nested JSON, wrong types, numbers out of range, invalid
UTF-8 and content types that are not JSON. The database is compared before
and after each endpoint's batch; gateways' callbacks are stored as received
by design, so those rows are counted instead.
"""

import html.parser
import json
import re
import urllib.parse

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.factories import AdminFactory, UserFactory
from events.tests.factories import TicketFactory
from files.tests.factories import FileFactory
from payments.models import WebhookEvent
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
# Rows a refused request may still write: a gateway's callback is stored as received; sessions hold messages.
KEPT_AS_RECEIVED = {"payments.WebhookEvent", "sessions.Session"}
# Values the sanitiser must refuse wherever they appear, with the field named: (label, JSON text, form bytes).
UNSAFE = [
    ("lone surrogate", '"\\ud800"', b"%ED%A0%80"),
    ("low surrogate", '"a\\udfffb"', b"a%ED%BF%BFb"),
    ("NUL", '"a\\u0000b"', b"a%00b"),
    ("control character", '"a\\u0007b"', b"a%07b"),
    ("C1 control", '"a\\u0085b"', b"a%C2%85b"),
]
HUGE = "x" * MB
DEEP = "[" * 5000 + "]" * 5000
OUT_OF_RANGE = ["99999999999999999999999999", "-9223372036854775809", "1e400", "-1e400", "1" + "0" * 5000]
# Wrong types by the schema's declared type (every value must be refused, never coerced into a change).
WRONG_TYPES = {
    "string": ['{"a": "b"}', "[1, 2]"],
    "integer": ['"not a number"', "[]", "true", "1.5"],
    "number": ['"not a number"', "{}"],
    "boolean": ['"perhaps"', "[]", "{}"],
    "array": ['"not a list"', '{"a": 1}'],
    "object": ['"not an object"', "[1]"],
}
WHOLE_BODIES = [
    ("application/json", DEEP.encode()),
    ("application/json", b'{"a": ' + DEEP.encode() + b"}"),
    ("application/json", b'{"\\ud800": 1}'),
    ("application/json", b'{"a": "\xed\xa0\x80"}'),
    ("application/json", b'{"a": "\xff\xfe"}'),
    ("application/json", json.dumps({"a": HUGE}).encode()),
    ("application/json", b"[]"),
    ("application/json", b'"text"'),
    ("application/json", b"12"),
    ("application/json", b"null"),
    ("application/json", b"{broken"),
    ("application/json; charset=utf-16", '{"a": "b"}'.encode("utf-16")),
    ("text/plain", b"plain text \x00"),
    ("application/xml", b"<a>\x00</a>"),
    ("application/x-www-form-urlencoded", b"a=%00&b=%ED%A0%80"),
    ("application/x-www-form-urlencoded", b"a=" + b"x" * MB),
]


@pytest.fixture
def world(settings):
    """Objects for the endpoints' path parameters to name, owned by `user`; an admin to call with."""
    settings.AUTH_THROTTLE_RATE = "1000000/minute"
    admin, user = AdminFactory(), UserFactory()
    ticket = TicketFactory(quota=10)
    pending = RegistrationFactory(user=user, ticket=ticket)
    RegistrationFactory(paid=True, ticket=TicketFactory(event=ticket.event))
    file = FileFactory(user=user, registration=pending)
    return {
        "admin": admin, "user": user, "slug": ticket.event.slug,
        # The id a path names, by the collection before it.
        "ids": {"events": ticket.event.pk, "tickets": ticket.pk, "registrations": pending.pk, "files": file.pk,
                "users": user.pk, "checkout": pending.pk},
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user),
    }


def _state() -> dict:
    """Return every row of every table (but those kept as received), to compare before and after.

    `auto_now` timestamps are left out: a request naming no known field saves
    nothing new, though the save stamps the row.
    """
    state = {}
    for model in apps.get_models():
        if model._meta.label not in KEPT_AS_RECEIVED and model._meta.managed:
            columns = [f.attname for f in model._meta.concrete_fields if not getattr(f, "auto_now", False)]
            state[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*columns))
    return state


def _changes(before: dict, after: dict) -> str:
    return ", ".join(label for label in after if before.get(label) != after[label])


def _fill(path: str, world) -> str:
    """Return a concrete path, each `{param}` or `<param>` naming a real object where one fits."""

    def value(name: str, before: str) -> str:
        if name in ("slug", "uidb64", "token"):
            return str(world[name])
        collection = before.rstrip("/").rsplit("/", 1)[-1]
        return str(world["ids"].get(collection, "00000000-0000-4000-8000-000000000000"))

    pattern = re.compile(r"\{(\w+)\}|<(?:\w+:)?(\w+)>")
    while match := pattern.search(path):
        path = path[: match.start()] + value(match.group(1) or match.group(2), path[: match.start()]) + path[match.end():]
    return path


# --- The API -------------------------------------------------------------------------


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _body_fields(schema: dict, operation: dict) -> tuple[dict, str | None]:
    """Return the request body's properties (name → declared type) and its media type, if it has a body."""
    content = (operation.get("requestBody") or {}).get("content") or {}
    if not content:
        return {}, None
    media = "application/json" if "application/json" in content else next(iter(content))
    body = _resolve(schema, content[media].get("schema") or {})
    properties = {}
    for name, prop in (body.get("properties") or {}).items():
        prop = _resolve(schema, prop)
        if "allOf" in prop:
            prop = _resolve(schema, prop["allOf"][0])
        kind = prop.get("type") or ("string" if "enum" in prop else "object")
        properties[name] = kind[0] if isinstance(kind, list) else kind
    return properties, media


def _operations():
    schema = _schema()
    for path, operations in sorted(schema["paths"].items()):
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield schema, path, method, operation


def _api_cases(schema, path: str, method: str, operation: dict):
    """Yield (label, content type, body bytes, query string, field that must be named or None)."""
    query_params = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"] or ["q"]
    for name in query_params:
        for label, _json_text, raw in UNSAFE:
            yield f"query {name} {label}", None, None, f"{name}=".encode() + raw, name
    if method == "get":
        yield f"query {name} 1 MB", None, None, f"{name}=".encode() + b"y" * MB, None
        return
    fields, media = _body_fields(schema, operation)
    for label, json_text, _raw in UNSAFE:
        for name in fields or ["a"]:
            yield f"{name} {label}", "application/json", f'{{"{name}": {json_text}}}'.encode(), b"", name
    if media is None:
        return  # the view reads no body: only what the sanitiser must refuse is sent
    for content_type, body in WHOLE_BODIES:
        yield f"body {content_type} {body[:20]!r}", content_type, body, b"", None
    for name, kind in fields.items():
        values = [json.dumps(HUGE), DEEP, *WRONG_TYPES.get(kind, [])]
        if kind in ("integer", "number"):
            values += OUT_OF_RANGE
        for value in values:
            yield f"{name} {kind} {value[:20]!r}", "application/json", f'{{"{name}": {value}}}'.encode(), b"", None
        for label, _json_text, raw in UNSAFE:
            yield (f"{name} form {label}", "application/x-www-form-urlencoded", f"{name}=".encode() + raw, b"",
                   name)
        if media.startswith("multipart/"):
            yield (f"{name} multipart NUL", "multipart/form-data; boundary=XX",
                   (f'--XX\r\nContent-Disposition: form-data; name="{name}"\r\n\r\na\x00b\r\n--XX--\r\n').encode(),
                   b"", name)


def _send(client, method: str, path: str, content_type, body, query: bytes):
    url = path + ("?" + query.decode("latin-1") if query else "")
    kwargs = {"content_type": content_type, "data": body} if content_type else {}
    return getattr(client, method)(url, **kwargs)


def test_every_api_endpoint_refuses_hostile_input_without_a_5xx_or_a_change(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(world['admin'])}")
    failures, endpoints = [], set()
    for schema, path, method, operation in _operations():
        endpoints.add((method, path))
        url = _fill(path, world)
        before, callbacks = _state(), WebhookEvent.objects.count()
        for label, content_type, body, query, field in _api_cases(schema, path, method, operation):
            response = _send(client, method, url, content_type, body, query)
            where = f"{method.upper()} {path} [{label}]"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code} {response.content[:300]!r}")
                continue
            if response.streaming or not response.content:
                answer = {}
            elif not response.get("Content-Type", "").startswith("application/json"):
                failures.append(f"{where}: not JSON ({response.get('Content-Type')})")
                continue
            else:
                answer = response.json()
            if not (isinstance(answer, dict) and answer.get("code") and answer.get("detail")) and response.status_code >= 400:
                failures.append(f"{where}: not the error shape: {answer!r:.200}")
            if field is not None:
                named = answer.get("fields", {}) if "/webhooks/" not in path else {field: answer.get("detail")}
                if response.status_code != 400 or answer.get("code") != "invalid" or field not in named:
                    failures.append(f"{where}: expected 400 invalid naming {field!r}, got {response.status_code} "
                                    f"{answer!r:.200}")
        if (after := _state()) != before:
            failures.append(f"{method.upper()} {path}: hostile input changed {_changes(before, after)}")
        if "/webhooks/" in path and WebhookEvent.objects.count() == callbacks:
            failures.append(f"{method.upper()} {path}: the refused callbacks were not stored")
    assert len(endpoints) > 30  # the schema really was read
    assert not failures, "\n".join(failures)


def test_a_callback_with_a_lone_surrogate_is_stored_as_received_and_answered_400(api_client):
    body = b'{"order_id": "\\ud800", "status_code": "200"}'

    answer = api_client.post("/api/v1/payments/webhooks/midtrans/", body, content_type="application/json")

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    stored = WebhookEvent.objects.get()
    assert stored.body == body.decode() and stored.outcome == "invalid" and not stored.verified


def test_a_callback_with_a_raw_nul_byte_is_stored_and_refused(api_client):
    answer = api_client.post("/api/v1/payments/webhooks/xendit/", b'{"id": "a\x00"}', content_type="application/json",
                             HTTP_X_CALLBACK_TOKEN="wrong")

    assert 400 <= answer.status_code < 500
    assert WebhookEvent.objects.get().body == '{"id": "a\ufffd"}'


# --- The site's forms ------------------------------------------------------------------


class _Forms(html.parser.HTMLParser):
    """Collect each `<form method="post">` of a page: action, enctype and fields with their values."""

    def __init__(self):
        super().__init__()
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "enctype": attrs.get("enctype") or "", "fields": {}}
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea", "button") and self._current is not None and attrs.get("name"):
            if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                self._current["fields"].setdefault(attrs["name"], "")
            else:
                self._current["fields"][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _site_pages(world) -> list[str]:
    """Return a concrete path for every page of the site in the URL conf (not the API, admin or simulator)."""
    skipped = ("api/", "admin/", "simulator/", "app/")

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(skipped):
                continue
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and not route.startswith("^"):
                yield "/" + _fill(route, world)

    return sorted(set(walk(get_resolver().url_patterns)))


def _site_forms(client, world) -> dict:
    forms = {}
    for page in _site_pages(world):
        response = client.get(page, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", "") or response.streaming:
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = urllib.parse.urljoin(response.request["PATH_INFO"], form["action"])
            forms.setdefault((action, tuple(sorted(form["fields"]))), form)
    return forms


def _encoded(fields: dict, hostile: str, value: bytes) -> bytes:
    pairs = [urllib.parse.quote_plus(k).encode() + b"=" + (value if k == hostile else urllib.parse.quote_plus(v).encode())
             for k, v in fields.items()]
    if hostile not in fields:
        pairs.append(hostile.encode() + b"=" + value)
    return b"&".join(pairs)


def _multipart(fields: dict, hostile: str, value: bytes) -> bytes:
    raw = urllib.parse.unquote_to_bytes(value)
    parts = [(k, raw if k == hostile else v.encode()) for k, v in fields.items()]
    if hostile not in fields:
        parts.append((hostile, raw))
    return b"".join(b'--XX\r\nContent-Disposition: form-data; name="' + k.encode() + b'"\r\n\r\n' + v + b"\r\n"
                    for k, v in parts) + b"--XX--\r\n"


def test_every_site_form_refuses_hostile_input_without_a_5xx_or_a_change(client, world):
    client.force_login(world["user"])
    forms = _site_forms(client, world)
    assert len(forms) >= 8  # the pages really were read
    failures = []
    for (action, _), form in sorted(forms.items()):
        fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
        multipart = form["enctype"] == "multipart/form-data"
        before = _state()
        # Django decodes multipart fields with errors replaced: invalid UTF-8 arrives there as U+FFFD.
        cases = [(name, label, raw, not (multipart and "surrogate" in label))
                 for name in [*fields, "stray"] for label, _j, raw in UNSAFE]
        cases += [(name, "1 MB", b"z" * MB, False) for name in fields]
        cases += [(name, "huge number", OUT_OF_RANGE[0].encode(), False) for name in fields]
        for name, label, raw, must_refuse in cases:
            if multipart:
                response = client.post(action, _multipart(fields, name, raw), content_type="multipart/form-data; boundary=XX")
            else:
                response = client.post(action, _encoded(fields, name, raw), content_type="application/x-www-form-urlencoded")
            where = f"POST {action} [{name} {label}]"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
            elif must_refuse and (response.status_code != 400 or name not in response.content.decode()):
                failures.append(f"{where}: expected a 400 page naming {name!r}, got {response.status_code}")
            if "_auth_user_id" not in client.session:
                client.force_login(world["user"])  # after the logout form: the next form needs the session
        if (after := _state()) != before:
            failures.append(f"POST {action}: hostile input changed {_changes(before, after)}")
    assert not failures, "\n".join(failures)


def test_a_query_string_with_nul_is_refused_on_a_page(client):
    response = client.get("/events/?q=%00")

    assert response.status_code == 400
    assert b"NUL" in response.content
