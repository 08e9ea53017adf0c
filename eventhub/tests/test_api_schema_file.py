"""frontend/openapi.json is the schema /api/schema/ serves: the PWA's types are generated from it."""

import json
from pathlib import Path

from django.conf import settings

SCHEMA_FILE = Path(settings.BASE_DIR) / "frontend" / "openapi.json"


def test_the_committed_schema_is_the_served_one(client):
    served = client.get("/api/schema/", HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert served.status_code == 200
    assert json.loads(served.content) == json.loads(SCHEMA_FILE.read_text()), (
        "The API's schema changed: run `make api-types` and commit frontend/openapi.json "
        "and frontend/app/types/api.ts."
    )


def test_describing_the_api_reads_and_writes_nothing(db, django_assert_num_queries):
    # drf-spectacular's system check generates the schema on every `manage.py check`
    # (the production entrypoint runs `check --deploy`): a view that released
    # expired holds while being described made that check wait for the database,
    # about ten seconds per view when it is not reachable.
    from drf_spectacular.generators import SchemaGenerator

    with django_assert_num_queries(0):
        schema = SchemaGenerator().get_schema(request=None, public=True)

    assert "/api/v1/events/" in schema["paths"]
