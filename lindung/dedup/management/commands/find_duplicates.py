from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.command_actor import command_actor
from lindung.core.exceptions import DomainError
from lindung.dedup.services import start_duplicate_search


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Search the registry for workers registered twice and store the candidate pairs for "
        "review. Runs here (its progress shows on the duplicates page meanwhile) and ends with "
        "pairs=<n>, the pairs the engine found; with --queue hands it to the background "
        "worker and prints queued=<run id>."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--changed-only",
            action="store_true",
            help="only workers changed since the last finished search",
        )
        parser.add_argument(
            "--queue", action="store_true", help="leave the search to the background worker"
        )
        parser.add_argument(
            "--user", help="the user the search is made as (default: the only administrator)"
        )

    def handle(self, *args, changed_only, queue, user, **options):
        actor = command_actor(user)
        try:
            run = start_duplicate_search(user=actor, changed_only=changed_only, in_background=queue)
        except DomainError as error:
            raise CommandError(error.message) from error
        if queue:
            self.stdout.write(f"queued={run.pk}")
        else:
            self.stdout.write(f"pairs={run.pairs_found}")
