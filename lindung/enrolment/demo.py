"""Enrolments for a demonstration instance (`lindung serve` on an empty registry): the
workers within the demo programme's eligibility cut, taken through the lifecycle the way an
office does it, so the enrolment, batch, BPJS file, coverage and graduation pages have
something to show.

The story, in the office's days: last month most of the cut became candidates and went to
BPJS in a first registration file; a fortnight later a second, smaller file followed. BPJS
has answered the first (a real answer file, read by the same importer as an uploaded one):
almost everyone is covered from the 1st of this month with a KPJ number, a few are refused
with BPJS's reason. The second file still awaits its answer, and the last workers of the
cut became candidates today. Since then a member died, two moved out of the regency, and
two will pay their own contributions from next month.

Everything goes through the enrolment services, so every move has its history row and
audit event. The same seed over the same registry gives the same enrolments.
"""

import csv
import datetime as dt
import random
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lindung.accounts.models import User
from lindung.core.exceptions import DomainError
from lindung.eligibility.models import EligibilityRun
from lindung.eligibility.selectors import DecisionFilters, search_decisions
from lindung.enrolment.bpjs_files import read_rows
from lindung.enrolment.exchange_export import batch_file_path, export_registration_batch
from lindung.enrolment.exchange_import import import_bpjs_answer
from lindung.enrolment.graduation import add_months, graduate_to_self_paying
from lindung.enrolment.models import (
    BpjsFileImport,
    EndReason,
    EnrolmentStatus,
    RegistrationBatch,
)
from lindung.enrolment.selectors import EnrolmentFilters, enrolments_for_user, search_enrolments
from lindung.enrolment.services import Move, enrol_candidates, transition
from lindung.programs.models import Program

S = EnrolmentStatus

SECOND_BATCH_SHARE = 0.08  # of the cut, submitted a fortnight after the first
NOT_BATCHED_SHARE = 0.07  # of the cut, candidates since today
REFUSED_SHARE = 0.015  # of the first batch, refused by BPJS
ENDINGS = (
    (EndReason.DECEASED, "Meninggal dunia; ahli waris melapor ke kantor desa."),
    (EndReason.MOVED_AWAY, "Pindah domisili ke Kota Samarinda."),
    (EndReason.MOVED_AWAY, "Pindah domisili ke Kabupaten Paser."),
)
GRADUATIONS = 2
# What BPJS branches write when they refuse a registration.
REFUSAL_REASONS = (
    "NIK tidak padan dengan data Dukcapil",
    "Terdaftar sebagai peserta Penerima Upah (PU) aktif",
    "Tanggal lahir tidak sesuai data Dukcapil",
    "Usia melebihi batas usia kepesertaan",
)
ANSWER_HEADER = ["NIK", "NAMA", "STATUS", "NO KPJ", "TGL KEPESERTAAN", "KETERANGAN"]


@dataclass(frozen=True)
class DemoEnrolment:
    counts: dict[str, int]  # the programme's enrolments: see ``enrolment_counts``
    batches: list[RegistrationBatch]
    answer: BpjsFileImport | None
    created: bool  # False: the programme already had enrolments and nothing was written


def seed_demo_enrolment(
    *,
    actor: User,
    program: Program,
    run: EligibilityRun,
    today: dt.date | None = None,
    seed: int = 11,
) -> DemoEnrolment:
    """Enrol the workers within ``run``'s cut as told above. A programme that already has
    enrolments is left as it is (``created`` False), so a second call writes nothing."""
    today = today or timezone.localdate()
    if enrolments_for_user(actor).filter(program=program).exists():
        return DemoEnrolment(enrolment_counts(actor, program), [], None, created=False)
    this_month = today.replace(day=1)
    last_month = add_months(this_month, -1)
    rng = random.Random(seed)
    first, second, waiting = _waves(_cut(actor, run), rng)
    with transaction.atomic():
        first_batch = _enrol_and_submit(
            actor, program, first, since=last_month + dt.timedelta(days=1), days_later=3
        )
        second_batch = _enrol_and_submit(
            actor, program, second, since=last_month + dt.timedelta(days=14), days_later=5
        )
        answer = None
        if first_batch is not None:
            answer = _bpjs_answers(actor, first_batch, coverage_start=this_month, rng=rng)
        if waiting:
            enrol_candidates(actor=actor, program=program, worker_ids=waiting, on=today)
        active = _active_ids(actor, program, first_batch) if first_batch else []
        rng.shuffle(active)
        _end_a_few(actor, active[: len(ENDINGS)], on=max(this_month, today - dt.timedelta(days=3)))
        for enrolment_id in active[len(ENDINGS) : len(ENDINGS) + GRADUATIONS]:
            graduate_to_self_paying(
                user=actor, enrolment=enrolment_id, on=add_months(this_month, 1)
            )
    batches = [batch for batch in (first_batch, second_batch) if batch is not None]
    return DemoEnrolment(enrolment_counts(actor, program), batches, answer, created=True)


def enrolment_counts(actor: User, program: Program) -> dict[str, int]:
    """The programme's enrolments by status, with the ended ones split by why: "refused"
    (by BPJS), "graduated" and "ended" (any other reason)."""
    rows = (
        enrolments_for_user(actor)
        .filter(program=program)
        .values_list("status", "end_reason")
        .order_by()
    )
    counts: Counter[str] = Counter()
    for status, reason in rows:
        if status != S.ENDED:
            counts[status] += 1
        elif reason == EndReason.REFUSED_BY_BPJS:
            counts["refused"] += 1
        elif reason == EndReason.GRADUATED:
            counts["graduated"] += 1
        else:
            counts["ended"] += 1
    keys = (S.ACTIVE, S.SUBMITTED, S.CANDIDATE, "refused", "ended", "graduated")
    return {str(key): counts[key] for key in keys}


def _cut(actor: User, run: EligibilityRun) -> list[int]:
    """The workers within the run's cut, highest priority first."""
    decisions = search_decisions(actor, run, DecisionFilters(cut="inside"))
    return list(decisions.values_list("worker_id", flat=True))


def _waves(worker_ids: list[int], rng: random.Random) -> tuple[list[int], ...]:
    """The cut split into the first batch, the second and those not yet batched. Who falls
    where is drawn at random, not by priority, so the stages spread over the districts."""
    shuffled = list(worker_ids)
    rng.shuffle(shuffled)
    second = round(len(shuffled) * SECOND_BATCH_SHARE)
    waiting = round(len(shuffled) * NOT_BATCHED_SHARE)
    first = len(shuffled) - second - waiting
    return (
        sorted(shuffled[:first]),
        sorted(shuffled[first : first + second]),
        sorted(shuffled[first + second :]),
    )


def _enrol_and_submit(
    actor: User, program: Program, worker_ids: list[int], *, since: dt.date, days_later: int
) -> RegistrationBatch | None:
    """Make candidates of ``worker_ids`` on ``since`` and export every candidate
    ``days_later``. None when the budget guard refuses the batch (a registry larger than the
    demo budget): the candidates then wait, as they would in the office."""
    if not worker_ids:
        return None
    enrol_candidates(actor=actor, program=program, worker_ids=worker_ids, on=since)
    try:
        with transaction.atomic():
            exported = export_registration_batch(
                actor=actor, program=program, on=since + dt.timedelta(days=days_later)
            )
    except DomainError:
        return None
    return exported.batch


def _bpjs_answers(
    actor: User, batch: RegistrationBatch, *, coverage_start: dt.date, rng: random.Random
) -> BpjsFileImport:
    """BPJS's answer to ``batch``, written as BPJS would from the registration file it was
    sent, then imported as an uploaded answer is."""
    sent = [(row.nik(), row.text("name")) for row in read_rows(batch_file_path(batch))]
    refused = set(rng.sample(range(len(sent)), _refused_count(len(sent))))
    first_kpj = rng.randrange(1_000_000, 8_000_000)
    prefix = coverage_start.strftime("%y%m")
    lines = []
    for index, (nik, name) in enumerate(sent):
        if index in refused:
            lines.append([nik, name, "Ditolak", "", "", rng.choice(REFUSAL_REASONS)])
        else:
            kpj = f"{prefix}{first_kpj + index:07d}"
            lines.append([nik, name, "Diterima", kpj, coverage_start.strftime("%d-%m-%Y"), ""])
    file_name = f"jawaban-bpjs-{batch}.csv"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / file_name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(ANSWER_HEADER)
            writer.writerows(lines)
        return import_bpjs_answer(actor=actor, path=path, original_name=file_name)


def _refused_count(rows: int) -> int:
    return max(1, round(rows * REFUSED_SHARE)) if rows >= 10 else 0


def _active_ids(actor: User, program: Program, batch: RegistrationBatch) -> list[int]:
    filters = EnrolmentFilters(program=program.pk, status=S.ACTIVE, batch=batch.pk)
    return sorted(search_enrolments(actor, filters).values_list("pk", flat=True))


def _end_a_few(actor: User, enrolment_ids: list[int], *, on: dt.date) -> None:
    for enrolment_id, (reason, note) in zip(enrolment_ids, ENDINGS, strict=False):
        transition(
            actor=actor,
            enrolment_id=enrolment_id,
            move=Move(S.ENDED, on, reason=reason, note=note),
        )
