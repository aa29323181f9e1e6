import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.command_actor import command_actor
from lindung.core.exceptions import DomainError
from lindung.enrolment.coverage import coverage_on
from lindung.registry.selectors import workers_for_user


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Was the worker with this NIK covered on DATE (YYYY-MM-DD)? Prints `covered` or "
        "`not covered`, the programme, funders and masked KPJ, and why not."
    )

    def add_arguments(self, parser):
        parser.add_argument("nik")
        parser.add_argument("date")
        parser.add_argument("--user", help="who asks (default: the only administrator)")

    def handle(self, *args, nik, date, user, **options):
        try:
            on = dt.date.fromisoformat(date)
        except ValueError:
            raise CommandError("Tanggal harus berformat YYYY-MM-DD.") from None
        actor = command_actor(user)
        try:
            worker_id = workers_for_user(actor).filter(nik=nik).values_list("pk", flat=True).first()
            if worker_id is None:
                raise CommandError("Pekerja dengan NIK ini tidak ditemukan.")
            coverage = coverage_on(actor, worker_id, on)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write("covered" if coverage.covered else "not covered")
        if coverage.enrolment:
            self.stdout.write(f"program: {coverage.program.name}")
            if coverage.funders:
                self.stdout.write(f"funders: {coverage.funder_names}")
            if coverage.kpj_masked:
                self.stdout.write(f"kpj: {coverage.kpj_masked}")
        self.stdout.write(coverage.explanation)
