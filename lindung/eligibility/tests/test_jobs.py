"""Runs of the rules asked for from the page or the API: queued as a job, carried out by the
task worker, one per programme at a time, resumed after a restart; audited."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import PASSWORD
from lindung.accounts.models import Role
from lindung.accounts.services import create_user
from lindung.audit.models import AuditEvent
from lindung.core.exceptions import DomainError, PermissionDenied
from lindung.eligibility import jobs
from lindung.eligibility.jobs import (
    STOPPED,
    request_eligibility_run,
    resume_interrupted_eligibility_jobs,
    run_eligibility_job,
)
from lindung.eligibility.models import EligibilityDecision, EligibilityJob, EligibilityRun
from lindung.eligibility.tests.conftest import ON

pytestmark = pytest.mark.django_db

Status = EligibilityJob.Status


def _request(actor, rules, **options):
    return request_eligibility_run(actor=actor, program_id=rules.program_id, on=ON, **options)


def test_asking_to_run_the_rules_queues_a_job_and_audits_the_request(
    admin_user, rules, make_worker, django_capture_on_commit_callbacks
):
    make_worker()

    with django_capture_on_commit_callbacks(execute=True):
        requested = _request(admin_user, rules)

    job = EligibilityJob.objects.get()
    assert requested.created is True and requested.job.pk == job.pk
    assert (job.status, job.apply, job.reference_date) == (Status.QUEUED, True, ON)
    assert (job.requested_by_id, job.run_id, job.started_at) == (admin_user.pk, None, None)
    task = DBTaskResult.objects.get()
    assert (job.task_id, task.args_kwargs["args"]) == (str(task.pk), [job.pk])
    event = AuditEvent.objects.get(action="eligibility.run_requested")
    assert (event.actor_id, event.object_type, event.object_id) == (
        admin_user.pk, "program", str(rules.program_id)
    )  # fmt: skip
    assert event.context == {"job_id": job.pk, "apply": True, "reference_date": "2026-07-01"}
    assert not EligibilityRun.objects.exists()


def test_the_task_stores_the_run_and_marks_the_job_done(
    admin_user, rules, make_worker, run_tasks_inline
):
    make_worker()
    make_worker(birth_date=dt.date(1959, 1, 10))

    with run_tasks_inline():
        requested = _request(admin_user, rules)

    job = EligibilityJob.objects.get(pk=requested.job.pk)
    run = EligibilityRun.objects.get()
    assert (job.status, job.run_id, job.error) == (Status.DONE, run.pk, "")
    assert job.started_at is not None and job.finished_at >= job.started_at
    assert job.counts == run.counts == {
        "workers": 2, "eligible": 1, "not_eligible": 1, "within_cut": 1
    }  # fmt: skip
    assert job.impact == {"eligible_before": 0, "eligible_after": 1, "gained": 1, "lost": 0}
    assert EligibilityDecision.objects.filter(run=run).count() == 2
    event = AuditEvent.objects.get(action="eligibility.run")
    assert (event.actor_id, event.context["run_id"]) == (admin_user.pk, run.pk)


def test_a_job_without_apply_keeps_the_counts_and_stores_no_decision(
    admin_user, rules, make_worker, run_tasks_inline
):
    make_worker()

    with run_tasks_inline():
        requested = _request(admin_user, rules, apply=False)

    job = EligibilityJob.objects.get(pk=requested.job.pk)
    assert (job.status, job.apply, job.run_id) == (Status.DONE, False, None)
    assert job.counts == {"workers": 1, "eligible": 1, "not_eligible": 0, "within_cut": 1}
    assert job.impact["gained"] == 1
    assert not EligibilityRun.objects.exists()
    assert not EligibilityDecision.objects.exists()
    assert not AuditEvent.objects.filter(action="eligibility.run").exists()


@pytest.mark.parametrize("status", [Status.QUEUED, Status.RUNNING])
def test_asking_again_while_a_run_is_under_way_returns_that_job(
    admin_user, rules, make_worker, status
):
    first = _request(admin_user, rules).job
    EligibilityJob.objects.filter(pk=first.pk).update(status=status)

    again = _request(admin_user, rules)

    assert (again.created, again.job.pk) == (False, first.pk)
    assert EligibilityJob.objects.count() == 1
    assert AuditEvent.objects.filter(action="eligibility.run_requested").count() == 1


@pytest.mark.parametrize(
    ("under_way", "asked", "described"),
    [
        pytest.param(
            {"apply": False},
            {"apply": True},
            "(penilaian tanpa menyimpan, tanggal acuan 1 Juli 2026)",
            id="stored-run-while-dry-run",
        ),
        pytest.param(
            {"apply": True},
            {"apply": True, "on": ON + dt.timedelta(days=1)},
            "(penjalanan, tanggal acuan 1 Juli 2026)",
            id="another-reference-date",
        ),
        pytest.param(
            {"apply": True},
            {"apply": False},
            "(penjalanan, tanggal acuan 1 Juli 2026)",
            id="dry-run-while-stored-run",
        ),
    ],
)
@pytest.mark.parametrize("status", [Status.QUEUED, Status.RUNNING])
def test_asking_for_a_different_run_while_one_is_under_way_is_refused_and_writes_nothing(
    admin_user, rules, status, under_way, asked, described
):
    first = _request(admin_user, rules, **under_way).job
    EligibilityJob.objects.filter(pk=first.pk).update(status=status)
    events = AuditEvent.objects.count()

    with pytest.raises(DomainError) as refused:
        request_eligibility_run(
            actor=admin_user, program_id=rules.program_id, **{"on": ON, **asked}
        )

    assert refused.value.message == (
        f"Penjalanan lain aturan kelayakan program ini sedang berlangsung {described}. "
        "Tunggu sampai selesai, lalu minta penjalanan Anda lagi."
    )
    assert list(EligibilityJob.objects.values_list("pk", "status")) == [(first.pk, status)]
    assert AuditEvent.objects.count() == events


def test_a_different_run_asked_for_at_the_same_moment_is_refused_too(
    admin_user, rules, monkeypatch
):
    first = _request(admin_user, rules, apply=False).job
    events = AuditEvent.objects.count()
    looked_up = []

    def not_yet_seen(program):
        # The other request commits its job between this one's look and its insert.
        looked_up.append(program.pk)
        return None if len(looked_up) == 1 else EligibilityJob.objects.get(pk=first.pk)

    monkeypatch.setattr(jobs, "active_job", not_yet_seen)

    with pytest.raises(DomainError, match="penilaian tanpa menyimpan"):
        _request(admin_user, rules)

    assert looked_up == [rules.program_id, rules.program_id]
    assert list(EligibilityJob.objects.values_list("pk", flat=True)) == [first.pk]
    assert AuditEvent.objects.count() == events


def test_a_new_run_may_be_asked_for_once_the_last_one_is_done(admin_user, rules, make_worker):
    first = _request(admin_user, rules).job
    run_eligibility_job(first.pk)

    second = _request(admin_user, rules)

    assert second.created is True and second.job.pk != first.pk
    assert list(EligibilityJob.objects.values_list("status", flat=True)) == [
        Status.QUEUED, Status.DONE
    ]  # fmt: skip


@pytest.mark.parametrize("role", ["verifier", "tenggarong_operator", "leader", "auditor"])
def test_only_administrators_ask_for_a_run_and_a_refusal_writes_nothing(request, role, rules):
    with pytest.raises(PermissionDenied):
        _request(request.getfixturevalue(role), rules)

    assert not EligibilityJob.objects.exists()
    assert not AuditEvent.objects.filter(action="eligibility.run_requested").exists()


def test_without_rules_in_effect_no_job_is_queued(admin_user, program):
    with pytest.raises(DomainError, match="belum memiliki aturan kelayakan"):
        request_eligibility_run(actor=admin_user, program_id=program.pk, on=ON)

    assert not EligibilityJob.objects.exists()
    assert not AuditEvent.objects.filter(action="eligibility.run_requested").exists()


def test_a_run_refused_when_it_starts_marks_the_job_failed_with_the_reason(
    admin_user, rules, make_worker
):
    make_worker()
    job = _request(admin_user, rules).job
    # The requester is no longer an administrator by the time the worker takes the job.
    type(admin_user).objects.filter(pk=admin_user.pk).update(role=Role.LEADER)

    with pytest.raises(PermissionDenied):
        run_eligibility_job(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == (Status.FAILED, "Peran Anda tidak mengizinkan tindakan ini.")
    assert job.finished_at is not None and job.run_id is None
    assert not EligibilityRun.objects.exists()
    event = AuditEvent.objects.get(action="eligibility.run_failed")
    assert event.context == {"job_id": job.pk, "error": job.error}


def test_an_unexpected_error_is_kept_masked_and_nothing_is_stored(
    admin_user, rules, make_worker, monkeypatch
):
    make_worker()
    job = _request(admin_user, rules).job

    def broken(**kwargs):
        raise RuntimeError("duplicate key (nik)=(6402060203800001)")

    monkeypatch.setattr(jobs, "evaluate_eligibility", broken)

    with pytest.raises(RuntimeError):
        run_eligibility_job(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == (Status.FAILED, "duplicate key (nik)=([disamarkan])")
    assert not EligibilityRun.objects.exists()


def test_a_task_delivered_twice_runs_the_rules_once(admin_user, rules, make_worker):
    make_worker()
    job = _request(admin_user, rules).job

    run_eligibility_job(job.pk)
    run_eligibility_job(job.pk)

    assert EligibilityRun.objects.count() == 1
    assert AuditEvent.objects.filter(action="eligibility.run").count() == 1


def test_a_job_cut_off_by_a_stopped_worker_is_queued_again_and_then_runs(
    admin_user, rules, make_worker, django_capture_on_commit_callbacks
):
    make_worker()
    job = _request(admin_user, rules).job
    EligibilityJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, started_at=timezone.now(), task_id="lost"
    )

    resumed = resume_interrupted_eligibility_jobs()

    job.refresh_from_db()
    assert resumed == [job.pk]
    assert (job.status, job.started_at) == (Status.QUEUED, None)
    assert job.task_id == str(DBTaskResult.objects.get().pk)
    assert resume_interrupted_eligibility_jobs() == []
    run_eligibility_job(job.pk)
    job.refresh_from_db()
    assert job.status == Status.DONE and job.run_id == EligibilityRun.objects.get().pk


def test_a_job_stuck_for_hours_no_longer_blocks_a_new_run(admin_user, rules):
    stuck = _request(admin_user, rules).job
    EligibilityJob.objects.filter(pk=stuck.pk).update(
        status=Status.RUNNING, requested_at=timezone.now() - dt.timedelta(hours=7)
    )

    fresh = _request(admin_user, rules)

    stuck.refresh_from_db()
    assert fresh.created is True
    assert (stuck.status, stuck.error) == (Status.FAILED, STOPPED)
    assert stuck.finished_at is not None
    assert fresh.job.status == Status.QUEUED
    event = AuditEvent.objects.get(action="eligibility.run_failed")
    assert (event.actor_id, event.object_type, event.object_id) == (
        admin_user.pk, "program", str(rules.program_id)
    )  # fmt: skip
    assert event.context == {"job_id": stuck.pk, "error": STOPPED}


def test_a_stuck_job_of_another_requester_is_given_up_in_their_name(admin_user, rules):
    stuck = _request(admin_user, rules, apply=False).job
    EligibilityJob.objects.filter(pk=stuck.pk).update(
        status=Status.QUEUED, requested_at=timezone.now() - dt.timedelta(hours=7)
    )
    colleague = create_user(
        actor=None, username="admin2", role=Role.ADMIN, password=PASSWORD, area_code=None
    )

    fresh = _request(colleague, rules)

    stuck.refresh_from_db()
    assert fresh.created is True and fresh.job.requested_by_id == colleague.pk
    assert stuck.status == Status.FAILED
    event = AuditEvent.objects.get(action="eligibility.run_failed")
    assert (event.actor_id, event.context) == (
        admin_user.pk,
        {"job_id": stuck.pk, "error": STOPPED},
    )


def test_the_database_refuses_a_second_job_under_way_for_a_programme(admin_user, rules):
    first = _request(admin_user, rules).job

    with pytest.raises(IntegrityError), transaction.atomic():
        EligibilityJob.objects.create(
            program_id=rules.program_id,
            reference_date=ON,
            requested_by=admin_user,
            requested_at=timezone.now(),
        )

    assert list(EligibilityJob.objects.values_list("pk", flat=True)) == [first.pk]
