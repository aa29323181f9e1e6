"""Writing many checked workers at once (a chunk of an imported file), with their audit."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import PendingEvent, record_events
from lindung.registry.models import Worker, WorkerStatus, WorkerStatusChange
from lindung.registry.name_index import index_names
from lindung.registry.services import audited_values, changed_values


@dataclass
class NewWorker:
    row: int
    cleaned: dict[str, Any]  # from ``clean_worker_values``


@dataclass
class WorkerCorrection:
    row: int
    worker: Worker  # as loaded, locked by the caller's transaction
    cleaned: dict[str, Any]


def save_checked_workers(
    *,
    actor: User,
    new: list[NewWorker],
    corrections: list[WorkerCorrection],
    source: dict[str, Any],
) -> list[Worker]:
    """Create ``new`` and apply ``corrections``; return the created workers.

    ``source`` (e.g. the import job and the file's checksum) goes into every audit event,
    beside the row number."""
    require(actor, Capability.EDIT_WORKERS)
    now = timezone.now()
    with transaction.atomic():
        created = Worker.objects.bulk_create(
            [
                Worker(
                    **item.cleaned,
                    status=WorkerStatus.REGISTERED,
                    version=1,
                    created_at=now,
                    created_by=actor,
                    updated_at=now,
                    updated_by=actor,
                )
                for item in new
            ],
            batch_size=2000,
        )
        WorkerStatusChange.objects.bulk_create(
            [
                WorkerStatusChange(
                    worker=worker,
                    to_status=WorkerStatus.REGISTERED,
                    changed_by=actor,
                    changed_at=now,
                )
                for worker in created
            ],
            batch_size=2000,
        )
        index_names(created, replace=False)
        events = [
            PendingEvent(
                "worker.import", "worker", worker.pk, worker.pk, context=source | {"row": item.row}
            )
            for worker, item in zip(created, new, strict=True)
        ]
        changed = _apply_corrections(
            corrections, actor=actor, now=now, source=source, events=events
        )
        record_events(actor=actor, events=events)
    return created, changed


def _apply_corrections(corrections, *, actor, now, source, events) -> None:
    changed: list[Worker] = []
    renamed: list[Worker] = []
    for item in corrections:
        worker = item.worker
        before = audited_values(worker)
        for field, value in item.cleaned.items():
            setattr(worker, field, value)
        diff = changed_values(before, audited_values(worker))
        if not diff:
            continue
        worker.version += 1
        worker.updated_at, worker.updated_by = now, actor
        changed.append(worker)
        if "full_name" in diff:
            renamed.append(worker)
        events.append(
            PendingEvent(
                "worker.update",
                "worker",
                worker.pk,
                worker.pk,
                changes=diff,
                context=source | {"row": item.row, "version": worker.version},
            )
        )
    Worker.objects.bulk_update(changed, _CORRECTED_FIELDS, batch_size=1000)
    index_names(renamed)


# Every column a correction may touch.
_CORRECTED_FIELDS = [
    "nik", "kk_number", "full_name", "name_normalized", "birth_place", "birth_date", "sex",
    "phone", "address", "rt", "rw", "village", "occupation", "sector", "monthly_income",
    "welfare_decile", "source_ref", "legal_basis", "birth_date_mismatch", "sex_mismatch",
    "version", "updated_at", "updated_by",
]  # fmt: skip
