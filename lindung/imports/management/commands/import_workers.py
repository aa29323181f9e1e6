import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.command_actor import command_actor
from lindung.core.exceptions import DomainError
from lindung.imports.models import ImportProfile
from lindung.imports.services import start_import_pass, upload_import
from lindung.imports.storage import report_path


class Command(BaseCommand):
    # The system checks take half a second and concern the web application, not a file.
    requires_system_checks: list[str] = []
    help = (
        "Import a worker list (XLSX, XLS, ODS or CSV). Ends with one line: "
        "rows=<n> created=<n> updated=<n> unchanged=<n> rejected=<n>."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--sheet", help="the sheet holding the list (default: found)")
        parser.add_argument("--profile", help="a saved column mapping, by name")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row but save nothing"
        )
        parser.add_argument("--report", help="write the row-by-row report (XLSX) here")
        parser.add_argument(
            "--user", help="the user the import is made as (default: the only administrator)"
        )

    def handle(self, *args, file, sheet, profile, dry_run, report, user, **options):
        actor = command_actor(user)
        path = Path(file)
        if not path.is_file():
            self._unreadable(f"Berkas {file} tidak ada.")
        profile_id = None
        if profile:
            found = ImportProfile.objects.filter(name=profile).first()
            if found is None:
                raise CommandError(f"Profil impor '{profile}' tidak ada.")
            profile_id = found.pk
        try:
            with path.open("rb") as handle:
                job = upload_import(
                    actor=actor,
                    file=handle,
                    original_name=path.name,
                    sheet=sheet,
                    profile_id=profile_id,
                )
            job = start_import_pass(
                actor=actor, job_id=job.pk, save=not dry_run, in_background=False
            )
        except DomainError as error:
            self._unreadable(error.message)
        if report:
            shutil.copyfile(report_path(job), report)
        self.stdout.write(
            f"rows={job.processed_rows} created={job.created} "
            f"updated={job.updated} unchanged={job.unchanged} "
            f"rejected={job.rejected}"
        )

    def _unreadable(self, message: str) -> None:
        self.stderr.write(message)
        raise SystemExit(1)
