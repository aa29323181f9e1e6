from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindung.accounts.command_actor import command_actor
from lindung.core.exceptions import DomainError
from lindung.core.formatting import format_money
from lindung.programs.budget import budget_position
from lindung.programs.models import Program
from lindung.programs.selectors import can_see_money, get_program_for_user


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Show a programme's budget position for a fiscal year: per funder one line "
        "`<funder code> budget=<Rp> committed=<Rp> forecast=<Rp> remaining=<Rp>`."
    )

    def add_arguments(self, parser):
        parser.add_argument("program", help="the programme's code")
        parser.add_argument("--year", type=int, help="fiscal year (default: this year)")
        parser.add_argument("--user", help="who asks (default: the only administrator)")

    def handle(self, *args, program, year, user, **options):
        actor = command_actor(user)
        found = Program.objects.filter(code=program).values_list("pk", flat=True).first()
        if found is None:
            raise CommandError(f"Program {program} tidak ada.")
        try:
            if not can_see_money(actor):
                raise DomainError("Peran Anda tidak mengizinkan tindakan ini.")
            position = budget_position(
                get_program_for_user(actor, found), year or timezone.localdate().year
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        for funder in position.funders:
            self.stdout.write(
                f"{funder.funding_source.code} "
                f"budget={_money(funder.budget)} committed={format_money(funder.committed)} "
                f"forecast={format_money(funder.forecast)} remaining={_money(funder.remaining)}"
            )


def _money(amount: int | None) -> str:
    return "-" if amount is None else format_money(amount)
