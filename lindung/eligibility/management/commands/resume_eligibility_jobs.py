from django.core.management.base import BaseCommand

from lindung.eligibility.jobs import resume_interrupted_eligibility_jobs


class Command(BaseCommand):
    help = (
        "Queue again the runs of eligibility rules that were running when the application "
        "stopped; nothing of them was stored, so they run from the start."
    )

    def handle(self, *args, **options):
        resumed = resume_interrupted_eligibility_jobs()
        self.stdout.write(f"resumed={len(resumed)}")
