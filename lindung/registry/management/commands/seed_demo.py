import time

from django.core.management.base import BaseCommand, CommandError

from lindung.core.exceptions import DomainError
from lindung.registry.demo import seed_demo_workers


class Command(BaseCommand):
    help = (
        "Fill the registry with realistic synthetic workers of the regency, for "
        "demonstrations and benchmarks. The same seed gives the same people."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, required=True, help="how many to create")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    def handle(self, *args, workers, seed, **options):
        started = time.perf_counter()
        try:
            created = seed_demo_workers(actor=None, count=workers, seed=seed)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"created={created} seconds={time.perf_counter() - started:.1f}")
