"""Batch runs of the linkage engine, and exports of the open candidates."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import DomainError
from lindung.core.jobs import record_job_failure
from lindung.dedup.models import DuplicateRun
from lindung.dedup.services.candidates import record_candidates

# The run's progress row is written at most this often (in steps of the engine's work).
PROGRESS_EVERY = 0.02
# A run still "running" after this long was cut off (the worker stopped); it no longer
# blocks a new one. A regency-wide run takes minutes.
STALE_AFTER = dt.timedelta(hours=6)


def start_duplicate_search(
    *, user: User, changed_only: bool = False, in_background: bool = True
) -> DuplicateRun:
    """Queue a run over the whole registry, or over the workers changed since the last
    finished run (the whole registry when there was none)."""
    from lindung.dedup.tasks import find_duplicates as task

    require(user, Capability.RESOLVE_DUPLICATES)
    with transaction.atomic():
        _give_up_stale_runs()
        if (
            DuplicateRun.objects.select_for_update()
            .filter(status__in=[DuplicateRun.Status.QUEUED, DuplicateRun.Status.RUNNING])
            .exists()
        ):
            raise DomainError(_("A search for duplicates is already running."))
        last = DuplicateRun.objects.filter(status=DuplicateRun.Status.DONE).first()
        run = DuplicateRun.objects.create(
            started_by=user,
            created_at=timezone.now(),
            changed_since=last.started_at if changed_only and last else None,
        )
        record_event(
            actor=user,
            action="duplicate.run",
            object_type="duplicate_run",
            object_id=run.pk,
            context={
                "changed_only": changed_only,
                "changed_since": run.changed_since.isoformat() if run.changed_since else None,
            },
        )
        if in_background:
            transaction.on_commit(lambda: _enqueue(task, run.pk))
    if not in_background:
        return run_duplicate_search(run.pk)
    return run


def _give_up_stale_runs() -> None:
    DuplicateRun.objects.filter(
        status__in=[DuplicateRun.Status.QUEUED, DuplicateRun.Status.RUNNING],
        created_at__lt=timezone.now() - STALE_AFTER,
    ).update(
        status=DuplicateRun.Status.FAILED,
        error="Terhenti sebelum selesai.",
        finished_at=timezone.now(),
    )


def _enqueue(task, run_id: int) -> None:
    result = task.enqueue(run_id)
    DuplicateRun.objects.filter(pk=run_id).update(task_id=str(result.id))


def run_duplicate_search(run_id: int) -> DuplicateRun:
    """Carry out a queued run (from the task worker or the command line); a run that is
    not queued is left as it is, so a task delivered twice does the work once."""
    from lindung.dedup.linkage import find_pairs

    claimed = DuplicateRun.objects.filter(pk=run_id, status=DuplicateRun.Status.QUEUED).update(
        status=DuplicateRun.Status.RUNNING, started_at=timezone.now()
    )
    run = DuplicateRun.objects.select_related("started_by").get(pk=run_id)
    if not claimed:
        return run
    try:
        pairs = find_pairs(changed_since=run.changed_since, progress=_progress_writer(run))
        outcome = record_candidates(pairs=list(pairs), run=run)
    except Exception as error:
        record_job_failure(
            DuplicateRun.objects.filter(pk=run.pk),
            error,
            failed_status=DuplicateRun.Status.FAILED,
            actor=run.started_by,
            action="duplicate.run_failed",
            object_type="duplicate_run",
            object_id=run.pk,
        )
        raise
    run.refresh_from_db()
    run.status = DuplicateRun.Status.DONE
    run.finished_at = timezone.now()
    run.pairs_found = len(pairs)
    run.pairs_recorded = outcome.pairs_recorded
    run.cases_opened = outcome.cases_opened
    run.progress_done = run.progress_total = max(run.progress_total, 1)
    run.save()
    record_event(
        actor=run.started_by,
        action="duplicate.run_done",
        object_type="duplicate_run",
        object_id=run.pk,
        context={
            "pairs_found": run.pairs_found,
            "pairs_recorded": run.pairs_recorded,
            "pairs_updated": outcome.pairs_updated,
            "cases_opened": run.cases_opened,
        },
    )
    return run


def _progress_writer(run: DuplicateRun):
    """The engine reports (done, total); the page polls the run's row."""
    last_written = [-1.0]

    def progress(done: int, total: int) -> None:
        share = done / total if total else 0.0
        if share - last_written[0] < PROGRESS_EVERY and done < total:
            return
        last_written[0] = share
        DuplicateRun.objects.filter(pk=run.pk).update(progress_done=done, progress_total=total)

    return progress


def record_duplicate_export(*, user: User, rows: int, destination: str) -> None:
    """An export of candidates names workers: it is an audit event, whatever it holds."""
    require(user, Capability.RESOLVE_DUPLICATES)
    record_event(
        actor=user,
        action="duplicate.export",
        object_type="duplicate_list",
        context={"rows": rows, "format": "csv", "destination": destination},
    )
