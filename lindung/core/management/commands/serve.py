"""`lindung serve`: everything a laptop instance needs, then the web server and the worker.

Migrates, loads the regency's regions, creates the first administrator (printing the
generated password once), fills an empty registry with demo data (workers, a programme with
its eligibility results, duplicates awaiting a search), and serves on
http://127.0.0.1:8000 with the background task worker beside it.
"""

import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from lindung.accounts.models import Role, User
from lindung.accounts.services import create_user, generate_password
from lindung.core.formatting import format_money, format_number
from lindung.dedup.demo import plant_demo_duplicates
from lindung.eligibility.jobs import resume_interrupted_eligibility_jobs
from lindung.enrolment.demo import seed_demo_enrolment
from lindung.imports.services import resume_interrupted_imports
from lindung.programs.demo import seed_demo_programme
from lindung.registry.models import Worker

DEMO_USERS = [
    # username, role, area
    ("operator.tenggarong", Role.DISTRICT_OPERATOR, "64.02.06"),
    ("operator.loakulu", Role.DISTRICT_OPERATOR, "64.02.02"),
    ("desa.jahab", Role.VILLAGE_OPERATOR, "64.02.06.1001"),
    ("verifikator", Role.VERIFIER, None),
    ("bpjs", Role.BPJS_LIAISON, None),
    ("pimpinan", Role.LEADER, None),
    ("auditor", Role.AUDITOR, None),
]


class Command(BaseCommand):
    help = "Prepare the instance (migrate, regions, admin, demo data) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--demo-workers",
            type=int,
            default=5000,
            help="demo workers to create when the registry is empty (0: none)",
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the background task worker"
        )

    def handle(self, *args, host, port, demo_workers, no_worker, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_regions", verbosity=0, stdout=self.stdout)
        self._create_first_users()
        if demo_workers and not Worker.objects.exists():
            call_command("seed_demo", workers=demo_workers, stdout=self.stdout)
            self._seed_demo_beyond_registry()
        call_command("collectstatic", interactive=False, verbosity=0)
        resumed = resume_interrupted_imports()
        if resumed:
            self.stdout.write(f"Resuming interrupted imports: {', '.join(map(str, resumed))}")
        resumed = resume_interrupted_eligibility_jobs()
        if resumed:
            self.stdout.write(
                f"Resuming interrupted eligibility runs: {', '.join(map(str, resumed))}"
            )
        worker = (
            None
            if no_worker
            else subprocess.Popen([sys.executable, "-m", "lindung.manage", "db_worker"])
        )
        self.stdout.write(f"Lindung: http://{host}:{port}/  (Ctrl+C to stop)")
        try:
            self._serve(host, port)
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGINT)
                worker.wait(timeout=30)

    def _create_first_users(self) -> None:
        if User.objects.exists():
            return
        password = generate_password()
        create_user(
            actor=None,
            username="admin",
            role=Role.ADMIN,
            password=password,
            full_name="Administrator",
        )
        demo_password = generate_password()
        for username, role, area in DEMO_USERS:
            create_user(
                actor=None, username=username, role=role, password=demo_password, area_code=area
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"\nAdministrator created:  username=admin  password={password}\n"
                f"Demo users ({', '.join(u for u, _, _ in DEMO_USERS)}) share the password "
                f"{demo_password}\nThese passwords are shown only this once.\n"
            )
        )

    def _seed_demo_beyond_registry(self) -> None:
        """The programme, its eligibility results, enrolments and duplicate cases, so the
        pages past the registry have something to show; written as the first administrator."""
        admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
        if admin is None:
            return
        demo = seed_demo_programme(actor=admin)
        eligible = (
            f"{format_number(demo.run.counts['eligible'])} eligible"
            if demo.run
            else "eligibility not run (no UMK for this year)"
        )
        self.stdout.write(
            f"Demo programme: {demo.program.name}, budget "
            f"{format_money(demo.budget.amount if demo.budget else 0)}, "
            f"{eligible}"
        )
        if demo.run is not None:
            enrolled = seed_demo_enrolment(actor=admin, program=demo.program, run=demo.run)
            counts = {key: format_number(value) for key, value in enrolled.counts.items()}
            self.stdout.write(
                f"Demo enrolment: {counts['active']} active, {counts['submitted']} submitted "
                f"awaiting BPJS, {counts['candidate']} candidates, {counts['refused']} refused "
                f"by BPJS, {counts['ended']} ended, {counts['graduated']} graduated"
            )
        planted = plant_demo_duplicates(actor=admin)
        queued = "a duplicate search is queued" if planted.run else "a search is already running"
        self.stdout.write(f"Demo duplicates planted: {len(planted.planted)}; {queued}")

    def _serve(self, host: str, port: int) -> None:
        from waitress import serve

        from lindung.config.wsgi import application

        serve(
            application,
            host=host,
            port=port,
            threads=8,
            ident="Lindung",
            clear_untrusted_proxy_headers=True,
        )
