"""Every change to workers and heirs: validated, in one transaction, with its audit event."""

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import ConcurrentEdit, DomainError
from lindung.core.formatting import format_datetime
from lindung.dedup.check import DuplicateSuspected, audit_summary, possible_duplicates
from lindung.registry.cleaning import clean_heirs, clean_worker_values
from lindung.registry.inputs import EDITABLE_FIELDS, HeirInput, WorkerInput
from lindung.registry.models import (
    Heir,
    InactiveReason,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)
from lindung.registry.name_index import index_names
from lindung.registry.selectors import get_worker_for_user

# Which status may follow which, and the capability the move needs.
STATUS_TRANSITIONS: dict[tuple[str, str], Capability] = {
    (WorkerStatus.REGISTERED, WorkerStatus.VERIFIED): Capability.VERIFY_WORKERS,
    (WorkerStatus.REGISTERED, WorkerStatus.REJECTED): Capability.VERIFY_WORKERS,
    (WorkerStatus.REGISTERED, WorkerStatus.INACTIVE): Capability.EDIT_WORKERS,
    (WorkerStatus.VERIFIED, WorkerStatus.INACTIVE): Capability.EDIT_WORKERS,
    (WorkerStatus.VERIFIED, WorkerStatus.REJECTED): Capability.VERIFY_WORKERS,
    (WorkerStatus.REJECTED, WorkerStatus.REGISTERED): Capability.EDIT_WORKERS,
    (WorkerStatus.INACTIVE, WorkerStatus.REGISTERED): Capability.EDIT_WORKERS,
}
_AUDITED_FLAGS = ("birth_date_mismatch", "sex_mismatch")


def register_worker(
    *,
    actor: User,
    data: WorkerInput,
    check_duplicates: bool = False,
    confirmed_not_duplicate: bool = False,
) -> Worker:
    """Add a worker (and heirs) to the registry with status `registered`.

    With ``check_duplicates`` (the form and the API), the registry is searched for the same
    person first (``dedup.check``). A candidate at the "duplicate" level refuses the
    registration with ``DuplicateSuspected`` unless the user ``confirmed_not_duplicate``;
    the candidates found, and the confirmation, go into the audit event."""
    require(actor, Capability.EDIT_WORKERS)
    values = {field: getattr(data, field) for field in EDITABLE_FIELDS}
    cleaned, cleaned_heirs = _clean(values, data.heirs, actor=actor)
    heirs = cleaned_heirs or []
    context = {}
    if check_duplicates:
        context = _duplicate_context(actor, cleaned, confirmed=confirmed_not_duplicate)
    now = timezone.now()
    with transaction.atomic():
        worker = Worker.objects.create(
            **cleaned,
            status=WorkerStatus.REGISTERED,
            version=1,
            created_at=now,
            created_by=actor,
            updated_at=now,
            updated_by=actor,
        )
        Heir.objects.bulk_create(
            Heir(worker=worker, **{k: v for k, v in heir.items() if k != "id"}) for heir in heirs
        )
        index_names([worker], replace=False)
        WorkerStatusChange.objects.create(
            worker=worker, to_status=WorkerStatus.REGISTERED, changed_by=actor, changed_at=now
        )
        record_event(
            actor=actor,
            action="worker.register",
            object_type="worker",
            object_id=worker.pk,
            worker_id=worker.pk,
            changes={
                field: [None, value]
                for field, value in audited_values(worker).items()
                if value not in ("", None, False)
            }
            | ({"heirs": [None, _heir_summaries(heirs)]} if heirs else {}),
            context=context,
        )
    return worker


def _duplicate_context(actor: User, cleaned: dict, *, confirmed: bool) -> dict:
    candidates = possible_duplicates(user=actor, values=cleaned)
    if any(candidate.is_duplicate for candidate in candidates) and not confirmed:
        raise DuplicateSuspected(candidates)
    if not candidates:
        return {}
    return {
        "possible_duplicates": audit_summary(candidates),
        "confirmed_not_duplicate": confirmed,
    }


def update_worker(
    *,
    actor: User,
    worker_id: int,
    expected_version: int,
    changes: dict[str, Any],
    heirs: list[HeirInput] | None = None,
) -> Worker:
    """Apply a correction made on version ``expected_version`` of the worker.

    ``changes`` holds only the fields to set; ``heirs`` (when given) is the complete new
    list, where an heir with an ``id`` corrects that heir and one without is added.
    """
    require(actor, Capability.EDIT_WORKERS)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        worker = get_worker_for_user(actor, worker_id, for_update=True)
        _ensure_version(worker, expected_version)
        before = audited_values(worker)
        values = {field: _current_value(worker, field) for field in EDITABLE_FIELDS} | changes
        cleaned, cleaned_heirs = _clean(values, heirs, actor=actor, current=worker)
        for field, value in cleaned.items():
            setattr(worker, field, value)
        diff = changed_values(before, audited_values(worker))
        if cleaned_heirs is not None:
            heir_diff = _sync_heirs(worker, cleaned_heirs)
            if heir_diff:
                diff["heirs"] = heir_diff
        if not diff:
            return worker
        worker.version += 1
        worker.updated_at = timezone.now()
        worker.updated_by = actor
        worker.save()
        if "full_name" in diff:
            index_names([worker])
        record_event(
            actor=actor,
            action="worker.update",
            object_type="worker",
            object_id=worker.pk,
            worker_id=worker.pk,
            changes=diff,
            context={"version": worker.version},
        )
    return worker


def change_worker_status(
    *,
    actor: User,
    worker_id: int,
    expected_version: int,
    to_status: str,
    reason: str = "",
    note: str = "",
) -> Worker:
    """Move a worker along its lifecycle (see STATUS_TRANSITIONS), recording why."""
    with transaction.atomic():
        worker = get_worker_for_user(actor, worker_id, for_update=True)
        _ensure_version(worker, expected_version)
        capability = STATUS_TRANSITIONS.get((worker.status, to_status))
        if capability is None:
            raise DomainError(
                _("A worker with status %(from)s cannot become %(to)s.")
                % {
                    "from": WorkerStatus(worker.status).label,
                    "to": WorkerStatus(to_status).label
                    if to_status in WorkerStatus.values
                    else to_status,
                }
            )
        require(actor, capability)
        if to_status == WorkerStatus.INACTIVE and reason not in InactiveReason.values:
            raise DomainError(_("Choose why the worker is no longer active."))
        if to_status == WorkerStatus.REJECTED and not note.strip():
            raise DomainError(_("Write why the registration is rejected."))
        from_status = worker.status
        now = timezone.now()
        worker.status = to_status
        worker.inactive_reason = reason if to_status == WorkerStatus.INACTIVE else ""
        worker.version += 1
        worker.updated_at, worker.updated_by = now, actor
        worker.save(
            update_fields=["status", "inactive_reason", "version", "updated_at", "updated_by"]
        )
        WorkerStatusChange.objects.create(
            worker=worker,
            from_status=from_status,
            to_status=to_status,
            reason=worker.inactive_reason,
            note=note.strip(),
            changed_by=actor,
            changed_at=now,
        )
        record_event(
            actor=actor,
            action="worker.status",
            object_type="worker",
            object_id=worker.pk,
            worker_id=worker.pk,
            changes={"status": [from_status, to_status]}
            | ({"inactive_reason": ["", reason]} if worker.inactive_reason else {}),
            context={"note": note.strip()} if note.strip() else {},
        )
    return worker


IDENTITY_FIELDS = ("nik", "kk_number", "phone")


def reveal_worker_identity(*, actor: User, worker_id: int, field: str) -> str:
    """The full NIK, KK or phone number of a worker; the look itself is audited."""
    require(actor, Capability.VIEW_FULL_IDENTITY)
    if field not in IDENTITY_FIELDS:
        raise DomainError(_("Unknown field."))
    with transaction.atomic():
        worker = get_worker_for_user(actor, worker_id)
        record_event(
            actor=actor,
            action="worker.reveal",
            object_type="worker",
            object_id=worker.pk,
            worker_id=worker.pk,
            context={"field": field},
        )
    return getattr(worker, field)


def record_worker_export(
    *, actor: User, filters: dict[str, str], row_count: int, file_format: str, full_identity: bool
) -> None:
    """An export of personal data is an audit event, whatever it contains."""
    require(actor, Capability.EXPORT_WORKERS)
    record_event(
        actor=actor,
        action="worker.export",
        object_type="worker_list",
        context={
            "filters": filters,
            "rows": row_count,
            "format": file_format,
            "full_identity": full_identity,
        },
    )


def _clean(
    values: dict[str, Any],
    heirs: list[HeirInput] | None,
    *,
    actor: User,
    current: Worker | None = None,
) -> tuple[dict[str, Any], list[dict] | None]:
    """The worker's values and heirs checked together, so one submission reports every
    problem at once."""
    problems: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    cleaned_heirs = None
    try:
        cleaned = clean_worker_values(values, actor=actor, current=current)
    except ValidationError as error:
        problems |= error.message_dict
    try:
        cleaned_heirs = clean_heirs(heirs) if heirs is not None else None
    except ValidationError as error:
        problems |= error.message_dict
    if problems:
        raise ValidationError(problems)
    return cleaned, cleaned_heirs


def _ensure_version(worker: Worker, expected_version: int) -> None:
    if worker.version != expected_version:
        who = worker.updated_by.username if worker.updated_by else _("someone else")
        raise ConcurrentEdit(
            _(
                "%(who)s saved changes to this worker at %(when)s, after you opened it. Your "
                "changes were not saved; reload the worker, check their changes and enter yours "
                "again."
            )
            % {"who": who, "when": format_datetime(worker.updated_at)}
        )


def _current_value(worker: Worker, field: str) -> Any:
    if field == "village":
        return worker.village_id
    if field == "sector":
        return worker.sector.code
    return getattr(worker, field)


def editable_values(worker: Worker) -> dict[str, Any]:
    """A worker's stored values in the shape ``clean_worker_values`` takes."""
    return {field: _current_value(worker, field) for field in EDITABLE_FIELDS}


def audited_values(worker: Worker) -> dict[str, Any]:
    values = editable_values(worker)
    values |= {flag: getattr(worker, flag) for flag in _AUDITED_FLAGS}
    return {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in values.items()
    }


def changed_values(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before[key], after[key]] for key in after if before.get(key) != after[key]}


def _heir_summaries(heirs: list[dict]) -> list[dict]:
    return [
        {
            key: (value.isoformat() if isinstance(value, dt.date) else value)
            for key, value in heir.items()
            if key not in ("id", "priority", "position")
        }
        for heir in heirs
    ]


def _sync_heirs(worker: Worker, heirs: list[dict]) -> list[Any] | None:
    """Make the worker's heirs equal ``heirs``; return [before, after] if anything changed."""
    existing = {heir.pk: heir for heir in worker.heirs.all()}
    before = _heir_summaries([_heir_dict(heir) for heir in existing.values()])
    keep: set[int] = set()
    for values in heirs:
        heir_id = values.pop("id", None)
        heir = existing.get(heir_id) if heir_id else None
        if heir is None:
            Heir.objects.create(worker=worker, **values)
            continue
        keep.add(heir.pk)
        if _heir_dict(heir) | {"id": None} != values | {"id": None}:
            for key, value in values.items():
                setattr(heir, key, value)
            heir.save()
    removed = [pk for pk in existing if pk not in keep]
    Heir.objects.filter(pk__in=removed).delete()
    after = _heir_summaries([_heir_dict(heir) for heir in worker.heirs.all()])
    return [before, after] if before != after else None


def _heir_dict(heir: Heir) -> dict:
    return {
        field.name: getattr(heir, field.name)
        for field in Heir._meta.concrete_fields
        if field.name not in ("worker",)
    }


def worker_input_from(worker: Worker) -> WorkerInput:
    """A worker's stored values in the shape the forms and services take."""
    values = {field: _current_value(worker, field) for field in EDITABLE_FIELDS}
    heirs = [
        HeirInput(
            id=heir.pk,
            full_name=heir.full_name,
            relationship=heir.relationship,
            birth_date=heir.birth_date,
            nik=heir.nik,
            phone=heir.phone,
        )
        for heir in worker.heirs.all()
    ]
    return dataclasses.replace(WorkerInput(**values), heirs=heirs)


def record_identity_access(*, actor: User, worker_ids: list[int], fields: list[str]) -> None:
    """One audit event for a look at the full identity numbers of the given workers.

    For answers that show several numbers at once (an API list or detail asked with
    ``reveal``), where ``reveal_worker_identity``'s one-field-per-event would not fit. The
    caller read the workers through a selector, so they are in the actor's scope.
    """
    require(actor, Capability.VIEW_FULL_IDENTITY)
    if not worker_ids:
        return
    single = worker_ids[0] if len(worker_ids) == 1 else None
    record_event(
        actor=actor,
        action="worker.reveal",
        object_type="worker" if single else "worker_list",
        object_id=single or "",
        worker_id=single,
        context={"fields": fields} | ({} if single else {"workers": worker_ids}),
    )
