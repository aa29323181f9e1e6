from django.core.management.base import BaseCommand

from lindung.imports.services import resume_interrupted_imports


class Command(BaseCommand):
    help = (
        "Queue again the imports that were being checked or saved when the application "
        "stopped (`lindung serve` does this when it starts)."
    )

    def handle(self, *args, **options):
        resumed = resume_interrupted_imports()
        self.stdout.write(f"resumed={len(resumed)}")
