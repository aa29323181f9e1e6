"""The files BPJS sends back: its answer to a registration, and its participant lists.

An answer row names a NIK, BPJS's verdict and, when accepted, the KPJ number and the date
coverage starts. It is matched to that worker's enrolment submitted to BPJS; accepted →
active, refused → ended "refused by BPJS" with BPJS's reason. A row already applied is left
as it is, so importing the same file twice changes nothing. Every row that matches nothing
is reported with why.

A participant list says who BPJS counts as a participant on a date and who pays for them;
only rows of workers in the registry are kept (nobody else's data is needed).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import DomainError, PermissionDenied
from lindung.enrolment.bpjs_files import FileRow, checksum, read_rows
from lindung.enrolment.models import (
    BpjsFileImport,
    BpjsFileKind,
    BpjsParticipant,
    EndReason,
    Enrolment,
    EnrolmentStatus,
    ParticipantPayer,
)
from lindung.enrolment.selectors import (
    enrolments_for_user,
    get_bpjs_import_for_user,
    narrow_area,
)
from lindung.enrolment.services import Move, check_move, save_moves
from lindung.registry.models import Worker

CHUNK = 5000
S = EnrolmentStatus


@dataclass
class AnswerPlan:
    activate: list[tuple[Enrolment, Move]] = field(default_factory=list)
    refuse: list[tuple[Enrolment, Move]] = field(default_factory=list)
    unchanged: int = 0
    unmatched: list[dict] = field(default_factory=list)

    def miss(self, row: FileRow, nik: str, why: str) -> None:
        self.unmatched.append(
            {"row": row.number, "nik": nik, "kpj": row.text("kpj"), "reason": why}
        )


def import_bpjs_answer(*, actor: User, path: Path, original_name: str = "") -> BpjsFileImport:
    """Apply BPJS's answer to registrations in the user's area; returns the import record
    with its counts and the rows that matched nothing."""
    require(actor, Capability.EXPORT_WORKERS)
    digest = checksum(path)
    rows = list(read_rows(path, original_name))
    today = timezone.localdate()
    with transaction.atomic():
        enrolments = _submitted_enrolments(actor, rows)
        active_elsewhere = _active_elsewhere(enrolments)
        plan = AnswerPlan()
        seen: set[str] = set()
        for row in rows:
            _plan_row(plan, row, enrolments, active_elsewhere, seen, today)
        if plan.activate:
            save_moves(actor=actor, moved=plan.activate, fields=["kpj_number", "coverage_start"])
        if plan.refuse:
            save_moves(
                actor=actor, moved=plan.refuse, fields=["ended_on", "end_reason", "end_note"]
            )
        counts = {
            "activated": len(plan.activate),
            "refused": len(plan.refuse),
            "unchanged": plan.unchanged,
            "unmatched": len(plan.unmatched),
        }
        return _record_import(
            actor, BpjsFileKind.ANSWER, original_name or path.name, digest, rows, counts, plan
        )


def _submitted_enrolments(actor: User, rows: list[FileRow]) -> dict[str, Enrolment]:
    """Per NIK in the file: the worker's enrolment most recently submitted to BPJS, in the
    user's area, locked for the update."""
    niks = {_nik_or_blank(row) for row in rows} - {""}
    found: dict[str, Enrolment] = {}
    scoped = enrolments_for_user(actor).filter(submitted_on__isnull=False)
    niks_sorted = sorted(niks)
    for start in range(0, len(niks_sorted), CHUNK):
        chunk = niks_sorted[start : start + CHUNK]
        for enrolment in (
            scoped.filter(worker__nik__in=chunk)
            .select_for_update(of=("self",))
            .select_related("worker")
            .only(*_ENROLMENT_FIELDS)
            .order_by("submitted_on", "id")
        ):
            found[enrolment.worker.nik] = enrolment  # the latest wins
    return found


_ENROLMENT_FIELDS = (
    "id",
    "worker_id",
    "program_id",
    "batch_id",
    "status",
    "version",
    "submitted_on",
    "coverage_start",
    "kpj_number",
    "ended_on",
    "end_reason",
    "end_note",
    "worker__nik",
)


def _nik_or_blank(row: FileRow) -> str:
    try:
        return row.nik()
    except ValueError:
        return ""


def _active_elsewhere(enrolments: dict[str, Enrolment]) -> set[int]:
    """Workers already active in another enrolment: the database allows one active each."""
    pending = [e for e in enrolments.values() if e.status == S.SUBMITTED]
    workers = [e.worker_id for e in pending]
    active = set()
    for start in range(0, len(workers), CHUNK):
        active |= set(
            Enrolment.objects.filter(
                worker_id__in=workers[start : start + CHUNK], status=S.ACTIVE
            ).values_list("worker_id", flat=True)
        )
    return active


def _plan_row(plan, row, enrolments, active_elsewhere, seen, today) -> None:
    try:
        nik = row.nik()
    except ValueError as error:
        plan.miss(row, row.text("nik"), str(error))
        return
    if nik in seen:
        plan.miss(row, nik, "NIK muncul lebih dari sekali dalam berkas")
        return
    seen.add(nik)
    enrolment = enrolments.get(nik)
    if enrolment is None:
        plan.miss(row, nik, "Tidak ada pengajuan ke BPJS untuk NIK ini di wilayah Anda")
        return
    verdict = row.verdict()
    if not verdict:
        plan.miss(row, nik, f"Status '{row.text('status')}' tidak dikenal (diterima/ditolak)")
        return
    try:
        move = _answer_move(row, verdict, today)
    except ValueError as error:
        plan.miss(row, nik, str(error))
        return
    if _already_applied(enrolment, move):
        plan.unchanged += 1
        return
    if enrolment.status != S.SUBMITTED:
        plan.miss(
            row,
            nik,
            f"Kepesertaan berstatus {S(enrolment.status).label}; jawaban ini tidak diterapkan",
        )
        return
    if move.to_status == S.ACTIVE and enrolment.worker_id in active_elsewhere:
        plan.miss(row, nik, "Pekerja sudah menjadi peserta aktif program lain")
        return
    try:
        check_move(enrolment, move)
    except DomainError as error:
        plan.miss(row, nik, error.message)
        return
    (plan.activate if move.to_status == S.ACTIVE else plan.refuse).append((enrolment, move))


def _answer_move(row: FileRow, verdict: str, today: dt.date) -> Move:
    if verdict == "refused":
        reason = row.text("reason") or "BPJS tidak menyebutkan alasan"
        return Move(S.ENDED, today, reason=EndReason.REFUSED_BY_BPJS, note=reason)
    kpj = row.text("kpj")
    if not kpj:
        raise ValueError("Nomor KPJ kosong untuk peserta yang diterima")
    start = row.date("coverage_start")
    if start is None:
        raise ValueError("Tanggal mulai kepesertaan kosong untuk peserta yang diterima")
    return Move(S.ACTIVE, start, kpj_number=kpj, coverage_start=start)


def _already_applied(enrolment: Enrolment, move: Move) -> bool:
    if move.to_status == S.ACTIVE:
        return (
            enrolment.coverage_start == move.coverage_start
            and enrolment.kpj_number == move.kpj_number
        )
    return enrolment.status == S.ENDED and enrolment.end_reason == EndReason.REFUSED_BY_BPJS


def _record_import(actor, kind, file_name, digest, rows, counts, plan) -> BpjsFileImport:
    earlier = BpjsFileImport.objects.filter(kind=kind, checksum=digest).order_by("id").first()
    record = BpjsFileImport.objects.create(
        kind=kind,
        file_name=file_name[:200],
        checksum=digest,
        as_of=getattr(plan, "as_of", None),
        row_count=len(rows),
        counts=counts,
        unmatched=plan.unmatched,
        created_at=timezone.now(),
        created_by=actor,
    )
    record_event(
        actor=actor,
        action=f"enrolment.bpjs_{kind}_import",
        object_type="bpjs_file",
        object_id=record.pk,
        context={"file_name": record.file_name, "checksum": digest, "rows": len(rows)}
        | counts
        | ({"same_file_as": earlier.pk} if earlier else {}),
    )
    return record


# ---------------------------------------------------------------- participant lists

PAYER_BY_KIND = {
    "SG": ParticipantPayer.GOVERNMENT,
    "SA": ParticipantPayer.VILLAGE,
    "SD": ParticipantPayer.VILLAGE,
    "SL": ParticipantPayer.VILLAGE,
    "SB": ParticipantPayer.CSR,
    "SC": ParticipantPayer.CSR,
}
PAYER_WORDS = {
    "perusahaan": ParticipantPayer.EMPLOYER,
    "pemberi kerja": ParticipantPayer.EMPLOYER,
    "pemerintah": ParticipantPayer.GOVERNMENT,
    "apbd": ParticipantPayer.GOVERNMENT,
    "desa": ParticipantPayer.VILLAGE,
    "csr": ParticipantPayer.CSR,
    "mandiri": ParticipantPayer.SELF,
    "sendiri": ParticipantPayer.SELF,
}


@dataclass
class ParticipantPlan:
    as_of: dt.date
    unmatched: list[dict] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def miss(self, row: FileRow, nik: str, why: str) -> None:
        self.unmatched.append(
            {"row": row.number, "nik": nik, "kpj": row.text("kpj"), "reason": why}
        )


def import_bpjs_participants(
    *, actor: User, path: Path, as_of: dt.date, original_name: str = ""
) -> BpjsFileImport:
    """Record who BPJS lists as participants on ``as_of``. A list covers the whole regency,
    so only regency-wide users import it. Importing the same list again changes nothing."""
    require(actor, Capability.EXPORT_WORKERS)
    if narrow_area(actor) is not None:
        raise PermissionDenied("Daftar peserta BPJS hanya diimpor oleh pengguna tingkat kabupaten.")
    digest = checksum(path)
    rows = list(read_rows(path, original_name))
    plan = ParticipantPlan(as_of)
    with transaction.atomic():
        source = _record_import(
            actor, BpjsFileKind.PARTICIPANTS, original_name or path.name, digest, rows, {}, plan
        )
        _save_participants(plan, rows, source)
        source.counts = dict(plan.counts) | {"unmatched": len(plan.unmatched)}
        source.unmatched = plan.unmatched
        source.save(update_fields=["counts", "unmatched"])
    return source


def _save_participants(plan: ParticipantPlan, rows: list[FileRow], source) -> None:
    parsed: dict[tuple, tuple[FileRow, BpjsParticipant]] = {}
    for row in rows:
        try:
            nik = row.nik()
        except ValueError as error:
            plan.miss(row, row.text("nik"), str(error))
            continue
        participant = _participant(row, nik, plan.as_of, source)
        parsed[(nik, participant.segment, participant.membership_kind)] = (row, participant)
    workers = _workers_by_nik({key[0] for key in parsed})
    existing = _existing_participants({key[0] for key in parsed}, plan.as_of)
    new, changed = [], []
    for key, (row, participant) in parsed.items():
        if key[0] not in workers:
            plan.miss(row, key[0], "NIK tidak ada di registri; baris tidak disimpan")
            continue
        participant.worker_id = workers[key[0]]
        before = existing.get(key)
        if before is None:
            new.append(participant)
        elif _participant_values(before) != _participant_values(participant):
            participant.pk = before.pk
            changed.append(participant)
        else:
            plan.counts["unchanged"] += 1
    BpjsParticipant.objects.bulk_create(new, batch_size=2000)
    BpjsParticipant.objects.bulk_update(
        changed, ["kpj_number", "payer", "is_active", "worker", "source"], batch_size=1000
    )
    plan.counts["added"] += len(new)
    plan.counts["updated"] += len(changed)


def _participant(row: FileRow, nik: str, as_of: dt.date, source) -> BpjsParticipant:
    segment = row.text("segment").upper()[:8]
    kind = row.text("membership_kind").upper()[:8]
    return BpjsParticipant(
        nik=nik,
        kpj_number=row.text("kpj")[:20],
        segment=segment,
        membership_kind=kind,
        payer=_payer(row.text("payer"), segment, kind),
        is_active=row.verdict() != "refused",
        as_of=as_of,
        source=source,
    )


def _payer(written: str, segment: str, kind: str) -> str:
    for word, payer in PAYER_WORDS.items():
        if word in written.lower():
            return payer
    if segment == "PU":
        return ParticipantPayer.EMPLOYER
    if kind in PAYER_BY_KIND:
        return PAYER_BY_KIND[kind]
    return ParticipantPayer.SELF if segment == "BPU" else ParticipantPayer.UNKNOWN


def _participant_values(participant: BpjsParticipant) -> tuple:
    return (participant.kpj_number, participant.payer, participant.is_active)


def _workers_by_nik(niks: set[str]) -> dict[str, int]:
    ordered = sorted(niks)
    found: dict[str, int] = {}
    for start in range(0, len(ordered), CHUNK):
        found |= dict(
            Worker.objects.filter(nik__in=ordered[start : start + CHUNK]).values_list("nik", "pk")
        )
    return found


def _existing_participants(niks: set[str], as_of: dt.date) -> dict[tuple, BpjsParticipant]:
    ordered = sorted(niks)
    found = {}
    for start in range(0, len(ordered), CHUNK):
        for participant in BpjsParticipant.objects.filter(
            Q(nik__in=ordered[start : start + CHUNK]), as_of=as_of
        ):
            key = (participant.nik, participant.segment, participant.membership_kind)
            found[key] = participant
    return found


def open_unmatched_report(*, actor: User, file_id: int) -> BpjsFileImport:
    """The rows of a BPJS file that matched nothing (full NIKs), downloaded; audited."""
    require(actor, Capability.VIEW_FULL_IDENTITY)
    record = get_bpjs_import_for_user(actor, file_id)
    record_event(
        actor=actor,
        action="enrolment.bpjs_report_download",
        object_type="bpjs_file",
        object_id=record.pk,
        context={"rows": len(record.unmatched)},
    )
    return record
