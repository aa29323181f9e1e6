"""Inserting many rows of one table in a few statements, for bulk imports.

``QuerySet.bulk_create`` compiles every value of every object through its field (about 1 µs
each) and, on SQLite, sends at most 999 values per statement; for an import writing millions
of values that is most of the time spent. Here the caller gives values the database driver
takes as they are (text, numbers, booleans, dates, ``None``, and values prepared once with
``prepared``), and the rows go out as multi-row ``INSERT … VALUES`` statements.

Nothing is validated here, exactly as with ``bulk_create``: callers insert values they have
cleaned, and the database's own constraints still apply.
"""

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db import connection, models

# PostgreSQL's wire protocol numbers the parameters of a statement with 16 bits.
_POSTGRES_MAX_PARAMS = 65_535
# SQLite's default since 3.32 (builds may allow more; never fewer on supported versions).
_SQLITE_MAX_PARAMS = 32_766
_MAX_ROWS_PER_STATEMENT = 2_000


def prepared(model: type[models.Model], field_name: str, value: Any) -> Any:
    """``value`` as the database stores it in ``field_name`` (for datetimes, JSON and keys)."""
    field = model._meta.get_field(field_name)
    return field.get_db_prep_save(value, connection)


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
    per_statement = _rows_per_statement(len(columns))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            sql = _statement(table, columns, len(part), pk_column if return_ids else "")
            cursor.execute(sql, [value for row in part for value in row])
            if return_ids:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def can_return_ids() -> bool:
    return connection.features.can_return_rows_from_bulk_insert


@lru_cache(maxsize=64)
def _columns(model: type[models.Model], fields: tuple[str, ...]) -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    columns = ", ".join(quote(by_attname[name].column) for name in fields)
    return quote(model._meta.db_table), columns, quote(model._meta.pk.column)


def _rows_per_statement(width: int) -> int:
    limit = _POSTGRES_MAX_PARAMS if connection.vendor == "postgresql" else _SQLITE_MAX_PARAMS
    return max(1, min(_MAX_ROWS_PER_STATEMENT, limit // width))


@lru_cache(maxsize=16)
def _statement(table: str, columns: str, count: int, returning: str) -> str:
    width = columns.count(",") + 1
    row = "(" + ", ".join(["%s"] * width) + ")"
    sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row] * count)
    return f"{sql} RETURNING {returning}" if returning else sql
