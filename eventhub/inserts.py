"""INSERT statements for new model rows, compiled once per process (the ORM compiles one per save).

On a flash sale's hot path the ORM building the INSERTs of an order and its
tickets cost more CPU than PostgreSQL running them (a cProfile of 150 sales:
about a fifth of a sale's Python). `statement` returns the SQL and parameters
so a caller can send them with other statements in one round trip.
"""

import functools

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model


def statement(objs: list[Model]) -> tuple[str, list]:
    """Return the INSERT of `objs` (new rows of one model, primary keys set in Python) and its parameters.

    Field values are prepared as `Model.save` prepares them (`auto_now`
    timestamps set on the objects); no signals are sent, as with
    `bulk_create`. Call `saved(objs)` once the statement has run.
    """
    model = type(objs[0])
    sql_head, fields = _insert(model)
    # The connection itself, not `connection`, the proxy that looks it up in a thread-local at every
    # attribute a field reads (`ops`, `features`): some forty a purchase.
    conn = connections[DEFAULT_DB_ALIAS]
    params = []
    for obj in objs:
        if type(obj) is not model or obj.pk is None:
            raise ValueError("One model's new rows with their primary keys set")
        params += [field.get_db_prep_save(field.pre_save(obj, True), conn) for field in fields]
    return sql_head + _rows(len(fields), len(objs)), params


def saved(objs: list[Model]) -> None:
    """Mark `objs` as rows of the database, as saving them would."""
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert(objs: list[Model]) -> None:
    """INSERT `objs` (see `statement`) now, in one statement."""
    sql, params = statement(objs)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    saved(objs)


@functools.cache
def _insert(model) -> tuple[str, tuple]:
    meta = model._meta
    if meta.parents:
        raise ValueError("Multi-table inheritance is not supported")
    fields = tuple(field for field in meta.local_concrete_fields if not field.generated)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    return f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ", fields


@functools.cache
def _rows(width: int, count: int) -> str:
    row = f"({', '.join(['%s'] * width)})"
    return ", ".join([row] * count)
