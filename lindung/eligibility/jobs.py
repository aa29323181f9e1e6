"""Runs of the rules asked for from the page or the API. Over a province's registry a run
takes most of a minute, longer than a web request may wait: the request queues a job, the
task worker carries it out (``tasks.run_eligibility_job``), and the page and the API follow
the job until it is done. The command line still runs the rules directly.

A run stores its decisions and marks its job done in one transaction, so a job cut off
part-way left nothing behind and is simply run again.

The jobs are read through ``selectors`` (``active_job``, ``latest_job``, ``get_job_for_user``).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import DomainError
from lindung.core.formatting import format_date
from lindung.core.jobs import record_job_failure
from lindung.eligibility.models import EligibilityJob
from lindung.eligibility.selectors import (
    ACTIVE_JOB,
    active_job,
    version_in_effect,
)
from lindung.eligibility.services import Evaluation, evaluate_eligibility, no_rules_message
from lindung.programs.models import Program
from lindung.programs.selectors import get_program_for_user

ALREADY_REQUESTED = (
    "Aturan kelayakan program ini sedang dijalankan. Permintaan Anda tidak membuat "
    "penjalanan kedua; hasilnya tampil di penjalanan yang sudah ada."
)
STOPPED = "Terhenti sebelum selesai; tidak ada yang tersimpan. Jalankan aturan sekali lagi."
# A job still queued or running this long after it was asked for was cut off with the
# worker; it no longer blocks a new one. A province's run takes about a minute.
STALE_AFTER = dt.timedelta(hours=6)


@dataclass(frozen=True)
class JobRequest:
    job: EligibilityJob
    # False when the same run (same ``apply`` and reference date) was already queued or
    # running: that one is returned.
    created: bool


def request_eligibility_run(
    *, actor: User, program_id: int, on: dt.date | None = None, apply: bool = True
) -> JobRequest:
    """Queue a run of the rules in effect on ``on`` (default today): stored with ``apply``,
    else only evaluated against the stored decisions. While the same run of the programme
    is queued or running, asking again returns that job instead of a second one; while a
    different one is (a dry run, another reference date), the request is refused."""
    from lindung.eligibility.tasks import run_eligibility_job as task

    require(actor, Capability.MANAGE_PROGRAMS)
    on = on or timezone.localdate()
    with transaction.atomic():
        # Not locked: a run holds the programme's row for as long as it takes.
        program = get_program_for_user(actor, program_id)
        if version_in_effect(program, on=on) is None:
            raise DomainError(no_rules_message(program, on))
        _give_up_stale_jobs(program)
        if (running := active_job(program)) is not None:
            return _the_same_run(running, apply=apply, on=on)
        try:
            with transaction.atomic():
                job = EligibilityJob.objects.create(
                    program=program,
                    apply=apply,
                    reference_date=on,
                    requested_by=actor,
                    requested_at=timezone.now(),
                )
        except IntegrityError:
            # Asked for at the same moment by someone else: theirs is the one.
            running = active_job(program)
            if running is None:
                raise
            return _the_same_run(running, apply=apply, on=on)
        record_event(
            actor=actor,
            action="eligibility.run_requested",
            object_type="program",
            object_id=program.pk,
            context={"job_id": job.pk, "apply": apply, "reference_date": on},
        )
        transaction.on_commit(lambda: _enqueue(task, job.pk))
    return JobRequest(job, created=True)


def _the_same_run(running: EligibilityJob, *, apply: bool, on: dt.date) -> JobRequest:
    # Handing back a job that stores nothing, or judges on another date, would let the
    # requester believe their own run took place.
    if running.apply == apply and running.reference_date == on:
        return JobRequest(running, created=False)
    raise DomainError(_another_run_message(running))


def _another_run_message(running: EligibilityJob) -> str:
    kind = "penjalanan" if running.apply else "penilaian tanpa menyimpan"
    return (
        "Penjalanan lain aturan kelayakan program ini sedang berlangsung "
        f"({kind}, tanggal acuan {format_date(running.reference_date)}). "
        "Tunggu sampai selesai, lalu minta penjalanan Anda lagi."
    )


def _give_up_stale_jobs(program: Program) -> None:
    stale = EligibilityJob.objects.filter(
        program=program,
        status__in=ACTIVE_JOB,
        requested_at__lt=timezone.now() - STALE_AFTER,
    ).select_related("requested_by")
    for job in stale:
        # Filtered on the status again: the worker may have finished it meanwhile.
        given_up = EligibilityJob.objects.filter(pk=job.pk, status__in=ACTIVE_JOB).update(
            status=EligibilityJob.Status.FAILED, error=STOPPED, finished_at=timezone.now()
        )
        if given_up:
            record_event(
                actor=job.requested_by,
                action="eligibility.run_failed",
                object_type="program",
                object_id=job.program_id,
                context={"job_id": job.pk, "error": STOPPED},
            )


def _enqueue(task, job_id: int) -> None:
    result = task.enqueue(job_id)
    EligibilityJob.objects.filter(pk=job_id).update(task_id=str(result.id))


def run_eligibility_job(job_id: int) -> EligibilityJob:
    """Carry out a queued job (from the task worker). A job that is not queued is left as it
    is, so a task delivered twice runs the rules once. The requester's role and area are
    checked again: they may have changed while the job waited."""
    claimed = EligibilityJob.objects.filter(pk=job_id, status=EligibilityJob.Status.QUEUED).update(
        status=EligibilityJob.Status.RUNNING, started_at=timezone.now()
    )
    job = EligibilityJob.objects.select_related("requested_by").get(pk=job_id)
    if not claimed:
        return job
    try:
        with transaction.atomic():
            result = evaluate_eligibility(
                actor=job.requested_by,
                program_id=job.program_id,
                on=job.reference_date,
                apply=job.apply,
            )
            _finish(job, result)
    except Exception as error:
        record_job_failure(
            EligibilityJob.objects.filter(pk=job.pk),
            error,
            failed_status=EligibilityJob.Status.FAILED,
            actor=job.requested_by,
            action="eligibility.run_failed",
            object_type="program",
            object_id=job.program_id,
            context={"job_id": job.pk},
        )
        raise
    return job


def _finish(job: EligibilityJob, result: Evaluation) -> None:
    total = result.impact.total
    job.status = EligibilityJob.Status.DONE
    job.finished_at = timezone.now()
    # Without ``apply`` the run was rolled back: only its counts remain.
    job.run = result.run if result.applied else None
    job.counts = result.run.counts
    job.impact = {
        "eligible_before": total.before,
        "eligible_after": total.after,
        "gained": total.gained,
        "lost": total.lost,
    }
    job.save(update_fields=["status", "finished_at", "run", "counts", "impact"])


def resume_interrupted_eligibility_jobs(*, older_than: dt.timedelta = dt.timedelta(0)) -> list[int]:
    """Queue again the jobs that were running when the application stopped (their run
    was rolled back with the worker), and those whose task was never handed to the queue."""
    from lindung.eligibility.tasks import run_eligibility_job as task

    cutoff = timezone.now() - older_than
    resumed = []
    for job in EligibilityJob.objects.filter(
        Q(status=EligibilityJob.Status.RUNNING, started_at__lte=cutoff)
        | Q(status=EligibilityJob.Status.QUEUED, task_id="", requested_at__lte=cutoff)
    ):
        EligibilityJob.objects.filter(pk=job.pk, status=job.status).update(
            status=EligibilityJob.Status.QUEUED, started_at=None
        )
        _enqueue(task, job.pk)
        resumed.append(job.pk)
    return resumed
