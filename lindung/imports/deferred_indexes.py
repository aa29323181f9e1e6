"""Indexes that the save of a very large file builds once, after its rows, instead of row by row.

A file over ``DUPLICATE_CHECK_MAX_ROWS`` rows is not compared with the registry row by row for
possible duplicates (the duplicate search does that afterwards), so nothing in its save reads
the indexes of the instant duplicate check and of the data-quality worklists. Keeping them up
to date row by row costs such a save dearly on SQLite (300,000 rows: 87 s with them, 75 s
without): every new worker lands on a random page of each index, and each chunk's commit
writes every page it touched again. Built from the finished table they cost one sort each.

While they are gone the duplicate check and the worklists still answer, only slower (they read
the table). They come back when the save ends, however it ends; a save cut short by a crash
resumes when the application starts again (``resume_interrupted_imports``), and that start
rebuilds whatever is missing first, as does every other import pass. On PostgreSQL they are
dropped and built concurrently, so people's reads and writes of the registry go on.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from lindung.registry.models import Worker

# Not the unique NIK index (the save looks workers up by NIK and relies on it) nor the ones
# the registry's lists and search read while people keep working during a long save.
DEFERRED_INDEXES = (
    "worker_nik_head_idx",
    "worker_nik_tail_idx",
    "worker_birth_district_idx",
    "worker_nik_mismatch_idx",
    "worker_funded_kk_idx",
    "worker_funded_phone_idx",
)

log = logging.getLogger(__name__)


@contextmanager
def indexes_built_after() -> Iterator[None]:
    """Drop the deferred indexes for the duration of a save, then build them again."""
    drop_deferred_indexes()
    try:
        yield
    finally:
        try:
            restore_deferred_indexes()
        except Exception:
            # The rows are saved; an index that could not be built now (another save holds
            # the write lock) is built at the next save or the next start.
            log.exception("Could not rebuild the worker indexes after an import")


def drop_deferred_indexes() -> None:
    concurrently = "CONCURRENTLY " if _concurrently() else ""
    with connection.cursor() as cursor:
        for name in DEFERRED_INDEXES:
            cursor.execute(f"DROP INDEX {concurrently}IF EXISTS {_quote(name)}")


def restore_deferred_indexes() -> list[str]:
    """Build the deferred indexes that are missing; returns their names."""
    present = _usable_indexes()
    missing = [
        index
        for index in Worker._meta.indexes
        if index.name in DEFERRED_INDEXES and index.name not in present
    ]
    if not missing:
        return []
    concurrently = _concurrently()
    # Not entered as a context: SQLite's schema editor refuses to run inside a transaction,
    # and building an index needs none of what it would switch off.
    editor = connection.schema_editor()
    with connection.cursor() as cursor:
        for index in missing:
            if concurrently:
                # What a build cut short left behind is an invalid index of the same name.
                cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {_quote(index.name)}")
                cursor.execute(str(index.create_sql(Worker, editor, concurrently=True)))
            else:
                cursor.execute(str(index.create_sql(Worker, editor)))
    return [index.name for index in missing]


def _concurrently() -> bool:
    """PostgreSQL drops and builds an index without holding up others' reads and writes of
    the table (a plain DROP INDEX would queue every query on it behind the longest running
    transaction; a plain CREATE INDEX blocks writes while it builds); it cannot do so inside
    a transaction."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _usable_indexes() -> set[str]:
    table = Worker._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " WHERE i.indrelid = %s::regclass AND i.indisvalid",
                [table],
            )
            return {name for (name,) in cursor.fetchall()}
        return set(connection.introspection.get_constraints(cursor, table))


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)
