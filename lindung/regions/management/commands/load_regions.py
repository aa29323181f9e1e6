from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lindung.core.exceptions import DomainError
from lindung.regions.services import load_regions


class Command(BaseCommand):
    help = "Load the Kemendagri regions of the configured regency (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--regency",
            default=settings.LINDUNG_REGENCY_CODE,
            help="Kemendagri regency code (default: the configured one)",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            dest="whole_country",
            help="Load every province, regency, district and village",
        )

    def handle(self, *args, regency, whole_country, **options):
        try:
            result = load_regions(regency_code=regency, whole_country=whole_country)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"created={result.created} updated={result.updated} unchanged={result.unchanged}"
        )
