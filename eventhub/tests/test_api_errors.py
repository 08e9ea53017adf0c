"""One error shape for every answer under /api/, security headers and CORS."""

import json

import pytest

pytestmark = pytest.mark.django_db


def _assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/", "/api/v1/", "/api/v1/tidak-ada/", "/api/v1/events", "/api/v2/events/"])
def test_unknown_api_paths_are_json_404(api_client, method, path):
    _assert_error(getattr(api_client, method)(path), 404, "not_found")


def test_a_wrong_method_is_json_405(api_client):
    response = api_client.put("/api/v1/events/", {}, format="json")
    _assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_malformed_json_is_400_parse_error(api_client):
    response = api_client.post("/api/v1/auth/login/", "{bukan json", content_type="application/json")
    _assert_error(response, 400, "parse_error")


def test_an_unsupported_content_type_is_415(api_client):
    response = api_client.post("/api/v1/auth/login/", "email=a", content_type="text/plain")
    _assert_error(response, 415, "unsupported_media_type")


def test_a_body_over_the_upload_limit_is_413(client_for, user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client_for(user).patch("/api/v1/auth/me/", {"full_name": "x" * 5000}, format="multipart")
    _assert_error(response, 413, "too_large")


def test_validation_errors_carry_fields(api_client):
    body = _assert_error(api_client.post("/api/v1/auth/register/", {}, format="json"), 400, "invalid")
    assert {"email", "password", "full_name"} <= set(body["fields"])


def test_an_anonymous_request_to_a_protected_endpoint_is_401(api_client):
    response = api_client.get("/api/v1/registrations/")
    _assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_server_error_under_api_is_json(rf):
    from eventhub.api import server_error

    request = rf.get("/api/v1/events/")
    response = server_error(request)
    assert response.status_code == 500
    assert json.loads(response.content)["code"] == "server_error"


def test_api_answers_carry_security_headers(api_client):
    response = api_client.get("/api/v1/events/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_cors_answers_configured_origins_only(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.eventhub.id"]
    allowed = api_client.options(
        "/api/v1/events/", HTTP_ORIGIN="https://app.eventhub.id", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://app.eventhub.id"
    assert allowed["Access-Control-Allow-Credentials"] == "true"
    other = api_client.get("/api/v1/events/", HTTP_ORIGIN="https://jahat.example")
    assert "Access-Control-Allow-Origin" not in other


def test_schema_and_offline_swagger_ui_are_served(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = json.loads(schema.content)
    assert "/api/v1/checkins/scan/" in document["paths"]
    assert "eh_refresh" in document["info"]["description"]
    docs = api_client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html and "cdn" not in html.lower()
