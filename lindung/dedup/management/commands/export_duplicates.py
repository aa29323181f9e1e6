import csv
from pathlib import Path

from django.core.management.base import BaseCommand

from lindung.accounts.command_actor import command_actor
from lindung.dedup.selectors import open_candidates
from lindung.dedup.services import record_duplicate_export

HEADER = (
    "case_id", "left_id", "right_id", "left_source_ref", "right_source_ref", "district",
    "match_weight", "probability", "level",
)  # fmt: skip


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Write the candidate pairs of open duplicate cases (both workers' ids and source "
        "references, the score) to a CSV file. Ends with rows=<n>."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="the CSV file to write")
        parser.add_argument(
            "--user", help="the user the export is made as (default: the only administrator)"
        )

    def handle(self, *args, out, user, **options):
        actor = command_actor(user)
        rows = open_candidates(actor)
        # Recorded before the file is written: a file cut short was still an export.
        record_duplicate_export(user=actor, rows=len(rows), destination=Path(out).name)
        with Path(out).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for row in rows:
                writer.writerow(
                    [
                        row.case_id, row.left_id, row.right_id, row.left_source_ref,
                        row.right_source_ref, row.district, f"{row.match_weight:.3f}",
                        f"{row.probability:.4f}", row.level,
                    ]
                )  # fmt: skip
        self.stdout.write(f"rows={len(rows)}")
