from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.command_actor import command_actor
from lindung.core.exceptions import DomainError
from lindung.enrolment.exchange_export import export_registration_batch
from lindung.programs.models import Program
from lindung.programs.selectors import get_program_for_user


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Submit a programme's candidates to BPJS: write the registration file (XLSX, or CSV "
        "when OUT ends in .csv) and print `batch=<code> rows=<n> sha256=<hex>`."
    )

    def add_arguments(self, parser):
        parser.add_argument("program", help="the programme's code")
        parser.add_argument("out", help="the file to write")
        parser.add_argument("--user", help="who exports (default: the only administrator)")

    def handle(self, *args, program, out, user, **options):
        actor = command_actor(user)
        found = Program.objects.filter(code=program).values_list("pk", flat=True).first()
        if found is None:
            raise CommandError(f"Program {program} tidak ada.")
        path = Path(out)
        file_format = "csv" if path.suffix.lower() == ".csv" else "xlsx"
        try:
            exported = export_registration_batch(
                actor=actor,
                program=get_program_for_user(actor, found),
                file_format=file_format,
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        path.write_bytes(exported.content)
        batch = exported.batch
        self.stdout.write(f"batch={batch} rows={batch.row_count} sha256={batch.checksum}")
