import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.command_actor import command_actor
from lindung.core.exceptions import DomainError
from lindung.programs.inputs import RateInput
from lindung.programs.models import Program
from lindung.programs.services import add_rate_version


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Add a contribution rate version from a date, for one programme or (--national) for "
        "every programme. Ends with one line: `rate_version=<id> valid_from=<date>`. "
        "Example: --national --from 2026-01-01 --discount 50 --payers self_paid "
        "--reference 'PP 50/2025 diskon 50%' --until 2027-03-31"
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--program", help="the programme's code")
        target.add_argument("--national", action="store_true", help="for every programme")
        parser.add_argument("--from", dest="valid_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--until", dest="valid_until", help="YYYY-MM-DD (optional end)")
        parser.add_argument("--jkk", default="1.00", help="percent of reported income")
        parser.add_argument("--jkm", default="6800", help="rupiah a month")
        parser.add_argument("--jht", default="2.00", help="percent of reported income")
        parser.add_argument("--discount", default="0", help="percent off JKK and JKM")
        parser.add_argument(
            "--payers", default="", help="comma-separated funder kinds (default: every payer)"
        )
        parser.add_argument("--reference", required=True, help="legal reference, e.g. PP 44/2015")
        parser.add_argument("--note", default="")
        parser.add_argument("--user", help="who adds it (default: the only administrator)")

    def handle(self, *args, **options):
        actor = command_actor(options["user"])
        program_id = None
        if options["program"]:
            program_id = (
                Program.objects.filter(code=options["program"]).values_list("pk", flat=True).first()
            )
            if program_id is None:
                raise CommandError(f"Program {options['program']} tidak ada.")
        try:
            version = add_rate_version(
                actor=actor, program_id=program_id, data=_rate_input(options)
            )
        except ValidationError as error:
            raise CommandError(_flat(error)) from error
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"rate_version={version.pk} valid_from={version.valid_from}")


def _rate_input(options) -> RateInput:
    try:
        return RateInput(
            valid_from=dt.date.fromisoformat(options["valid_from"]),
            valid_until=(
                dt.date.fromisoformat(options["valid_until"]) if options["valid_until"] else None
            ),
            jkk_percent=Decimal(options["jkk"]),
            jkm_amount=int(options["jkm"]),
            jht_percent=Decimal(options["jht"]),
            discount_percent=Decimal(options["discount"]),
            payer_kinds=[kind.strip() for kind in options["payers"].split(",") if kind.strip()],
            legal_reference=options["reference"],
            note=options["note"],
        )
    except (ValueError, InvalidOperation) as error:
        raise CommandError(f"Nilai tidak dapat dibaca: {error}") from error


def _flat(error: ValidationError) -> str:
    return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
