"""The manifest delta is built by the ORM, its SQL names taken from the models' _meta (no `.extra()`)."""

import pathlib

import pytest
from django.conf import settings
from django.db import connection
from django.db.models.sql.where import ExtraWhere

from checkins import selectors
from checkins.models import Checkin
from registrations.models import Registration

pytestmark = pytest.mark.django_db


def _wheres(node):
    for child in getattr(node, "children", []):
        yield child
        yield from _wheres(child)


def test_the_delta_names_its_tables_from_meta_quoted():
    cursor = selectors._current_cursor()
    query = selectors._changed_since(Registration.objects.all(), cursor).query
    assert not query.extra and not any(isinstance(node, ExtraWhere) for node in _wheres(query.where))
    sql, _ = query.sql_with_params()
    for model in (Registration, Checkin):
        assert connection.ops.quote_name(model._meta.db_table) in sql
    assert f"{connection.ops.quote_name(Registration._meta.db_table)}.{connection.ops.quote_name('change_xid')}" in sql


def test_the_delta_keeps_the_querysets_own_alias():
    # Filtered through a join before the delta: the registration's stamp is still read on its own table.
    cursor = selectors._current_cursor()
    rows = selectors._changed_since(Registration.objects.filter(user__full_name="x"), cursor)
    assert list(rows) == []


def test_no_code_uses_extra():
    root = pathlib.Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        if ".venv" not in path.parts and "tests" not in path.parts and ".extra(" in path.read_text()
    ]
    assert offenders == []
