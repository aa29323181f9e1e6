"""A verifier's decisions on a case: different people, same person (merge), undo a merge.

Each decision locks the case and its workers, checks the case's lifecycle
(``CASE_TRANSITIONS``) and the workers' versions, and records one audit event with its
reason, beside the registry's own events for every worker it changes.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import ConcurrentEdit, DomainError, PermissionDenied
from lindung.core.formatting import format_datetime
from lindung.dedup.followers import move_to_survivor, restore_from_survivor
from lindung.dedup.models import (
    CaseMember,
    CaseStatus,
    Decision,
    DuplicateCase,
    Merge,
    MergedWorker,
)
from lindung.dedup.selectors import get_case_for_user
from lindung.registry.cleaning import clean_worker_values
from lindung.registry.inputs import EDITABLE_FIELDS
from lindung.registry.models import (
    InactiveReason,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)
from lindung.registry.name_index import index_names
from lindung.registry.selectors import workers_for_user
from lindung.registry.services import audited_values, changed_values, editable_values

# Which status a case may move to from which, and what the move is called in the audit trail.
CASE_TRANSITIONS: dict[tuple[str, str], str] = {
    (CaseStatus.OPEN, CaseStatus.DIFFERENT): "duplicate.different",
    (CaseStatus.OPEN, CaseStatus.MERGED): "duplicate.merge",
    (CaseStatus.MERGED, CaseStatus.OPEN): "duplicate.undo_merge",
}
# The values a verifier picks per field when merging: what a registry correction may change.
MERGEABLE_FIELDS = EDITABLE_FIELDS
# What a merge changes on the survivor and an undo puts back (model attribute names).
_RESTORED = (
    "nik", "kk_number", "full_name", "name_normalized", "birth_place", "birth_date", "sex",
    "phone", "address", "rt", "rw", "village_id", "district_id", "occupation", "sector_id",
    "monthly_income", "welfare_decile", "source_ref", "legal_basis", "birth_date_mismatch",
    "sex_mismatch",
)  # fmt: skip


def resolve_as_different(
    *,
    user: User,
    case: DuplicateCase,
    reason: str,
    expected_versions: dict[int, int] | None = None,
) -> Decision:
    """The workers of the case are different people: not proposed again until one changes."""
    require(user, Capability.RESOLVE_DUPLICATES)
    reason = required_reason(reason)
    with transaction.atomic():
        case = get_case_for_user(user, case.pk, for_update=True)
        action = _check_transition(case, CaseStatus.DIFFERENT)
        workers = lock_workers(user, case)
        if expected_versions is not None:
            ensure_versions(workers, expected_versions)
        now = timezone.now()
        decision = record_decision(case, Decision.Kind.DIFFERENT_PEOPLE, reason, user, workers, now)
        _move_case(case, CaseStatus.DIFFERENT, user=user, now=now)
        record_event(
            actor=user,
            action=action,
            object_type="duplicate_case",
            object_id=case.pk,
            changes={"status": [CaseStatus.OPEN, CaseStatus.DIFFERENT]},
            context={"reason": reason, "decision": decision.pk, "workers": sorted(workers)},
        )
    return decision


def merge_workers(
    *,
    user: User,
    case: DuplicateCase,
    survivor_id: int,
    field_choices: dict[str, int],
    reason: str,
    expected_versions: dict[int, int] | None = None,
) -> Merge:
    """The workers of the case are one person: ``survivor_id`` stays, with each field's
    value taken from the worker ``field_choices`` names (its own where none is named); the
    others become inactive duplicates pointing to it, and what they hold follows it.

    ``expected_versions`` ({worker id: version}) are the versions the verifier compared;
    without them, those of the case's last decision (an undo), else those the engine
    scored. A worker changed since is refused.
    """
    require(user, Capability.RESOLVE_DUPLICATES)
    reason = required_reason(reason)
    with transaction.atomic():
        case = get_case_for_user(user, case.pk, for_update=True)
        action = _check_transition(case, CaseStatus.MERGED)
        workers = lock_workers(user, case)
        ensure_versions(workers, expected_versions or _last_seen_versions(case))
        survivor, others = _survivor_and_others(workers, survivor_id)
        choices = _checked_choices(field_choices, workers)
        now = timezone.now()
        before, nik_swaps, moved = _merge_into_survivor(
            survivor, others, workers, choices, user=user, case=case, now=now
        )
        decision = record_decision(case, Decision.Kind.SAME_PERSON, reason, user, workers, now)
        merge = Merge.objects.create(
            case=case,
            decision=decision,
            survivor=survivor,
            survivor_before=before,
            survivor_version_after=survivor.version,
            nik_swaps=nik_swaps,
            moved=moved,
        )
        _retire(others, merge, reason=reason, user=user, now=now)
        _move_case(case, CaseStatus.MERGED, user=user, now=now)
        record_event(
            actor=user,
            action=action,
            object_type="duplicate_case",
            object_id=case.pk,
            changes={"status": [CaseStatus.OPEN, CaseStatus.MERGED]},
            context={
                "reason": reason,
                "decision": decision.pk,
                "merge": merge.pk,
                "survivor": survivor.pk,
                "merged": [other.pk for other in others],
                "field_choices": choices,
                "moved": {name: len(items) for name, items in moved.items()},
            },
        )
    return merge


def undo_merge(*, user: User, merge: Merge, reason: str) -> Decision:
    """Put back what a merge changed: the survivor's values, what followed it, the merged
    records' statuses and NIKs. Refused when one of them changed after the merge."""
    require(user, Capability.RESOLVE_DUPLICATES)
    reason = required_reason(reason)
    with transaction.atomic():
        case = get_case_for_user(user, merge.case_id, for_update=True)
        merge = Merge.objects.select_for_update().get(pk=merge.pk)
        if merge.is_undone or merge.case_id != case.pk:
            raise DomainError(_("This merge has already been undone."))
        action = _check_transition(case, CaseStatus.OPEN)
        workers = lock_workers(user, case)
        merged = list(merge.merged_workers.all())
        _ensure_unchanged_since_merge(merge, merged, workers)
        survivor = workers[merge.survivor_id]
        now = timezone.now()
        _restore_survivor(merge, survivor, workers, user=user, now=now)
        note = _("Merge undone (duplicate case %(case)s): %(reason)s") % {
            "case": case.pk,
            "reason": reason,
        }
        for record in merged:
            worker = workers[record.worker_id]
            _set_status(worker, record.prior_status, record.prior_inactive_reason, note, user, now)
        decision = record_decision(case, Decision.Kind.UNDO_MERGE, reason, user, workers, now)
        merge.undone_by = decision
        merge.save(update_fields=["undone_by"])
        _move_case(case, CaseStatus.OPEN, user=user, now=now)
        record_event(
            actor=user,
            action=action,
            object_type="duplicate_case",
            object_id=case.pk,
            changes={"status": [CaseStatus.MERGED, CaseStatus.OPEN]},
            context={
                "reason": reason,
                "decision": decision.pk,
                "merge": merge.pk,
                "survivor": survivor.pk,
                "restored": [record.worker_id for record in merged],
            },
        )
    return decision


def _merge_into_survivor(
    survivor: Worker,
    others: list[Worker],
    workers: dict[int, Worker],
    choices: dict[str, int],
    *,
    user: User,
    case: DuplicateCase,
    now,
) -> tuple[dict[str, Any], list[list], dict[str, list[Any]]]:
    """The survivor takes the chosen values, checked by the registry's own rules, and what
    the others hold. Returns what an undo needs: its values before, the NIK exchanges and
    what moved."""
    before = _stored_values(survivor)
    audited_before, heirs_before = audited_values(survivor), _heir_names(survivor)
    values = editable_values(survivor) | {
        field: editable_values(workers[worker_id])[field] for field, worker_id in choices.items()
    }
    nik_swaps = _free_nik(values["nik"], survivor, others)
    cleaned = clean_worker_values(values, actor=user, current=survivor)
    _save_values(survivor, cleaned, user=user, now=now)
    for holder_id, _given_up, received in nik_swaps:
        _set_nik(workers[holder_id], received, user=user, now=now)
    moved: dict[str, list[Any]] = {}
    for other in others:
        for name, items in move_to_survivor(other, survivor, actor=user, case_id=case.pk).items():
            moved.setdefault(name, []).extend(items)
    _record_survivor_changes(
        survivor, audited_before, heirs_before, user=user, context={"duplicate_case": case.pk}
    )
    return before, nik_swaps, moved


def _retire(others: list[Worker], merge: Merge, *, reason: str, user: User, now) -> None:
    """The merged records become inactive duplicates that point to the survivor."""
    note = _("Merged into worker %(id)s (duplicate case %(case)s): %(reason)s") % {
        "id": merge.survivor_id, "case": merge.case_id, "reason": reason,
    }  # fmt: skip
    for other in others:
        prior_status, prior_reason = other.status, other.inactive_reason
        _set_status(other, WorkerStatus.INACTIVE, InactiveReason.DUPLICATE, note, user, now)
        MergedWorker.objects.create(
            merge=merge,
            worker=other,
            prior_status=prior_status,
            prior_inactive_reason=prior_reason,
            version_after=other.version,
        )


def _restore_survivor(
    merge: Merge, survivor: Worker, workers: dict[int, Worker], *, user: User, now
) -> None:
    """The survivor's values, the NIKs it exchanged and what followed it, as before."""
    audited_before, heirs_before = audited_values(survivor), _heir_names(survivor)
    restore_from_survivor(merge.moved, actor=user, case_id=merge.case_id)
    for holder_id, _given_up, _received in merge.nik_swaps:
        _park_nik(workers[holder_id])
    _restore_values(survivor, merge.survivor_before, user=user, now=now)
    for holder_id, given_up, _received in merge.nik_swaps:
        _set_nik(workers[holder_id], given_up, user=user, now=now)
    _record_survivor_changes(
        survivor, audited_before, heirs_before, user=user, context={"duplicate_case": merge.case_id}
    )


# -- checks -----------------------------------------------------------------------------------


def required_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Write the reason for this decision."))
    return reason[:2000]


def _check_transition(case: DuplicateCase, to_status: str) -> str:
    action = CASE_TRANSITIONS.get((case.status, to_status))
    if action is None:
        raise DomainError(
            _("A case that is %(from)s cannot become %(to)s.")
            % {
                "from": CaseStatus(case.status).label.lower(),
                "to": CaseStatus(to_status).label.lower(),
            }
        )
    return action


def lock_workers(user: User, case: DuplicateCase) -> dict[int, Worker]:
    """Every worker of the case, locked; deciding needs all of them in the user's area."""
    ids = list(CaseMember.objects.filter(case=case).values_list("worker_id", flat=True))
    workers = {
        worker.pk: worker
        for worker in workers_for_user(user)
        .select_for_update(of=("self",))
        .select_related("village__parent", "sector", "updated_by")
        .filter(pk__in=ids)
    }
    if len(workers) != len(ids):
        raise PermissionDenied(
            _(
                "This case includes workers outside your working area; a verifier for the "
                "whole regency decides it."
            )
        )
    return workers


def _last_seen_versions(case: DuplicateCase) -> dict[int, int]:
    last = case.decisions.order_by("-decided_at", "-id").first()
    if last is not None:
        return {int(worker_id): version for worker_id, version in last.worker_versions.items()}
    versions: dict[int, int] = {}
    for pair in case.pairs.all():
        versions[pair.left_id] = pair.left_version
        versions[pair.right_id] = pair.right_version
    return versions


def ensure_versions(workers: dict[int, Worker], expected: dict[int, int]) -> None:
    for worker_id, worker in sorted(workers.items()):
        seen = expected.get(worker_id)
        if seen is not None and int(seen) != worker.version:
            raise ConcurrentEdit(_changed_message(worker))


def _changed_message(worker: Worker) -> str:
    who = worker.updated_by.username if worker.updated_by else _("someone else")
    return _(
        "%(who)s changed %(name)s (ID %(id)s) at %(when)s, after you opened this case. "
        "Nothing was saved; reload the case and compare the records again."
    ) % {
        "who": who,
        "name": worker.full_name,
        "id": worker.pk,
        "when": format_datetime(worker.updated_at),
    }


def _ensure_unchanged_since_merge(
    merge: Merge, merged: list[MergedWorker], workers: dict[int, Worker]
) -> None:
    expected = {merge.survivor_id: merge.survivor_version_after} | {
        record.worker_id: record.version_after for record in merged
    }
    for worker_id, version in expected.items():
        if workers[worker_id].version != version:
            worker = workers[worker_id]
            raise ConcurrentEdit(
                _(
                    "%(name)s (ID %(id)s) was changed after the merge, so the merge cannot be "
                    "undone automatically. Correct the records by hand."
                )
                % {"name": worker.full_name, "id": worker.pk}
            )


def _survivor_and_others(
    workers: dict[int, Worker], survivor_id: int
) -> tuple[Worker, list[Worker]]:
    if survivor_id not in workers:
        raise DomainError(_("Choose the record that stays from the records of this case."))
    inactive = [w for w in workers.values() if w.status == WorkerStatus.INACTIVE]
    if inactive:
        raise DomainError(
            _("%(name)s (ID %(id)s) is no longer active; this case cannot be merged.")
            % {"name": inactive[0].full_name, "id": inactive[0].pk}
        )
    survivor = workers[survivor_id]
    return survivor, [w for worker_id, w in sorted(workers.items()) if worker_id != survivor_id]


def _checked_choices(field_choices: dict[str, int], workers: dict[int, Worker]) -> dict[str, int]:
    unknown = sorted(set(field_choices) - set(MERGEABLE_FIELDS))
    if unknown:
        raise DomainError(
            _("These fields cannot be chosen: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    choices = {}
    for field, worker_id in field_choices.items():
        if not str(worker_id).isdigit() or int(worker_id) not in workers:
            raise DomainError(
                _("The value of %(field)s must come from a record of this case.") % {"field": field}
            )
        choices[field] = int(worker_id)
    return choices


# -- writes -----------------------------------------------------------------------------------


def record_decision(
    case, kind, reason, user, workers: dict[int, Worker], now, *, apart: list | None = None
) -> Decision:
    return Decision.objects.create(
        case=case,
        kind=kind,
        reason=reason,
        decided_by=user,
        decided_at=now,
        worker_versions={str(worker_id): w.version for worker_id, w in sorted(workers.items())},
        apart=apart or [],
    )


def _move_case(case: DuplicateCase, to_status: str, *, user: User, now) -> None:
    case.status = to_status
    resolved = to_status != CaseStatus.OPEN
    case.resolved_at, case.resolved_by = (now, user) if resolved else (None, None)
    case.updated_at = now
    case.save(update_fields=["status", "resolved_at", "resolved_by", "updated_at"])


def _stored_values(worker: Worker) -> dict[str, Any]:
    values = {name: getattr(worker, name) for name in _RESTORED}
    values["birth_date"] = worker.birth_date.isoformat()
    return values


def _save_values(worker: Worker, cleaned: dict[str, Any], *, user: User, now) -> None:
    old_name = worker.name_normalized
    for field, value in cleaned.items():
        setattr(worker, field, value)
    _bump(worker, user, now)
    worker.save()
    if worker.name_normalized != old_name:
        index_names([worker])


def _restore_values(worker: Worker, stored: dict[str, Any], *, user: User, now) -> None:
    old_name = worker.name_normalized
    for name, value in stored.items():
        setattr(worker, name, dt.date.fromisoformat(value) if name == "birth_date" else value)
    _bump(worker, user, now)
    worker.save()
    if worker.name_normalized != old_name:
        index_names([worker])


def _bump(worker: Worker, user: User, now) -> None:
    worker.version += 1
    worker.updated_at, worker.updated_by = now, user


def _free_nik(nik: str, survivor: Worker, others: list[Worker]) -> list[list]:
    """A NIK is unique: a survivor taking a merged record's NIK parks that record on a
    placeholder until the survivor is saved, then gives it the survivor's old NIK."""
    swaps = []
    for other in others:
        if other.nik == nik and nik != survivor.nik:
            swaps.append([other.pk, other.nik, survivor.nik])
            _park_nik(other)
    return swaps


def _park_nik(worker: Worker) -> None:
    """Only inside the transaction, and only in the database: the object keeps its NIK."""
    Worker.objects.filter(pk=worker.pk).update(nik=f"~{worker.pk}")


def _set_nik(worker: Worker, nik: str, *, user: User, now) -> None:
    """A NIK exchanged by a merge or its undo, recorded as the registry records a correction."""
    before = worker.nik
    worker.nik = nik
    _bump(worker, user, now)
    worker.save(update_fields=["nik", "version", "updated_at", "updated_by"])
    record_event(
        actor=user,
        action="worker.update",
        object_type="worker",
        object_id=worker.pk,
        worker_id=worker.pk,
        changes={"nik": [before, nik]},
        context={"version": worker.version},
    )


def _set_status(worker: Worker, to_status: str, reason: str, note: str, user: User, now) -> None:
    """A status move as ``registry.services.change_worker_status`` records one; the merge
    decides it, so the registry's table of moves by hand does not apply."""
    from_status = worker.status
    worker.status = to_status
    worker.inactive_reason = reason if to_status == WorkerStatus.INACTIVE else ""
    _bump(worker, user, now)
    worker.save(update_fields=["status", "inactive_reason", "version", "updated_at", "updated_by"])
    WorkerStatusChange.objects.create(
        worker=worker,
        from_status=from_status,
        to_status=to_status,
        reason=worker.inactive_reason,
        note=note,
        changed_by=user,
        changed_at=now,
    )
    record_event(
        actor=user,
        action="worker.status",
        object_type="worker",
        object_id=worker.pk,
        worker_id=worker.pk,
        changes={"status": [from_status, to_status]}
        | ({"inactive_reason": ["", reason]} if worker.inactive_reason else {}),
        context={"note": note},
    )


def _heir_names(worker: Worker) -> list[dict]:
    return [
        {"full_name": heir.full_name, "relationship": heir.relationship}
        for heir in worker.heirs.order_by("priority", "position", "id")
    ]


def _record_survivor_changes(
    survivor: Worker, audited_before: dict, heirs_before: list[dict], *, user: User, context: dict
) -> None:
    """The survivor's changes as one registry correction event, so its history tells them."""
    diff = changed_values(audited_before, audited_values(survivor))
    heirs_after = _heir_names(survivor)
    if heirs_after != heirs_before:
        diff["heirs"] = [heirs_before, heirs_after]
    if not diff:
        return
    record_event(
        actor=user,
        action="worker.update",
        object_type="worker",
        object_id=survivor.pk,
        worker_id=survivor.pk,
        changes=diff,
        context={"version": survivor.version} | context,
    )
