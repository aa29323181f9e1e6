"""Inserting many rows of one table in a few statements, for bulk imports.

``QuerySet.bulk_create`` compiles every value of every object through its field (about 1 µs
each) and, on SQLite, sends at most 999 values per statement; for an import writing millions
of values that is most of the time spent. Here the caller gives values the database driver
takes as they are (text, numbers, booleans, dates, ``None``, dicts for JSON columns, and
values prepared once with ``prepared``), and the rows go out in a few large statements.

Nothing is validated here, exactly as with ``bulk_create``: callers insert values they have
cleaned, and the database's own constraints still apply.
"""

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.base import ModelState

M = TypeVar("M", bound=models.Model)

# PostgreSQL's wire protocol numbers the parameters of a statement with 16 bits.
_POSTGRES_MAX_PARAMS = 65_535
# SQLite's default since 3.32 (builds may allow more; never fewer on supported versions).
_SQLITE_MAX_PARAMS = 32_766
_MAX_ROWS_PER_STATEMENT = 2_000


def prepared(model: type[models.Model], field_name: str, value: Any) -> Any:
    """``value`` as the database stores it in ``field_name`` (for datetimes, JSON and keys)."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field)  # a column, not a reverse relation
    value = field.get_db_prep_save(value, connection)
    if connection.vendor == "postgresql" and isinstance(value, dt.date | dt.datetime):
        return value.isoformat()  # rows travel as JSON there (see _insert_from_json)
    return value


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    return_ids: bool = False,
) -> list[int]:
    """Insert ``rows`` (values in the order of ``fields``, given by attribute name such as
    ``village_id``); return the new primary keys in row order if ``return_ids``."""
    if not rows:
        return []
    table, columns, pk_column = _columns(model, tuple(fields))
    if connection.vendor == "postgresql":
        return _insert_from_json(model, tuple(fields), rows, return_ids=return_ids)
    if json_columns := _json_columns(model, tuple(fields)):
        rows = [_with_json_text(row, json_columns) for row in rows]
    per_statement = _rows_per_statement(len(columns))
    mark = "?" if connection.vendor == "sqlite" else "%s"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            sql = _statement(table, columns, len(part), pk_column if return_ids else "", mark)
            params = [value for row in part for value in row]
            if mark == "?":
                # Straight to sqlite3: Django's wrapper would rewrite every %s of this long
                # statement into ? with a regular expression, on every call.
                with connection.wrap_database_errors:
                    sqlite3.Cursor.execute(cursor.cursor, sql, params)
            else:
                cursor.execute(sql, params)
            if return_ids:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def bare_instance(model: type[M], values: dict[str, Any]) -> M:
    """An instance holding ``values`` (by attribute name, e.g. ``worker_id``; give them all).

    ``Model.__init__`` costs about 15 µs for a wide model (signals, descriptors, keyword
    checks): 15 s per million rows of an import that only needs the values back."""
    instance = model.__new__(model)
    instance.__dict__.update(values)
    instance._state = ModelState()
    return instance


def _insert_from_json(model, fields: tuple[str, ...], rows, *, return_ids: bool) -> list[int]:
    """PostgreSQL: the rows as one JSON document, spread into columns by the server.

    A statement with a placeholder per value spends its time in psycopg parsing them, and
    arrays per column in psycopg's Python list adapter; ``json.dumps`` is C, and the server
    does the rest (on the other core)."""
    table, columns, pk_column = _columns(model, fields)
    values = ", ".join(
        f"(e->{i})" if db_type == "jsonb" else f"(e->>{i})::{db_type}"
        for i, db_type in enumerate(_column_types(model, fields))
    )
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {values} "
        "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS r(e, n) ORDER BY n"
    )
    if return_ids:
        sql += f" RETURNING {pk_column}"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _MAX_ROWS_PER_STATEMENT):
            part = rows[start : start + _MAX_ROWS_PER_STATEMENT]
            cursor.execute(sql, [json.dumps(part, default=_json_value)])
            if return_ids:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _with_json_text(row: Sequence[Any], json_columns: tuple[int, ...]) -> list[Any]:
    row = list(row)
    for i in json_columns:
        row[i] = None if row[i] is None else json.dumps(row[i])
    return row


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot go into a bulk insert")


@lru_cache(maxsize=64)
def _column_types(model: type[models.Model], fields: tuple[str, ...]) -> list[str]:
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    return [str(by_attname[name].db_type(connection)) for name in fields]


@lru_cache(maxsize=64)
def _json_columns(model: type[models.Model], fields: tuple[str, ...]) -> tuple[int, ...]:
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    return tuple(
        i for i, name in enumerate(fields) if isinstance(by_attname[name], models.JSONField)
    )


def can_return_ids() -> bool:
    return connection.features.can_return_rows_from_bulk_insert


@lru_cache(maxsize=64)
def _columns(model: type[models.Model], fields: tuple[str, ...]) -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    columns = ", ".join(quote(str(by_attname[name].column)) for name in fields)
    primary_key = model._meta.pk
    assert primary_key is not None
    return quote(model._meta.db_table), columns, quote(str(primary_key.column))


def _rows_per_statement(width: int) -> int:
    limit = _POSTGRES_MAX_PARAMS if connection.vendor == "postgresql" else _SQLITE_MAX_PARAMS
    return max(1, min(_MAX_ROWS_PER_STATEMENT, limit // width))


@lru_cache(maxsize=16)
def _statement(table: str, columns: str, count: int, returning: str, mark: str) -> str:
    width = columns.count(",") + 1
    row = "(" + ", ".join([mark] * width) + ")"
    sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row] * count)
    return f"{sql} RETURNING {returning}" if returning else sql
