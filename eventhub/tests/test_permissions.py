"""Who may call what: every API endpoint and every admin page, with each kind of principal.

The tables below hold one entry per route and method (API) or per page
(admin); `test_every_*_has_an_entry` derive the routes from the URL
configuration and fail while one has no entry. A new staff endpoint gets a
row here: the status each principal must get (columns in
`principals.PRINCIPALS` order: admin, manager of event A, manager of event B,
door member of A, attendee of A, anonymous, a paired scanner of A, a revoked
scanner of A), requests naming event A's objects. A row of six statuses gives
the two scanners the anonymous status: their credential counts only where a
row says otherwise.
"""

import uuid

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from files.tests import samples

from checkins import devices

from .principals import DEVICES, PRINCIPALS, build_world, expected


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _api_routes() -> set[tuple[str, str]]:
    """Return `(url name, METHOD)` of every API v1 route, from the URL configuration."""
    routes = set()
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith("api/v1/") or pattern.name is None:
            continue
        view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
        for method in ("get", "post", "put", "patch", "delete"):
            if view is not None and hasattr(view, method) and method in getattr(view, "http_method_names", [method]):
                routes.add((pattern.name, method.upper()))
    return routes


def _upload(w):
    body, content_type = samples.multipart(filename="surat.pdf", content=samples.pdf())
    return {"data": body, "content_type": content_type}


def _image_upload():
    body, content_type = samples.multipart(filename="sampul.jpg", content=samples.jpeg(size=(800, 450)),
                                           content_type="image/jpeg")
    return {"data": body, "content_type": content_type}


def _json(make):
    return lambda w: {"data": make(w), "format": "json"}


EVENT = lambda w: {"slug": w.event.slug}  # noqa: E731
REG = lambda w: {"pk": w.registration.pk}  # noqa: E731
FILE = lambda w: {"pk": w.file.pk}  # noqa: E731
ORDER = lambda w: {"pk": w.registration.order_id}  # noqa: E731
VOUCHER = lambda w: {"slug": w.event.slug, "pk": w.voucher.pk}  # noqa: E731
SCANNER = lambda w: {"slug": w.event.slug, "pk": w.scanner.pk}  # noqa: E731

# (url name, method): (URL kwargs, request body or None, expected statuses)
API = {
    ("api-register", "POST"): (None, _json(lambda w: {"email": f"baru-{uuid.uuid4().hex[:8]}@example.com",
                                                      "password": "Rahasia-Panjang-987", "full_name": "Baru"}),
                               "201 201 201 201 201 201"),
    ("api-login", "POST"): (None, _json(lambda w: {"email": w.attendee.email, "password": "tiket-rahasia-123"}),
                            "200 200 200 200 200 200"),
    ("api-refresh", "POST"): (None, _json(lambda w: {"refresh": w.refresh_token(w.attendee)}),
                              "200 200 200 200 200 200"),
    ("api-logout", "POST"): (None, _json(lambda w: {"refresh": w.refresh_token(w.attendee)}),
                             "204 204 204 204 204 204"),
    ("api-me", "GET"): (None, None, "200 200 200 200 200 401"),
    ("api-me", "PATCH"): (None, _json(lambda w: {"full_name": "Nama Baru"}), "200 200 200 200 200 401"),
    ("api-two-factor", "GET"): (None, None, "200 200 200 200 200 401"),
    ("api-two-factor-enrol", "POST"): (None, None, "201 201 201 201 201 401"),
    # The code of an app being set up is wrong here: reaching the check is what any account may.
    ("api-two-factor-confirm", "POST"): (None, _json(lambda w: {"code": "abc"}), "409 409 409 409 409 401"),
    ("api-users", "GET"): (None, None, "200 403 403 403 403 401"),
    ("api-user", "GET"): (lambda w: {"pk": w.attendee.pk}, None, "200 403 403 403 403 401"),
    ("api-user", "PATCH"): (lambda w: {"pk": w.attendee.pk}, _json(lambda w: {"full_name": "X"}),
                            "200 403 403 403 403 401"),
    ("api-events", "GET"): (None, None, "200 200 200 200 200 200"),
    ("api-events", "POST"): (None, _json(lambda w: {"title": "Baru", "event_date": "2031-01-01T19:00:00+07:00"}),
                             "201 403 403 403 403 401"),
    ("api-event", "GET"): (EVENT, None, "200 200 200 200 200 200"),
    ("api-event", "PATCH"): (EVENT, _json(lambda w: {"location": "Bandung"}), "200 200 404 403 403 401"),
    # 409: the event has registrations; reaching the rule at all is what only admins may.
    ("api-event", "DELETE"): (EVENT, None, "409 403 403 403 403 401"),
    ("api-tickets", "GET"): (EVENT, None, "200 200 200 200 200 200"),
    ("api-tickets", "POST"): (EVENT, _json(lambda w: {"name": "VIP", "price": "500000", "quota": 10}),
                              "201 201 404 403 403 401"),
    ("api-ticket", "GET"): (lambda w: {"slug": w.event.slug, "pk": w.ticket.pk}, None, "200 200 200 200 200 200"),
    ("api-ticket", "PATCH"): (lambda w: {"slug": w.event.slug, "pk": w.ticket.pk}, _json(lambda w: {"quota": 50}),
                              "200 200 404 403 403 401"),
    ("api-event-cover", "PUT"): (EVENT, lambda w: _image_upload(), "200 200 404 403 403 401"),
    ("api-event-cover", "DELETE"): (EVENT, None, "200 200 404 403 403 401"),
    ("api-event-report", "GET"): (EVENT, None, "200 200 404 403 403 401"),
    ("api-event-report-chart", "GET"): (lambda w: {"slug": w.event.slug, "chart": "sales"}, None,
                                        "200 200 404 403 403 401"),
    ("api-event-export", "GET"): (lambda w: {"slug": w.event.slug, "kind": "payments", "fmt": "xlsx"}, None,
                                  "200 200 404 403 403 401"),
    ("api-ticket", "DELETE"): (lambda w: {"slug": w.event.slug, "pk": w.ticket.pk}, None, "409 409 404 403 403 401"),
    ("api-event-team", "GET"): (EVENT, None, "200 200 404 403 403 401"),
    ("api-event-team", "POST"): (EVENT, _json(lambda w: {"email": w.attendee.email, "role": "door"}),
                                 "201 201 404 403 403 401"),
    ("api-event-team", "DELETE"): (EVENT, _json(lambda w: {"user": str(w.door.pk)}), "204 204 404 403 403 401"),
    ("api-event-stats", "GET"): (EVENT, None, "200 200 404 200 403 401"),
    ("api-registrations", "GET"): (None, None, "200 200 200 200 200 401"),
    # The attendee already holds a ticket to the event.
    ("api-registrations", "POST"): (None, _json(lambda w: {"ticket": str(w.ticket.pk)}), "201 201 201 201 409 401"),
    ("api-registration", "GET"): (REG, None, "200 200 404 200 200 401"),
    # 409 for the owner: a paid registration is not theirs to cancel.
    ("api-registration-cancel", "POST"): (REG, _json(lambda w: {}), "200 200 404 403 409 401"),
    ("api-registration-qr", "GET"): (REG, None, "200 200 404 200 200 401"),
    ("api-registration-ticket-pdf", "GET"): (REG, None, "200 200 404 200 200 401"),
    # Only the owner may pay; this registration is already paid (409).
    ("payments-start", "POST"): (None, _json(lambda w: {"registration": str(w.registration.pk), "provider": "midtrans"}),
                                 "404 404 404 404 409 401"),
    # The gateways authenticate by signature or token, whoever else is signed in.
    ("payments-webhook-midtrans", "POST"): (None, _json(lambda w: {}), "401 401 401 401 401 401"),
    ("payments-webhook-xendit", "POST"): (None, _json(lambda w: {}), "401 401 401 401 401 401"),
    ("api-checkins", "GET"): (None, None, "200 200 200 403 403 401"),
    ("api-checkin-scan", "POST"): (None, _json(lambda w: {"code": w.registration.qr_code, "event": str(w.event.pk)}),
                                   "201 201 404 201 403 401 201 401"),
    ("api-checkin-manifest", "GET"): (lambda w: None, None, "200 200 404 200 403 401 200 401"),
    ("api-checkin-sync", "POST"): (None, _json(lambda w: {"event": str(w.event.pk), "scans": [
        {"scan_id": str(uuid.uuid4()), "code": w.registration.qr_code, "scanned_at": "2030-01-01T10:00:00+07:00"}
    ]}), "200 200 404 200 403 401 200 401"),
    ("api-orders", "GET"): (None, None, "200 200 200 200 200 401"),
    # The attendee already holds the one ticket of this type a buyer may (limit_exceeded).
    ("api-orders", "POST"): (None, _json(lambda w: {"event": str(w.event.pk), "items": [
        {"ticket": str(w.ticket.pk), "quantity": 1}]}), "201 201 201 201 409 401"),
    ("api-order-quote", "POST"): (None, _json(lambda w: {"event": str(w.event.pk), "items": [
        {"ticket": str(w.ticket.pk), "quantity": 1}]}), "200 200 200 200 409 401"),
    ("api-order", "GET"): (ORDER, None, "200 200 404 404 200 401"),
    # 409 for the buyer: a paid order is not theirs to cancel.
    ("api-order-cancel", "POST"): (ORDER, _json(lambda w: {}), "200 200 404 404 409 401"),
    ("api-vouchers", "GET"): (EVENT, None, "200 200 404 403 403 401"),
    ("api-vouchers", "POST"): (EVENT, _json(lambda w: {"code": "BARU", "kind": "percent", "value": "10"}),
                               "201 201 404 403 403 401"),
    ("api-voucher", "GET"): (VOUCHER, None, "200 200 404 403 403 401"),
    ("api-voucher", "PUT"): (VOUCHER, _json(lambda w: {"code": "GANTI", "kind": "fixed", "value": "25000"}),
                             "200 200 404 403 403 401"),
    ("api-voucher", "PATCH"): (VOUCHER, _json(lambda w: {"value": "20"}), "200 200 404 403 403 401"),
    ("api-voucher", "DELETE"): (VOUCHER, None, "204 204 404 403 403 401"),
    ("api-waitlist", "GET"): (EVENT, None, "200 200 200 200 200 401"),
    # Seats are left: the list is for sold-out types (seats_available), whoever asks.
    ("api-waitlist", "POST"): (EVENT, _json(lambda w: {"ticket": str(w.ticket.pk)}), "409 409 409 409 409 401"),
    ("api-waitlist", "DELETE"): (EVENT, None, "204 204 204 204 204 401"),
    ("api-device-pair", "POST"): (None, lambda w: {"data": {"code": w.pairing_code()}, "format": "json"},
                                  "201 201 201 201 201 201 201 201"),
    ("api-audit", "GET"): (None, None, "200 200 200 403 403 401"),
    ("api-event-audit", "GET"): (EVENT, None, "200 200 404 403 403 401"),
    ("api-event-devices", "GET"): (EVENT, None, "200 200 404 403 403 401"),
    ("api-event-devices", "POST"): (EVENT, _json(lambda w: {"name": "Gerbang Selatan"}), "201 201 404 403 403 401"),
    ("api-event-device-revoke", "POST"): (SCANNER, _json(lambda w: {}), "200 200 404 403 403 401"),
    ("api-event-device-scans", "GET"): (SCANNER, None, "200 200 404 403 403 401"),
    # The room of event A is off: joining and polling answer `off`, to anyone logged in.
    ("api-waiting-room-join", "POST"): (EVENT, None, "200 200 200 200 200 401"),
    ("api-waiting-room", "GET"): (EVENT, None, "200 200 200 200 200 401"),
    ("api-event-waiting-room", "GET"): (EVENT, None, "200 200 404 403 403 401"),
    ("api-event-waiting-room", "PATCH"): (EVENT, _json(lambda w: {"paused": True}), "200 200 404 403 403 401"),
    ("file-list", "GET"): (None, None, "200 200 200 200 200 401"),
    ("file-list", "POST"): (None, _upload, "201 201 201 201 201 401"),
    ("file-detail", "GET"): (FILE, None, "200 200 404 404 200 401"),
    ("file-detail", "DELETE"): (FILE, None, "204 204 404 404 204 401"),
    ("file-download", "GET"): (FILE, None, "200 200 404 404 200 401"),
}
QUERY = {
    ("api-checkin-manifest", "GET"): lambda w: {"event": str(w.event.pk)},
    ("api-waitlist", "DELETE"): lambda w: {"ticket": str(w.ticket.pk)},
}


def test_every_api_route_has_an_entry():
    missing = _api_routes() - API.keys()
    assert not missing, f"add these to the permission table: {sorted(missing)}"
    stale = API.keys() - _api_routes()
    assert not stale, f"no such routes any more: {sorted(stale)}"


def _api_url(name: str, w, kwargs) -> str:
    namespaced = "files_api:" + name if name.startswith("file-") else name
    return reverse(namespaced, kwargs=kwargs(w) if kwargs else None)


@pytest.mark.django_db
@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("route", sorted(API), ids=lambda r: f"{r[1]} {r[0]}")
def test_api(route, principal):
    name, method = route
    kwargs, body, row = API[route]
    w = build_world()
    url = _api_url(name, w, kwargs if kwargs and kwargs(w) is not None else None)
    query = QUERY.get(route)
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query(w).items())
    request = getattr(w.api_client(principal), method.lower())
    response = request(url, **(body(w) if body else {}))
    assert response.status_code == expected(row)[principal], getattr(response, "data", response.content[:300])


# --- The Django admin ---------------------------------------------------------

# Model admins: the object of event A each model's pages show, and the status per
# page: changelist, add, change, delete, history. A logged-in non-staff user and
# an anonymous one are sent to the admin's login page (302).
NOT_STAFF = "302 302 302"
ADMIN_MODELS = {
    "accounts.user": (lambda w: w.attendee, {
        "changelist": "200 403 403", "add": "200 403 403", "change": "200 403 403", "delete": "200 403 403",
        "history": "200 403 403", "password_change": "200 403 403",
    }),
    "events.event": (lambda w: w.event, {
        "changelist": "200 200 200", "add": "200 403 403", "change": "200 200 404", "delete": "200 403 404",
        "history": "200 200 404",
    }),
    "events.ticket": (lambda w: w.ticket, {
        "changelist": "200 200 200", "add": "200 200 200", "change": "200 200 404", "delete": "200 200 404",
        "history": "200 200 404",
    }),
    "registrations.registration": (lambda w: w.registration, {
        "changelist": "200 200 200", "add": "403 403 403", "change": "200 200 404", "delete": "403 403 404",
        "history": "200 200 404",
    }),
    "registrations.order": (lambda w: w.registration.order, {
        "changelist": "200 200 200", "add": "403 403 403", "change": "200 200 404", "delete": "403 403 404",
        "history": "200 200 404",
    }),
    "registrations.voucher": (lambda w: w.voucher, {
        "changelist": "200 200 200", "add": "200 200 200", "change": "200 200 404", "delete": "200 200 404",
        "history": "200 200 404",
    }),
    "registrations.waitlistentry": (lambda w: w.waitlist_entry, {
        "changelist": "200 200 200", "add": "403 403 403", "change": "200 200 404", "delete": "403 403 404",
        "history": "200 200 404",
    }),
    "payments.payment": (lambda w: w.payment, {
        "changelist": "200 200 200", "add": "403 403 403", "change": "200 200 404", "delete": "403 403 404",
        "history": "200 200 404",
    }),
    "payments.webhookevent": (lambda w: w.webhook_event, {
        "changelist": "200 403 403", "add": "403 403 403", "change": "200 403 403", "delete": "403 403 403",
        "history": "200 403 403",
    }),
    "checkins.checkin": (lambda w: w.checkin, {
        "changelist": "200 200 200", "add": "403 403 403", "change": "200 200 404", "delete": "403 403 404",
        "history": "200 200 404",
    }),
    "reports.eventreport": (lambda w: w.event, {
        "changelist": "200 200 200", "add": "403 403 403", "change": "200 200 404", "delete": "403 403 404",
        "history": "200 200 404", "chart": "200 200 404", "export": "200 200 404",
    }),
    "checkins.scannerdevice": (lambda w: w.scanner, {
        "changelist": "200 200 200", "add": "200 200 200", "change": "200 200 404", "delete": "403 403 404",
        "history": "200 200 404",
    }),
    "audit.auditentry": (lambda w: w.audit_entry, {
        "changelist": "200 200 200", "add": "403 403 403", "change": "200 200 404", "delete": "403 403 404",
        "history": "200 200 404",
    }),
    "waitingroom.waitingroom": (lambda w: w.waiting_room, {
        "changelist": "200 200 200", "add": "200 200 200", "change": "200 200 404", "delete": "200 403 404",
        "history": "200 200 404",
    }),
    "files.file": (lambda w: w.file, {
        "changelist": "200 200 200", "add": "403 403 403", "change": "200 200 404", "delete": "200 200 404",
        "history": "200 200 404", "event_zip": "200 200 404",
    }),
    # Objects that do not exist (random ids): admins are redirected with a message, as Django does.
    "token_blacklist.outstandingtoken": (lambda w: None, {
        "changelist": "200 403 403", "add": "403 403 403", "change": "302 403 403", "delete": "403 403 403",
        "history": "302 302 302",
    }),
    "token_blacklist.blacklistedtoken": (lambda w: None, {
        "changelist": "200 403 403", "add": "200 403 403", "change": "302 403 403", "delete": "302 403 403",
        "history": "302 302 302",
    }),
    "django_tasks_database.dbtaskresult": (lambda w: None, {
        "changelist": "200 403 403", "add": "403 403 403", "change": "302 403 403", "delete": "403 403 403",
        "history": "302 302 302",
    }),
}
# Pages of the site itself (url name: path kwargs, statuses of all six principals).
ADMIN_PAGES = {
    "index": (None, "200 200 200 302 302 302"),
    "login": (None, "302 302 302 200 200 200"),
    "logout": (None, "405 405 405 302 302 302"),
    "password_change": (None, "200 200 200 302 302 302"),
    "password_change_done": (None, "200 200 200 302 302 302"),
    "autocomplete": (None, "403 403 403 302 302 302"),
    "jsi18n": (None, "200 200 200 302 302 302"),
    "app_list": (lambda w: {"app_label": "registrations"}, "200 200 200 302 302 302"),
    "view_on_site": (lambda w: {"content_type_id": "0", "object_id": "0"}, "404 404 404 302 302 302"),
}
_MODEL_PAGES = {"changelist", "add", "change", "delete", "history"}
# The event report's own pages: a chart and an export.
REPORT_FILES = {"chart": {"chart": "sales"}, "export": {"kind": "payments", "fmt": "csv"}}


def _admin_names() -> set[str]:
    return {pattern.name for route, pattern in _walk(get_resolver().url_patterns)
            if route.startswith("admin/") and pattern.name}


def _model_page_names() -> dict[str, tuple[str, str]]:
    """Return `{url name: (model label, page)}` for every model admin's pages, extra ones included."""
    names = {}
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            if pattern.name and pattern.name.startswith(prefix):
                names[pattern.name] = (label, pattern.name.removeprefix(prefix))
            elif pattern.name == "auth_user_password_change":
                names[pattern.name] = (label, "password_change")
    return names


def test_every_admin_page_has_an_entry():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert not registered - ADMIN_MODELS.keys(), f"add these models to ADMIN_MODELS: {registered - ADMIN_MODELS.keys()}"
    pages = _model_page_names()
    missing = [name for name, (label, page) in pages.items() if page not in ADMIN_MODELS[label][1]]
    assert not missing, f"add these admin pages to ADMIN_MODELS: {missing}"
    others = _admin_names() - pages.keys() - ADMIN_PAGES.keys()
    assert not others, f"add these admin pages to ADMIN_PAGES: {others}"


def _admin_cases():
    for name, (label, page) in sorted(_model_page_names().items()):
        for principal in PRINCIPALS:
            yield pytest.param(name, label, page, principal, id=f"{name}-{principal}")


def _client(w, principal: str) -> Client:
    if principal in DEVICES:  # the admin knows no device credentials: such a client is anonymous there
        return Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"{devices.KEYWORD} {w.credentials[principal]}")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    user = w.principal(principal)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "label", "page", "principal"), list(_admin_cases()))
def test_admin_model_page(name, label, page, principal):
    w = build_world()
    get_object, rows = ADMIN_MODELS[label]
    row = f"{rows[page]} {NOT_STAFF}"
    if page == "event_zip":
        kwargs = {"event_id": w.event.pk}
    elif page in REPORT_FILES:
        kwargs = {"pk": w.event.pk, **REPORT_FILES[page]}
    elif page in _MODEL_PAGES - {"changelist", "add"} or page == "password_change":
        obj = get_object(w)
        key = "id" if page == "password_change" else "object_id"
        kwargs = {key: obj.pk if obj is not None else str(uuid.uuid4())}
    else:
        kwargs = None
    response = _client(w, principal).get(reverse(f"admin:{name}", kwargs=kwargs))
    assert response.status_code == expected(row)[principal]


@pytest.mark.django_db
@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("name", sorted(ADMIN_PAGES))
def test_admin_page(name, principal):
    w = build_world()
    kwargs, row = ADMIN_PAGES[name]
    response = _client(w, principal).get(reverse(f"admin:{name}", kwargs=kwargs(w) if kwargs else None))
    assert response.status_code == expected(row)[principal]
