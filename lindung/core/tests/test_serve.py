"""`lindung serve` on a fresh instance: the first users and, on an empty registry, a demo
that fills the registry, the programme pages and the duplicate pages."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from lindung.accounts.models import User
from lindung.core.formatting import format_number
from lindung.core.management.commands.serve import DEMO_USERS, Command
from lindung.dedup.models import DuplicateRun
from lindung.eligibility.jobs import request_eligibility_run
from lindung.eligibility.models import EligibilityJob, EligibilityRun, MinimumWage
from lindung.programs.models import Program
from lindung.registry.models import Worker


@pytest.fixture
def served(db, settings, tmp_path, monkeypatch):
    """Runs the command up to the point where it would start serving requests."""
    settings.STATIC_ROOT = tmp_path / "static"
    # The demo exports enrolment batches: their files go to the test's own folder.
    settings.DATA_DIR = tmp_path / "data"
    monkeypatch.setattr(Command, "_serve", lambda self, host, port: None)
    # The migrations carry the UMK of the years they were written in; the demo's rules
    # need this year's.
    MinimumWage.objects.get_or_create(
        year=timezone.localdate().year, defaults={"amount": 3_991_797}
    )

    def serve(*args):
        out = io.StringIO()
        call_command("serve", "--no-worker", *args, stdout=out)
        return out.getvalue()

    return serve


def test_a_fresh_instance_gets_users_workers_a_programme_and_duplicates(served):
    output = served("--demo-workers", "300")

    assert User.objects.count() == 1 + len(DEMO_USERS)
    assert Worker.objects.count() == 300 + 40
    program = Program.objects.get()
    run = EligibilityRun.objects.get(program=program)
    assert DuplicateRun.objects.get().status == DuplicateRun.Status.QUEUED
    assert (
        "Demo programme: Perlindungan Pekerja Rentan Kukar, budget Rp7.056.000.000, "
        f"{format_number(run.counts['eligible'])} eligible" in output
    )
    assert "Demo duplicates planted: 40; a duplicate search is queued" in output


def test_no_demo_workers_means_no_demo_at_all(served):
    output = served("--demo-workers", "0")

    assert not Worker.objects.exists()
    assert not Program.objects.exists()
    assert not DuplicateRun.objects.exists()
    assert "Demo" not in output.replace("Demo users", "")


def test_a_registry_with_workers_gets_no_demo(served):
    served("--demo-workers", "300")

    output = served("--demo-workers", "300")

    assert Worker.objects.count() == 340
    assert Program.objects.count() == 1
    assert "Demo programme" not in output


def test_an_eligibility_run_cut_off_by_a_stop_is_queued_again_at_start(served):
    served("--demo-workers", "300")
    admin = User.objects.get(username="admin")
    program = Program.objects.get()
    job = request_eligibility_run(actor=admin, program_id=program.pk, on=timezone.localdate()).job
    EligibilityJob.objects.filter(pk=job.pk).update(
        status=EligibilityJob.Status.RUNNING, started_at=timezone.now(), task_id="lost"
    )

    output = served("--demo-workers", "300")

    job.refresh_from_db()
    assert f"Resuming interrupted eligibility runs: {job.pk}" in output
    assert (job.status, job.started_at) == (EligibilityJob.Status.QUEUED, None)
