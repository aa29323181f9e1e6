import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindung.accounts.command_actor import command_actor
from lindung.core.exceptions import DomainError
from lindung.eligibility.services import evaluate_eligibility
from lindung.programs.models import Program


class Command(BaseCommand):
    help = (
        "Evaluate a programme's eligibility rules in effect over the whole registry: print "
        "the counts and the change against the stored decisions. With --apply, store the "
        "decisions (audited)."
    )

    def add_arguments(self, parser):
        parser.add_argument("program_code", help="the programme's code")
        parser.add_argument("--apply", action="store_true", help="store the decisions")
        parser.add_argument(
            "--on", type=dt.date.fromisoformat, default=None, help="reference date (YYYY-MM-DD)"
        )
        parser.add_argument("--user", help="who runs the rules (default: the only administrator)")

    def handle(self, *args, program_code, apply, on, user, **options):
        program = Program.objects.filter(code=program_code).first()
        if program is None:
            raise CommandError(f"Program {program_code} tidak ditemukan.")
        actor = command_actor(user)
        on = on or timezone.localdate()  # the office's day (WITA), not the server's
        try:
            result = evaluate_eligibility(actor=actor, program_id=program.pk, on=on, apply=apply)
        except DomainError as error:
            raise CommandError(error.message) from error
        impact, run, version = result.impact, result.run, result.run.rule_version
        total = impact.total
        self.stdout.write(
            f"program={program.code} version={version.number} on={on.isoformat()} "
            f"applied={'yes' if apply else 'no'}"
        )
        self.stdout.write(
            f"impact eligible_before={total.before} eligible_after={total.after} "
            f"gained={total.gained} lost={total.lost}"
        )
        for line in impact.by_district:
            if line.gained or line.lost:
                self.stdout.write(
                    f"  district {line.key} {line.label}: +{line.gained} -{line.lost}"
                )
        counts = run.counts
        self.stdout.write(
            f"workers={counts['workers']} eligible={counts['eligible']} "
            f"not_eligible={counts['not_eligible']} within_cut={counts['within_cut']}"
        )
