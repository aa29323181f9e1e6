from django.core.management.base import BaseCommand

from lindung.audit.services import verify_chain


class Command(BaseCommand):
    help = "Re-compute the audit trail's hash chain; exit 1 at the first broken event."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"OK {report.events} events")
            return
        self.stdout.write(
            f"BROKEN at event #{report.broken_sequence}: {report.problem} "
            f"({report.events} events before it are intact)"
        )
        raise SystemExit(1)
