from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.command_actor import command_actor
from lindung.core.exceptions import DomainError
from lindung.enrolment.exchange_import import import_bpjs_answer


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Apply BPJS's answer to registrations (XLSX or CSV: NIK, status, KPJ, coverage start, "
        "reason). Prints the counts, then one line per row that matched nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="who imports (default: the only administrator)")

    def handle(self, *args, file, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Berkas {file} tidak ada.")
        try:
            record = import_bpjs_answer(actor=command_actor(user), path=path)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(" ".join(f"{key}={value}" for key, value in record.counts.items()))
        for row in record.unmatched:
            self.stdout.write(f"baris {row['row']}: {row['reason']}")
