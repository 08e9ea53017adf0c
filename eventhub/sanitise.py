"""Refuse input no field can hold: lone surrogates, NUL and other control characters, text longer than any
field, JSON nested too deep.

Every request passes `InputMiddleware` before its view: the query string,
JSON bodies and urlencoded forms are checked there, multipart forms as soon
as they are parsed (a view installs its upload limits first; DRF parses them
with `MultiPartParser` below). A refusal is `UnsafeInput`, answered 400
`invalid` naming the field, in the API's JSON shape under /api/ and as a page
elsewhere. A view that must keep such a request (a gateway's webhook is
stored as received) sets `accepts_unsafe_input = True` and finds the refusal
in `request.unsafe_input`.

A string that cannot be encoded as UTF-8 (a lone surrogate, which JSON's
`\\ud800` escape produces) would fail deep inside the database driver; NUL
cannot be stored in PostgreSQL text; other C0/C1 controls (tab, line feed and
carriage return aside) have no place in any field.
"""

import json
import re
import urllib.parse

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from rest_framework import parsers

# Nesting beyond this is no input any endpoint takes; Python's json would hit its recursion limit near 1,000.
MAX_DEPTH = 32
# No field takes more text than this (an event's description is the longest, a few thousand characters).
MAX_LENGTH = 65_536
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSAFE_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_JSON_TYPES = ("application/json",)
_FORM_TYPE = "application/x-www-form-urlencoded"
_MULTIPART_TYPE = "multipart/form-data"


class UnsafeInput(SuspiciousOperation):
    """A request holding a value no field can take; `field` names where ("" when it is the body itself)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def printable(name: str) -> str:
    """Return a field name safe to echo: unsafe characters as `\\uXXXX` escapes."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", name)[:100]


def _refusal(field: str, value: str) -> UnsafeInput:
    bad = _UNSAFE.search(value).group()
    if "\ud800" <= bad <= "\udfff":
        message = gettext("This value holds a character that is not valid Unicode (a lone surrogate).")
    elif bad == "\x00":
        message = gettext("This value holds a NUL character.")
    else:
        message = gettext("This value holds a control character (U+%(code)04X).") % {"code": ord(bad)}
    return UnsafeInput(printable(field), message)


def check_text(field: str, value: str) -> None:
    """Raise `UnsafeInput` if a string holds a character no field can take, or is longer than any field."""
    if _UNSAFE.search(value):
        raise _refusal(field, value)
    if len(value) > MAX_LENGTH:
        raise UnsafeInput(
            printable(field), gettext("This value is too long (at most %(max)d characters).") % {"max": MAX_LENGTH}
        )


def check_pairs(pairs, *, prefix: str = "") -> None:
    """Check the names and values of a parsed form (a QueryDict's `lists()`)."""
    for name, values in pairs:
        check_text(prefix + name, name)
        for value in values:
            if isinstance(value, str):
                check_text(prefix + name, value)


def check_urlencoded(raw: bytes, *, encoding: str | None = None) -> None:
    """Check a query string or urlencoded form as sent: each name and value must decode and be safe.

    Django decodes such input with errors replaced, so invalid UTF-8 (an
    encoded surrogate among it) would reach a field as U+FFFD; it is refused
    here instead. Plain ASCII without escapes or control bytes needs no parsing.
    """
    if raw.isascii() and b"%" not in raw and not _UNSAFE_BYTES.search(raw) and len(raw) <= MAX_LENGTH:
        return
    encoding = encoding or "utf-8"
    for raw_name, raw_value in urllib.parse.parse_qsl(raw, keep_blank_values=True):
        try:
            name, value = raw_name.decode(encoding), raw_value.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            name = printable(raw_name.decode(encoding, "replace") if encoding else "")
            raise UnsafeInput(name, gettext("This value is not valid UTF-8 text.")) from None
        check_text(name, name)
        check_text(name, value)


def check_json(data) -> None:
    """Check every key and string of parsed JSON, and its depth; the field is a dotted path (`scans.0.code`)."""
    stack = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            check_text(path, value)
        elif isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                raise UnsafeInput(printable(path), gettext("The JSON is nested too deeply."))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, child in items:
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str):
                    check_text(name, key)
                stack.append((child, name, depth + 1))


def check_json_body(body: bytes, *, encoding: str | None) -> None:
    """Check a JSON body; leave one that is not JSON at all to the parser (400 `parse_error`).

    Strict JSON carries no raw control character inside a string, so a short
    UTF-8 body of plain ASCII without `\\u` escapes, DEL or deep nesting is
    clean without being parsed: the flash sale's bodies pay a few byte scans.
    """
    utf8 = (encoding or "utf-8").lower().replace("_", "-") in ("utf-8", "utf8")
    if (
        utf8 and len(body) <= MAX_LENGTH and body.isascii() and b"\\u" not in body and b"\x7f" not in body
        and body.count(b"[") + body.count(b"{") < MAX_DEPTH
    ):
        return
    try:
        text = body.decode(encoding or "utf-8", "surrogatepass" if utf8 else "strict")
        data = json.loads(text)
    except RecursionError:
        raise UnsafeInput("", gettext("The JSON is nested too deeply.")) from None
    except (ValueError, LookupError):
        return
    check_json(data)


def check_request(request) -> None:
    """Check a request's query string and body as far as it can be read before the view."""
    query = request.META.get("QUERY_STRING")
    if query:
        # WSGI hands the query string over as latin-1: these are the bytes as sent.
        check_urlencoded(query.encode("latin-1", "replace"))
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    content_type = request.content_type or ""
    if content_type in _JSON_TYPES or content_type.endswith("+json"):
        check_json_body(request.body, encoding=request.encoding)
    elif content_type == _FORM_TYPE:
        check_urlencoded(request.body, encoding=request.encoding)
    elif content_type == _MULTIPART_TYPE:
        _check_multipart_when_parsed(request)


def _check_multipart_when_parsed(request) -> None:
    # Parsing now would fix the upload handlers before the view installs its size cap.
    load = request._load_post_and_files

    def load_and_check():
        load()
        check_multipart(request._post, request._files)

    request._load_post_and_files = load_and_check


def check_multipart(post, files) -> None:
    """Check a parsed multipart form: its fields and the names of its files."""
    check_pairs(post.lists())
    for name, uploads in files.lists():
        check_text(name, name)
        for upload in uploads:
            check_text(name, upload.name or "")


def refusal_response(request, exc: UnsafeInput):
    """Answer 400: `invalid` with `fields` under /api/, else a page saying which field to correct."""
    if request.path_info.startswith("/api/"):
        body = {"code": "invalid", "detail": exc.message}
        body["fields"] = {exc.field or "non_field_errors": [exc.message]}
        return JsonResponse(body, status=400)
    return render(request, "unsafe_input.html", {"field": exc.field, "message": exc.message}, status=400)


class InputMiddleware:
    """Refuse unsafe input before any view sees it (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            check_request(request)
        except (RequestDataTooBig, TooManyFieldsSent):
            return None  # the view answers 413 `too_large` when it reads the body
        except UnsafeInput as exc:
            view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
            if getattr(view_class or view_func, "accepts_unsafe_input", False):
                request.unsafe_input = exc
                return None
            if getattr(view_func, "cls", None) is not None:
                return _drf_refusal(view_func, request, view_args, view_kwargs, exc)
            return refusal_response(request, exc)
        return None


def _drf_refusal(view_func, request, args, kwargs, exc: UnsafeInput):
    """Answer through the DRF view's own exception handling, so a view that shapes its errors (a scan verdict) does."""
    view = view_func.cls(**getattr(view_func, "initkwargs", {}))
    view.args, view.kwargs = args, kwargs
    view.request = view.initialize_request(request, *args, **kwargs)
    view.headers = view.default_response_headers
    view.format_kwarg = view.get_format_suffix(**kwargs)
    return view.finalize_response(view.request, view.handle_exception(exc), *args, **kwargs)


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, checking what it parsed like every other body."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        check_multipart(parsed.data, parsed.files)
        return parsed
