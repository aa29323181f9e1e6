"""The two yardsticks of the import benchmark, each run as its own process.

    python benchmarks/import_baselines.py floor FILE.typed.tsv [--limit N]
    python benchmarks/import_baselines.py import-export FILE.typed.tsv [--limit N]

``floor``: a plain ``Worker.objects.bulk_create`` of the accepted rows, already typed
(batches of 2,000, one transaction per batch, no validation, no audit, no name index): the
fastest the ORM can put these records in the table.

``import-export``: django-import-export as a Django team would set it up for this table, with
its bulk options (``use_bulk``, ``batch_size = 2000``, ``skip_diff``), rows matched on NIK so
that a known worker is updated rather than added twice. It gets the same typed values (village
code, sector code, ISO dates), so it does none of the reading of mixed formats that Lindung
does. The database and data directory come from the environment (``DATABASE_URL``,
``LINDUNG_DATA_DIR``). Prints ``created=<n>``.
"""

import argparse
import csv
import os
import sys
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BATCH_SIZE = 2000


def _typed_rows(path: Path, limit: int | None):
    with path.open(encoding="utf-8", newline="") as handle:
        yield from islice(csv.DictReader(handle, delimiter="\t"), limit)


def run_floor(path: Path, limit: int | None) -> int:
    from django.db import transaction
    from django.utils import timezone

    from lindung.accounts.models import Role, User
    from lindung.registry.models import Sector, Worker, WorkerStatus

    actor = User.objects.get(role=Role.ADMIN)
    sector_ids = dict(Sector.objects.values_list("code", "pk"))
    now = timezone.now()
    rows = _typed_rows(path, limit)
    created = 0
    while batch := list(islice(rows, BATCH_SIZE)):
        workers = [
            Worker(
                **{key: row[key] for key in _TEXT_FIELDS},
                birth_date=row["birth_date"],
                village_id=row["village"],
                district_id=row["village"][:8],  # a village code starts with its district's
                sector_id=sector_ids[row["sector"]],
                birth_date_mismatch=row["birth_date_mismatch"] == "1",
                sex_mismatch=row["sex_mismatch"] == "1",
                status=WorkerStatus.REGISTERED,
                version=1,
                created_at=now,
                created_by=actor,
                updated_at=now,
                updated_by=actor,
            )
            for row in batch
        ]
        with transaction.atomic():
            Worker.objects.bulk_create(workers, batch_size=BATCH_SIZE)
        created += len(workers)
    return created


_TEXT_FIELDS = (
    "nik", "kk_number", "full_name", "name_normalized", "birth_place", "sex", "phone", "address",
    "rt", "rw", "occupation", "source_ref",
)  # fmt: skip


def run_import_export(path: Path, limit: int | None) -> int:
    import tablib
    from django.utils import timezone
    from import_export import fields, resources, widgets

    from lindung.accounts.models import Role, User
    from lindung.regions.models import Region
    from lindung.registry.models import Sector, Worker, WorkerStatus

    actor = User.objects.get(role=Role.ADMIN)

    class WorkerResource(resources.ModelResource):
        village = fields.Field(
            attribute="village", column_name="village", widget=widgets.ForeignKeyWidget(Region)
        )
        district = fields.Field(
            attribute="district", column_name="district", widget=widgets.ForeignKeyWidget(Region)
        )
        sector = fields.Field(
            attribute="sector",
            column_name="sector",
            widget=widgets.ForeignKeyWidget(Sector, field="code"),
        )

        class Meta:
            model = Worker
            import_id_fields = ("nik",)
            fields = (*_TEXT_FIELDS, "birth_date", "village", "district", "sector")
            use_bulk = True
            batch_size = BATCH_SIZE
            skip_diff = True

        def before_save_instance(self, instance, row, **kwargs):
            now = timezone.now()
            instance.status = WorkerStatus.REGISTERED
            instance.created_at = instance.updated_at = now
            instance.created_by = instance.updated_by = actor

    headers = [*_TEXT_FIELDS, "birth_date", "village", "district", "sector"]
    dataset = tablib.Dataset(headers=headers)
    for row in _typed_rows(path, limit):
        row["district"] = row["village"][:8]
        dataset.append([row[key] for key in headers])
    result = WorkerResource().import_data(dataset, dry_run=False, use_transactions=True)
    if result.has_errors() or result.has_validation_errors():
        errors = result.base_errors[:1] or result.row_errors()[:1] or result.invalid_rows[:1]
        raise SystemExit(f"django-import-export reported errors: {errors!r}")
    return result.totals["new"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tool", choices=("floor", "import-export"))
    parser.add_argument("typed_file", type=Path)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.config.settings")
    import django

    django.setup()
    run = run_floor if args.tool == "floor" else run_import_export
    print(f"created={run(args.typed_file, args.limit)}")


if __name__ == "__main__":
    main()
