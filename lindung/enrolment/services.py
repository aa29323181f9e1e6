"""Every change to enrolments: candidates, status moves, the KPJ look, the export template.

Every status move goes through ``transition`` (one enrolment, row locked) or
``apply_transitions`` (many, for a batch or a BPJS answer); both check the move against
``TRANSITIONS``, write one ``EnrolmentStatusChange`` and one audit event per enrolment.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, has_capability, require
from lindung.audit.services import PendingEvent, record_event, record_events
from lindung.core.exceptions import ConcurrentEdit, DomainError
from lindung.core.formatting import format_date
from lindung.enrolment.bulk import insert_history, update_rows
from lindung.enrolment.models import (
    OPEN_STATUSES,
    EndReason,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    ExportTemplate,
)
from lindung.enrolment.selectors import get_enrolment_for_user
from lindung.programs.models import Program
from lindung.registry.models import Worker, WorkerStatus
from lindung.registry.selectors import workers_for_user

S = EnrolmentStatus

# Which status may follow which, and the capability the move needs. Submitting happens
# only in a registration batch (``exchange_export``); ending with "graduated" only through
# ``graduation.graduate_to_self_paying``, which prices what the worker will pay.
TRANSITIONS: dict[tuple[str, str], Capability] = {
    (S.CANDIDATE, S.SUBMITTED): Capability.EXPORT_WORKERS,
    (S.SUBMITTED, S.ACTIVE): Capability.EXPORT_WORKERS,
    (S.CANDIDATE, S.ENDED): Capability.EDIT_WORKERS,
    (S.SUBMITTED, S.ENDED): Capability.EDIT_WORKERS,
    (S.ACTIVE, S.ENDED): Capability.EDIT_WORKERS,
}
# The reasons an enrolment may end for, by the status it leaves.
END_REASONS: dict[str, set[str]] = {
    S.CANDIDATE: {
        EndReason.DECEASED,
        EndReason.MOVED_AWAY,
        EndReason.FORMAL_WORKER,
        EndReason.NOT_ELIGIBLE,
        EndReason.WITHDREW,
        EndReason.DUPLICATE,
    },
    S.SUBMITTED: set(EndReason.values) - {EndReason.GRADUATED},
    S.ACTIVE: set(EndReason.values) - {EndReason.REFUSED_BY_BPJS},
}
# BPJS's refusal is recorded by whoever handles BPJS's files, who may not edit workers.
REFUSAL_CAPABILITY = Capability.EXPORT_WORKERS
WORKER_STATUSES_ENROLLABLE = (WorkerStatus.REGISTERED, WorkerStatus.VERIFIED)


@dataclass(frozen=True)
class Move:
    """A status move asked for: to what, effective when, and what comes with it."""

    to_status: str
    on: dt.date
    reason: str = ""
    note: str = ""
    kpj_number: str = ""
    coverage_start: dt.date | None = None


def capability_for(from_status: str, move: Move) -> Capability:
    capability = TRANSITIONS.get((from_status, move.to_status))
    if capability is None:
        raise DomainError(
            f"Kepesertaan berstatus {EnrolmentStatus(from_status).label} tidak dapat "
            f"menjadi {_label(move.to_status)}."
        )
    if move.to_status == S.ENDED and move.reason == EndReason.REFUSED_BY_BPJS:
        return REFUSAL_CAPABILITY
    return capability


def _label(status: str) -> str:
    return str(EnrolmentStatus(status).label) if status in EnrolmentStatus.values else status


def check_move(enrolment: Enrolment, move: Move) -> None:
    """Refuse (``DomainError``) a move the lifecycle does not allow, or one missing what it
    needs: a KPJ number and coverage start to become active, a reason to end."""
    capability_for(enrolment.status, move)
    if move.to_status == S.ACTIVE:
        if not move.kpj_number.strip():
            raise DomainError("Nomor KPJ dari BPJS wajib diisi untuk mengaktifkan kepesertaan.")
        if move.coverage_start is None:
            raise DomainError("Tanggal mulai kepesertaan dari BPJS wajib diisi.")
        # BPJS may start coverage on the 1st of the month the registration reached it.
        earliest = enrolment.submitted_on and enrolment.submitted_on.replace(day=1)
        if earliest and move.coverage_start < earliest:
            raise DomainError(
                "Tanggal mulai kepesertaan tidak boleh sebelum bulan pengajuan "
                f"({format_date(earliest)})."
            )
    if move.to_status == S.ENDED:
        if move.reason not in END_REASONS.get(enrolment.status, set()):
            raise DomainError("Pilih alasan berakhirnya kepesertaan yang sesuai.")
        if move.reason == EndReason.REFUSED_BY_BPJS and not move.note.strip():
            raise DomainError("Tuliskan alasan penolakan dari BPJS.")
        if enrolment.coverage_start and move.on < enrolment.coverage_start:
            raise DomainError(
                "Tanggal berakhir tidak boleh sebelum mulai kepesertaan "
                f"({format_date(enrolment.coverage_start)})."
            )


def apply_move(enrolment: Enrolment, move: Move, *, actor: User | None, now: dt.datetime):
    """Set the enrolment's fields for ``move`` (not saved) and return its history row and
    audit event, for the caller to save one by one or in bulk."""
    from_status = enrolment.status
    enrolment.status = move.to_status
    if move.to_status == S.SUBMITTED:
        enrolment.submitted_on = move.on
    elif move.to_status == S.ACTIVE:
        enrolment.kpj_number = move.kpj_number.strip()
        enrolment.coverage_start = move.coverage_start
    elif move.to_status == S.ENDED:
        enrolment.ended_on = move.on
        enrolment.end_reason = move.reason
        enrolment.end_note = move.note.strip()
    enrolment.version += 1
    enrolment.updated_at = now
    change = EnrolmentStatusChange(
        enrolment=enrolment,
        from_status=from_status,
        to_status=move.to_status,
        effective_on=move.on,
        reason=move.reason,
        note=move.note.strip(),
        changed_by=actor,
        changed_at=now,
    )
    changes = {"status": [from_status, move.to_status]}
    if move.to_status == S.ACTIVE:
        changes |= {"coverage_start": [None, move.coverage_start], "kpj_number": [None, "***"]}
    if move.to_status == S.ENDED:
        changes |= {"ended_on": [None, move.on], "end_reason": ["", move.reason]}
    event = PendingEvent(
        action="enrolment.transition",
        object_type="enrolment",
        object_id=enrolment.pk,
        worker_id=enrolment.worker_id,
        changes=changes,
        context={"program": enrolment.program_id}
        | ({"note": move.note.strip()} if move.note.strip() else {})
        | ({"batch": enrolment.batch_id} if enrolment.batch_id else {}),
    )
    return change, event


def transition(
    *,
    actor: User,
    enrolment_id: int,
    move: Move,
    expected_version: int | None = None,
) -> Enrolment:
    """Move one enrolment along its lifecycle (see ``TRANSITIONS``), recording why."""
    if move.to_status == S.SUBMITTED:
        raise DomainError("Pengajuan ke BPJS dilakukan dengan mengekspor batch pendaftaran.")
    if move.to_status == S.ENDED and move.reason == EndReason.GRADUATED:
        raise DomainError("Kelulusan ke peserta mandiri dicatat lewat formulir kelulusan.")
    with transaction.atomic():
        enrolment = get_enrolment_for_user(actor, enrolment_id, for_update=True)
        if expected_version is not None and enrolment.version != expected_version:
            raise ConcurrentEdit(
                "Kepesertaan ini telah diubah pengguna lain. Muat ulang halaman lalu ulangi."
            )
        require(actor, capability_for(enrolment.status, move))
        check_move(enrolment, move)
        change, event = apply_move(enrolment, move, actor=actor, now=timezone.now())
        try:
            with transaction.atomic():
                enrolment.save()
        except IntegrityError:
            raise DomainError("Pekerja ini sudah memiliki kepesertaan aktif lain.") from None
        change.save()
        record_events(actor=actor, events=[event])
    return enrolment


def save_moves(
    *, actor: User | None, moved: list[tuple[Enrolment, Move]], fields: Iterable[str]
) -> None:
    """Save many applied moves at once: the enrolments' ``fields``, their history rows and
    audit events. The caller has checked every move and holds the transaction."""
    now = timezone.now()
    rows, events = [], []
    for enrolment, move in moved:
        change, event = apply_move(enrolment, move, actor=actor, now=now)
        rows.append(change)
        events.append(event)
    update_rows(
        Enrolment,
        [*fields, "status", "version", "updated_at"],
        [enrolment for enrolment, _move in moved],
    )
    insert_history(rows)
    record_events(actor=actor, events=events)


@dataclass
class CandidateOutcome:
    created: list[Enrolment] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def enrol_candidates(
    *, actor: User, program: Program, worker_ids: Iterable[int], on: dt.date | None = None
) -> CandidateOutcome:
    """Make candidates of ``program`` of the workers who may be: in the user's area, still
    registered or verified, with no enrolment open in it and none active anywhere. The
    others are returned in ``refused`` with the reason."""
    require(actor, Capability.EDIT_WORKERS)
    if not program.is_active:
        raise DomainError(f"Program {program.name} tidak aktif.")
    wanted = list(dict.fromkeys(int(worker_id) for worker_id in worker_ids))
    if not wanted:
        raise DomainError("Pilih pekerja yang akan didaftarkan.")
    on = on or timezone.localdate()
    outcome = CandidateOutcome()
    with transaction.atomic():
        workers = {
            worker.pk: worker
            for worker in workers_for_user(actor)
            .filter(pk__in=wanted)
            .select_for_update(of=("self",))
            .only("pk", "status")
        }
        busy = _workers_with_open_enrolments(wanted, program)
        for worker_id in wanted:
            reason = _refusal(workers.get(worker_id), busy.get(worker_id), program)
            if reason:
                outcome.refused[worker_id] = reason
        now = timezone.now()
        outcome.created = Enrolment.objects.bulk_create(
            [
                Enrolment(
                    worker_id=worker_id,
                    program=program,
                    status=S.CANDIDATE,
                    candidate_since=on,
                    created_at=now,
                    created_by=actor,
                    updated_at=now,
                )
                for worker_id in wanted
                if worker_id not in outcome.refused
            ],
            batch_size=2000,
        )
        _record_candidates(actor, outcome.created, on, now)
    return outcome


def _workers_with_open_enrolments(worker_ids: list[int], program: Program) -> dict[int, str]:
    """Per worker: "program" if they have an open enrolment in it, else "active" if they
    are active in another programme."""
    busy: dict[int, str] = {}
    rows = Enrolment.objects.filter(worker_id__in=worker_ids, status__in=OPEN_STATUSES)
    for worker_id, program_id, status in rows.values_list("worker_id", "program_id", "status"):
        if program_id == program.pk:
            busy[worker_id] = "program"
        elif status == S.ACTIVE:
            busy.setdefault(worker_id, "active")
    return busy


def _refusal(worker: Worker | None, busy: str | None, program: Program) -> str:
    if worker is None:
        return "Pekerja tidak ditemukan."
    if worker.status not in WORKER_STATUSES_ENROLLABLE:
        return f"Status pekerja {WorkerStatus(worker.status).label}."
    if busy == "program":
        return f"Sudah terdaftar di program {program.name}."
    if busy == "active":
        return "Sudah menjadi peserta aktif program lain."
    return ""


def _record_candidates(actor: User, created: list[Enrolment], on: dt.date, now) -> None:
    EnrolmentStatusChange.objects.bulk_create(
        [
            EnrolmentStatusChange(
                enrolment=enrolment,
                to_status=S.CANDIDATE,
                effective_on=on,
                changed_by=actor,
                changed_at=now,
            )
            for enrolment in created
        ],
        batch_size=2000,
    )
    record_events(
        actor=actor,
        events=[
            PendingEvent(
                action="enrolment.create",
                object_type="enrolment",
                object_id=enrolment.pk,
                worker_id=enrolment.worker_id,
                changes={"status": [None, S.CANDIDATE]},
                context={"program": enrolment.program_id},
            )
            for enrolment in created
        ],
    )


def reveal_kpj(*, actor: User, enrolment_id: int) -> str:
    """The full KPJ number of an enrolment; the look itself is audited."""
    require(actor, Capability.VIEW_FULL_IDENTITY)
    with transaction.atomic():
        enrolment = get_enrolment_for_user(actor, enrolment_id)
        record_event(
            actor=actor,
            action="enrolment.reveal",
            object_type="enrolment",
            object_id=enrolment.pk,
            worker_id=enrolment.worker_id,
            context={"field": "kpj_number"},
        )
    return enrolment.kpj_number


def may_reveal_kpj(user: User) -> bool:
    return has_capability(user, Capability.VIEW_FULL_IDENTITY)


def save_export_template(
    *, actor: User, program: Program, columns: list[tuple[str, str]]
) -> ExportTemplate:
    """Set a programme's registration-file columns (header, field); empty → the default."""
    from lindung.enrolment.exchange_export import EXPORT_FIELDS

    require(actor, Capability.MANAGE_PROGRAMS)
    cleaned = [(header.strip(), name) for header, name in columns if header.strip()]
    unknown = sorted({name for _header, name in cleaned} - set(EXPORT_FIELDS))
    if unknown:
        raise DomainError(f"Kolom tidak dikenal: {', '.join(unknown)}.")
    if cleaned and "nik" not in {name for _header, name in cleaned}:
        raise DomainError("Berkas pendaftaran harus memuat kolom NIK.")
    with transaction.atomic():
        template = ExportTemplate.objects.filter(program=program).first()
        before = template.columns if template else []
        if not cleaned:
            if template:
                template.delete()
            template = None
        else:
            template, _created = ExportTemplate.objects.update_or_create(
                program=program,
                defaults={
                    "columns": [list(pair) for pair in cleaned],
                    "updated_at": timezone.now(),
                    "updated_by": actor,
                },
            )
        record_event(
            actor=actor,
            action="enrolment.export_template",
            object_type="program",
            object_id=program.pk,
            changes={"columns": [before, [list(pair) for pair in cleaned]]},
        )
    return template


def record_kpj_access(*, actor: User, enrolments: list[Enrolment]) -> None:
    """Full KPJ numbers shown in a list or an answer: one audit event per enrolment."""
    require(actor, Capability.VIEW_FULL_IDENTITY)
    record_events(
        actor=actor,
        events=[
            PendingEvent(
                action="enrolment.reveal",
                object_type="enrolment",
                object_id=enrolment.pk,
                worker_id=enrolment.worker_id,
                context={"field": "kpj_number"},
            )
            for enrolment in enrolments
            if enrolment.kpj_number
        ],
    )
