"""The JSON shapes of enrolments, batches, BPJS files and coverage in the REST API."""

import datetime as dt

from ninja import Field, Schema

from lindung.core.formatting import mask_identity_number
from lindung.enrolment.coverage import Coverage, mask_kpj
from lindung.enrolment.models import BpjsFileImport, Enrolment, RegistrationBatch

REVEAL_DESCRIPTION = (
    "Show full KPJ numbers (needs the view_full_identity capability; the look is recorded in "
    "the audit trail)."
)


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    effective_on: dt.date
    reason: str
    note: str
    changed_by: str | None
    changed_at: dt.datetime


class EnrolmentOut(Schema):
    id: int
    worker_id: int
    worker_name: str
    nik: str = Field(description="Masked.")
    village_code: str
    program_id: int
    program_name: str
    status: str
    candidate_since: dt.date
    submitted_on: dt.date | None
    coverage_start: dt.date | None
    ended_on: dt.date | None = Field(description="Last day covered, when it had been active.")
    end_reason: str
    end_note: str
    kpj_number: str = Field(description="Masked unless reveal=true.")
    batch_id: int | None
    funders: list[dict]
    version: int


class EnrolmentDetailOut(EnrolmentOut):
    history: list[StatusChangeOut]


class EnrolmentPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[EnrolmentOut]


class EnrolIn(Schema):
    program_id: int
    worker_ids: list[int] = Field(default_factory=list, max_length=50_000)
    from_eligibility_cut: bool = Field(
        False, description="Enrol the workers within the cut of the latest eligibility run."
    )


class ExportColumn(Schema):
    header: str
    field: str = Field(description="One of the fields listed in decision 15 (nik, full_name…).")


class ExportTemplateIn(Schema):
    columns: list[ExportColumn] = Field(description="Empty: back to the default columns.")


class EnrolOut(Schema):
    created: list[int] = Field(description="Ids of the new candidate enrolments.")
    refused: dict[int, str] = Field(description="Worker id → why they were not enrolled.")


class TransitionIn(Schema):
    to_status: str = Field(description="active or ended (submitting is done by a batch).")
    on: dt.date | None = Field(None, description="When the move takes effect (default today).")
    reason: str = Field("", description="End reason, for to_status=ended.")
    note: str = ""
    kpj_number: str = ""
    coverage_start: dt.date | None = None
    expected_version: int | None = None


class GraduateIn(Schema):
    on: dt.date = Field(description="First day the worker pays their own contributions.")
    rate_version_id: int | None = Field(None, description="Default: the one in effect.")
    expected_version: int | None = None


class GraduationOut(Schema):
    id: int
    enrolment_id: int
    self_paying_from: dt.date
    rate_version_id: int
    jkk: int
    jkm: int
    jht: int
    discount_percent: str
    monthly_amount: int


class BatchIn(Schema):
    program_id: int
    format: str = Field("xlsx", pattern="^(xlsx|csv)$")


class BatchOut(Schema):
    id: int
    program_id: int
    number: int
    area_code: str | None
    file_name: str
    file_format: str
    checksum: str
    row_count: int
    submitted_on: dt.date
    created_at: dt.datetime


class BpjsFileOut(Schema):
    id: int
    kind: str
    file_name: str
    checksum: str
    as_of: dt.date | None
    row_count: int
    counts: dict
    unmatched: list[dict] = Field(description="Rows that matched nothing: row, nik, kpj, reason.")
    created_at: dt.datetime


class CoverageOut(Schema):
    worker_id: int
    on: dt.date
    covered: bool
    state: str = Field(description="covered, not_enrolled, candidate, submitted or ended.")
    explanation: str
    enrolment_id: int | None
    program_id: int | None
    program_name: str | None
    funders: list[dict]
    kpj_number: str = Field(description="Masked unless reveal=true.")
    coverage_start: dt.date | None
    ended_on: dt.date | None


def enrolment_body(enrolment: Enrolment, *, reveal: bool = False) -> dict:
    worker = enrolment.worker
    return {
        "id": enrolment.pk,
        "worker_id": worker.pk,
        "worker_name": worker.full_name,
        "nik": mask_identity_number(worker.nik),
        "village_code": worker.village_id,
        "program_id": enrolment.program_id,
        "program_name": enrolment.program.name,
        "status": enrolment.status,
        "candidate_since": enrolment.candidate_since,
        "submitted_on": enrolment.submitted_on,
        "coverage_start": enrolment.coverage_start,
        "ended_on": enrolment.ended_on,
        "end_reason": enrolment.end_reason,
        "end_note": enrolment.end_note,
        "kpj_number": enrolment.kpj_number if reveal else mask_kpj(enrolment.kpj_number),
        "batch_id": enrolment.batch_id,
        "funders": enrolment.funder_split,
        "version": enrolment.version,
    }


def history_body(changes) -> list[dict]:
    return [
        {
            "from_status": change.from_status,
            "to_status": change.to_status,
            "effective_on": change.effective_on,
            "reason": change.reason,
            "note": change.note,
            "changed_by": change.changed_by.username if change.changed_by else None,
            "changed_at": change.changed_at,
        }
        for change in changes
    ]


def batch_body(batch: RegistrationBatch) -> dict:
    return {
        "id": batch.pk,
        "program_id": batch.program_id,
        "number": batch.number,
        "area_code": batch.area_id,
        "file_name": batch.file_name,
        "file_format": batch.file_format,
        "checksum": batch.checksum,
        "row_count": batch.row_count,
        "submitted_on": batch.submitted_on,
        "created_at": batch.created_at,
    }


def bpjs_file_body(record: BpjsFileImport) -> dict:
    return {
        field: getattr(record, field)
        for field in ("kind", "file_name", "checksum", "as_of", "row_count", "counts")
    } | {
        "id": record.pk,
        "unmatched": [_masked_row(row) for row in record.unmatched],
        "created_at": record.created_at,
    }


def _masked_row(row: dict) -> dict:
    # As the page shows them: the full numbers are in the audited report download only.
    masked = dict(row)
    if masked.get("nik"):
        masked["nik"] = mask_identity_number(masked["nik"])
    if masked.get("kpj"):
        masked["kpj"] = mask_kpj(masked["kpj"])
    return masked


def coverage_body(coverage: Coverage, *, reveal: bool = False) -> dict:
    enrolment = coverage.enrolment
    kpj = enrolment.kpj_number if enrolment else ""
    return {
        "worker_id": coverage.worker.pk,
        "on": coverage.on,
        "covered": coverage.covered,
        "state": coverage.state,
        "explanation": coverage.explanation,
        "enrolment_id": enrolment.pk if enrolment else None,
        "program_id": enrolment.program_id if enrolment else None,
        "program_name": enrolment.program.name if enrolment else None,
        "funders": coverage.funders,
        "kpj_number": kpj if reveal else mask_kpj(kpj),
        "coverage_start": enrolment.coverage_start if enrolment else None,
        "ended_on": enrolment.ended_on if enrolment else None,
    }
