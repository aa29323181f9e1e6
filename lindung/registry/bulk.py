"""Writing many checked workers at once (a chunk of an imported file), with their audit."""

from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import PendingEvent, record_events
from lindung.core.bulk_insert import bare_instance, can_return_ids, insert_rows, prepared
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
        created = _create_workers(new, actor=actor, now=now)
        insert_rows(
            WorkerStatusChange,
            _STATUS_CHANGE_FIELDS,
            _status_change_rows(created, actor=actor, now=now),
        )
        index_names(created, replace=False)
        events = [
            PendingEvent(
                "worker.import", "worker", worker.pk, worker.pk, context=source | {"row": item.row}
            )
            for worker, item in zip(created, new, strict=True)
        ]
        _apply_corrections(corrections, actor=actor, now=now, source=source, events=events)
        record_events(actor=actor, events=events)
    return created


def _create_workers(new: list[NewWorker], *, actor: User, now) -> list[Worker]:
    """Insert the new workers in a few statements; return them with their keys.

    ``bulk_create`` would compile each of the ~30 values of each worker through its field;
    the cleaned values are already what the database takes, so they go out as they are."""
    if not new:
        return []
    constants = {
        "status": WorkerStatus.REGISTERED,
        "version": 1,
        "created_at": now,
        "created_by_id": actor.pk,
        "updated_at": now,
        "updated_by_id": actor.pk,
    }
    attnames, picks = _worker_layout(tuple(new[0].cleaned), tuple(constants))
    python_constants = [constants.get(name) for name in attnames]
    db_constants = [
        prepared(Worker, name, value) if name in constants else None
        for name, value in zip(attnames, python_constants, strict=True)
    ]
    rows, db_rows = [], []
    for item in new:
        cleaned = item.cleaned
        row = [pick(cleaned) if pick else python_constants[i] for i, pick in enumerate(picks)]
        rows.append(row)
        db_rows.append([db_constants[i] if picks[i] is None else v for i, v in enumerate(row)])
    if can_return_ids():
        ids = insert_rows(Worker, attnames, db_rows, return_ids=True)
    else:
        insert_rows(Worker, attnames, db_rows)
        by_nik = dict(
            Worker.objects.filter(nik__in=[item.cleaned["nik"] for item in new]).values_list(
                "nik", "pk"
            )
        )
        ids = [by_nik[item.cleaned["nik"]] for item in new]
    names = ["id", *attnames]
    alias = connection.alias  # a lookup through a thread-local proxy: once, not per worker
    workers = []
    for pk, row in zip(ids, rows, strict=True):
        worker = bare_instance(Worker, dict(zip(names, [pk, *row], strict=True)))
        worker._state.adding, worker._state.db = False, alias
        workers.append(worker)
    return workers


@lru_cache(maxsize=8)
def _worker_layout(cleaned_keys: tuple[str, ...], constant_keys: tuple[str, ...]):
    """The worker's columns in model order, and for each how to take its value from a
    cleaned dict (``None``: a constant of the chunk, or the field's default)."""
    attnames, picks = [], []
    for field in Worker._meta.concrete_fields:
        if field.primary_key:
            continue
        attnames.append(field.attname)
        if field.name in cleaned_keys:
            picks.append(_picker(field))
        elif field.attname in constant_keys:
            picks.append(None)
        else:
            default = field.get_default()
            picks.append(lambda cleaned, default=default: default)
    return attnames, picks


def _picker(field):
    name = field.name
    if field.is_relation:
        # Cleaning gives the village, district and sector as objects.
        return lambda cleaned: getattr(cleaned[name], "pk", cleaned[name])
    return itemgetter(name)


_STATUS_CHANGE_FIELDS = (
    "worker_id", "from_status", "to_status", "reason", "note", "changed_by_id", "changed_at",
)  # fmt: skip


def _status_change_rows(workers: list[Worker], *, actor: User, now) -> list[tuple]:
    changed_at = prepared(WorkerStatusChange, "changed_at", now)
    registered = WorkerStatus.REGISTERED.value
    return [(w.pk, "", registered, "", "", actor.pk, changed_at) for w in workers]


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
    "phone", "address", "rt", "rw", "village", "district", "occupation", "sector", "monthly_income",
    "welfare_decile", "source_ref", "legal_basis", "birth_date_mismatch", "sex_mismatch",
    "version", "updated_at", "updated_by",
]  # fmt: skip
