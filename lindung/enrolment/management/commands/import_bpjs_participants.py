import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.command_actor import command_actor
from lindung.core.exceptions import DomainError
from lindung.enrolment.exchange_import import import_bpjs_participants


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Record a BPJS participant list (NIK, KPJ, segment, membership kind, status) as of a "
        "date. Prints the counts, then one line per row not kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as-of", required=True, help="the list's date, YYYY-MM-DD")
        parser.add_argument("--user", help="who imports (default: the only administrator)")

    def handle(self, *args, file, as_of, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Berkas {file} tidak ada.")
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise CommandError("Tanggal harus berformat YYYY-MM-DD.") from None
        try:
            record = import_bpjs_participants(actor=command_actor(user), path=path, as_of=day)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(" ".join(f"{key}={value}" for key, value in record.counts.items()))
        for row in record.unmatched:
            self.stdout.write(f"baris {row['row']}: {row['reason']}")
