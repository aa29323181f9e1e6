"""On PostgreSQL, a trigram index lets name search (`LIKE '% ali%'`) use an index.

SQLite has no such index; a regency-sized registry scans fast enough there.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS worker_name_trgm_idx ON registry_worker "
    "USING gin (name_normalized gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS worker_name_trgm_idx"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_seed_sectors_and_occupations")]
    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
