"""Updating many enrolments at once, each with its own values.

``QuerySet.bulk_update`` builds a ``CASE WHEN id = … THEN …`` expression per field and row
in Python: for a 35,000-row BPJS answer that took a minute before the database saw a
statement. Here each row is one parameterised ``UPDATE … WHERE id = %s`` sent with
``executemany`` (pipelined by psycopg, a prepared loop in sqlite3), with the values prepared
once by their fields as ``save()`` would.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models


def update_rows(
    model: type[models.Model], fields: Sequence[str], objects: Iterable[models.Model]
) -> None:
    """Write ``fields`` (attribute names, e.g. ``batch_id``) of every object to its row."""
    meta = model._meta
    columns = [meta.get_field(name.removesuffix("_id")) for name in fields]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in columns)
    sql = (
        f"UPDATE {connection.ops.quote_name(meta.db_table)} SET {assignments} "
        f"WHERE {connection.ops.quote_name(meta.pk.column)} = %s"
    )
    params = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
        + [obj.pk]
        for obj in objects
    ]
    if not params:
        return
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
