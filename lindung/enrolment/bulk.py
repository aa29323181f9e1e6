"""Writing many enrolments and their history rows at once, each row with its own values.

``QuerySet.bulk_update`` builds a ``CASE WHEN id = … THEN …`` expression per field and row
in Python: for a 35,000-row BPJS answer that took a minute before the database saw a
statement. On PostgreSQL the rows go as one JSON document per 2,000 rows, spread into
columns by the server (as ``core.bulk_insert`` inserts); on SQLite, which runs in this
process anyway, as one prepared ``UPDATE … WHERE id = ?`` per row (``executemany``).
"""

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

from lindung.core.bulk_insert import insert_rows, prepared
from lindung.enrolment.models import EnrolmentStatusChange

ROWS_PER_STATEMENT = 2_000


def update_rows(
    model: type[models.Model], fields: Sequence[str], objects: Iterable[models.Model]
) -> None:
    """Write ``fields`` (names such as ``batch`` or ``status``) of every object to its row."""
    columns = [model._meta.get_field(name.removesuffix("_id")) for name in fields]
    rows = [
        [
            obj.pk,
            *(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns),
        ]
        for obj in objects
    ]
    if not rows:
        return
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
            sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"
            cursor.executemany(sql, [[*row[1:], row[0]] for row in rows])
            return
        assignments = ", ".join(
            f"{quote(field.column)} = "
            + (
                f"(e->{i})"
                if field.db_type(connection) == "jsonb"
                else f"(e->>{i})::{field.db_type(connection)}"
            )
            for i, field in enumerate(columns, start=1)
        )
        sql = (
            f"UPDATE {table} SET {assignments} FROM jsonb_array_elements(%s::jsonb) AS r(e) "
            f"WHERE {table}.{pk} = (e->>0)::bigint"
        )
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            part = rows[start : start + ROWS_PER_STATEMENT]
            cursor.execute(sql, [json.dumps(part, default=_json_value)])


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    # A JSONField's value arrives wrapped for the driver; the document needs the value.
    if hasattr(value, "obj"):
        return value.obj
    raise TypeError(f"{type(value).__name__} cannot go into a bulk update")


HISTORY_FIELDS = (
    "enrolment_id",
    "from_status",
    "to_status",
    "effective_on",
    "reason",
    "note",
    "changed_by_id",
    "changed_at",
)


def insert_history(changes: list[EnrolmentStatusChange]) -> None:
    """Insert status moves without building them through ``bulk_create``."""
    dates = {"effective_on", "changed_at"}
    insert_rows(
        EnrolmentStatusChange,
        HISTORY_FIELDS,
        [
            [
                prepared(EnrolmentStatusChange, name, getattr(change, name))
                if name in dates
                else getattr(change, name)
                for name in HISTORY_FIELDS
            ]
            for change in changes
        ],
    )
