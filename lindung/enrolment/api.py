"""Enrolments, registration batches, BPJS files and coverage over the REST API: the same
selectors and services as the pages."""

import datetime as dt

from django.http import FileResponse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from lindung.accounts.api_auth import ApiRequest
from lindung.core.api_schemas import ERROR_RESPONSES
from lindung.enrolment.bpjs_files import saved_upload
from lindung.enrolment.coverage import coverage_on
from lindung.enrolment.exchange_export import (
    columns_for,
    export_registration_batch,
    open_batch_file,
)
from lindung.enrolment.exchange_import import import_bpjs_answer, import_bpjs_participants
from lindung.enrolment.graduation import graduate_to_self_paying
from lindung.enrolment.schemas import (
    REVEAL_DESCRIPTION,
    BatchIn,
    BatchOut,
    BpjsFileOut,
    CoverageOut,
    EnrolIn,
    EnrolmentDetailOut,
    EnrolmentOut,
    EnrolmentPage,
    EnrolOut,
    ExportColumn,
    ExportTemplateIn,
    GraduateIn,
    GraduationOut,
    TransitionIn,
    batch_body,
    bpjs_file_body,
    coverage_body,
    enrolment_body,
    history_body,
)
from lindung.enrolment.selectors import (
    EnrolmentFilters,
    batches_for_user,
    enrolment_history,
    get_bpjs_import_for_user,
    get_enrolment_for_user,
    search_enrolments,
)
from lindung.enrolment.services import (
    Move,
    enrol_candidates,
    record_kpj_access,
    save_export_template,
    transition,
)
from lindung.enrolment.sources import eligible_worker_ids
from lindung.programs.selectors import get_program_for_user, get_rate_version
from lindung.regions.selectors import normalize_code

router = Router(tags=["enrolments"])
MAX_PAGE_SIZE = 100


class EnrolmentQuery(Schema):
    program: int | None = None
    status: str = ""
    batch: int | None = None
    worker: int | None = None
    district: str = Field("", description="District code, with or without dots.")
    village: str = Field("", description="Village code, with or without dots.")
    end_reason: str = ""
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)
    reveal: bool = Field(False, description=REVEAL_DESCRIPTION)

    def filters(self) -> EnrolmentFilters:
        return EnrolmentFilters(
            program=self.program, status=self.status, batch=self.batch, worker=self.worker,
            district=normalize_code(self.district) if self.district else "",
            village=normalize_code(self.village) if self.village else "",
            end_reason=self.end_reason,
        )  # fmt: skip


@router.get("/enrolments", response={200: EnrolmentPage, **ERROR_RESPONSES})
def list_enrolments(request: ApiRequest, query: Query[EnrolmentQuery]):
    """Enrolments of workers in your area matching the filters, newest first."""
    enrolments = search_enrolments(request.auth, query.filters())
    start = (query.page - 1) * query.page_size
    page = list(enrolments[start : start + query.page_size])
    if query.reveal:
        record_kpj_access(actor=request.auth, enrolments=page)
    return {
        "count": enrolments.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [enrolment_body(e, reveal=query.reveal) for e in page],
    }


@router.post("/enrolments", response={201: EnrolOut, **ERROR_RESPONSES})
def create_enrolments(request: ApiRequest, payload: EnrolIn):
    """Make candidates of a programme of the given workers; the ones who may not be (outside
    your area, not registered or verified, already enrolled) are returned with the reason."""
    program = get_program_for_user(request.auth, payload.program_id)
    worker_ids = payload.worker_ids
    if payload.from_eligibility_cut:
        worker_ids = [*worker_ids, *eligible_worker_ids(request.auth, program)]
    outcome = enrol_candidates(actor=request.auth, program=program, worker_ids=worker_ids)
    return Status(201, {"created": [e.pk for e in outcome.created], "refused": outcome.refused})


@router.get("/enrolments/{enrolment_id}", response={200: EnrolmentDetailOut, **ERROR_RESPONSES})
def get_enrolment(request: ApiRequest, enrolment_id: int, reveal: bool = False):
    """One enrolment with every status move."""
    enrolment = get_enrolment_for_user(request.auth, enrolment_id)
    if reveal:
        record_kpj_access(actor=request.auth, enrolments=[enrolment])
    return enrolment_body(enrolment, reveal=reveal) | {
        "history": history_body(enrolment_history(enrolment))
    }


@router.post(
    "/enrolments/{enrolment_id}/transition", response={200: EnrolmentOut, **ERROR_RESPONSES}
)
def transition_enrolment(request: ApiRequest, enrolment_id: int, payload: TransitionIn):
    """Move an enrolment: `active` (with `kpj_number` and `coverage_start`) or `ended` (with
    a `reason`: deceased, moved_away, formal_worker, not_eligible, withdrew, refused_by_bpjs
    with BPJS's reason in `note`, duplicate). Graduation has its own endpoint."""
    move = Move(
        to_status=payload.to_status,
        on=payload.on or payload.coverage_start or timezone.localdate(),
        reason=payload.reason,
        note=payload.note,
        kpj_number=payload.kpj_number,
        coverage_start=payload.coverage_start,
    )
    enrolment = transition(
        actor=request.auth,
        enrolment_id=enrolment_id,
        move=move,
        expected_version=payload.expected_version,
    )
    return enrolment_body(get_enrolment_for_user(request.auth, enrolment.pk))


@router.post(
    "/enrolments/{enrolment_id}/graduate", response={201: GraduationOut, **ERROR_RESPONSES}
)
def graduate_enrolment(request: ApiRequest, enrolment_id: int, payload: GraduateIn):
    """The worker pays their own contributions from `on`: the enrolment ends the day before
    with reason `graduated`, and the monthly amount they will pay is priced."""
    rate = get_rate_version(payload.rate_version_id) if payload.rate_version_id else None
    graduation = graduate_to_self_paying(
        user=request.auth,
        enrolment=enrolment_id,
        on=payload.on,
        rate=rate,
        expected_version=payload.expected_version,
    )
    return Status(
        201,
        {
            "id": graduation.pk,
            "enrolment_id": graduation.enrolment_id,
            "self_paying_from": graduation.self_paying_from,
            "rate_version_id": graduation.rate_version_id,
            "jkk": graduation.jkk,
            "jkm": graduation.jkm,
            "jht": graduation.jht,
            "discount_percent": str(graduation.discount_percent),
            "monthly_amount": graduation.monthly_amount,
        },
    )


@router.get(
    "/programs/{program_id}/bpjs-export-template",
    response={200: list[ExportColumn], **ERROR_RESPONSES},
)
def get_export_template(request: ApiRequest, program_id: int):
    """The columns of the programme's registration files, in order."""
    program = get_program_for_user(request.auth, program_id)
    return [{"header": header, "field": field} for header, field in columns_for(program)]


@router.put(
    "/programs/{program_id}/bpjs-export-template",
    response={200: list[ExportColumn], **ERROR_RESPONSES},
)
def set_export_template(request: ApiRequest, program_id: int, payload: ExportTemplateIn):
    """Set the programme's own registration-file columns (NIK is required); an empty list
    goes back to the default template."""
    program = get_program_for_user(request.auth, program_id)
    save_export_template(
        actor=request.auth,
        program=program,
        columns=[(column.header, column.field) for column in payload.columns],
    )
    return [{"header": header, "field": field} for header, field in columns_for(program)]


@router.get("/registration-batches", response={200: list[BatchOut], **ERROR_RESPONSES})
def list_batches(request: ApiRequest, program: int | None = None):
    """Registration batches sent to BPJS from your area, newest first."""
    batches = batches_for_user(request.auth)
    if program:
        batches = batches.filter(program_id=program)
    return [batch_body(batch) for batch in batches[:200]]


@router.post("/registration-batches", response={201: BatchOut, **ERROR_RESPONSES})
def create_batch(request: ApiRequest, payload: BatchIn):
    """Submit the programme's candidates in your area to BPJS: writes the registration file
    (download it from `/registration-batches/{id}/file`). Refused with the budget guard's
    numbers when a funder cannot pay for them."""
    program = get_program_for_user(request.auth, payload.program_id)
    exported = export_registration_batch(
        actor=request.auth, program=program, file_format=payload.format
    )
    return Status(201, batch_body(exported.batch))


@router.get(
    "/registration-batches/{batch_id}/file",
    response={404: ERROR_RESPONSES[404], 401: ERROR_RESPONSES[401], 403: ERROR_RESPONSES[403]},
)
def download_batch(request: ApiRequest, batch_id: int):
    """The registration file of a batch (XLSX or CSV, full NIKs); the download is audited."""
    batch, path = open_batch_file(actor=request.auth, batch_id=batch_id)
    return FileResponse(path.open("rb"), as_attachment=True, filename=batch.file_name)


class ParticipantForm(Schema):
    as_of: dt.date = Field(description="The date of the list, YYYY-MM-DD.")


@router.post("/bpjs-answers", response={201: BpjsFileOut, **ERROR_RESPONSES})
def upload_answer(request: ApiRequest, file: File[UploadedFile]):
    """BPJS's answer to registrations (NIK, status, KPJ, coverage start, reason): accepted
    rows become active, refused ones end. The same file twice changes nothing; rows that
    matched nothing are listed in `unmatched`."""
    with saved_upload(file) as path:
        record = import_bpjs_answer(actor=request.auth, path=path, original_name=file.name or "")
    return Status(201, bpjs_file_body(record))


@router.post("/bpjs-participants", response={201: BpjsFileOut, **ERROR_RESPONSES})
def upload_participants(request: ApiRequest, file: File[UploadedFile], form: Form[ParticipantForm]):
    """A BPJS participant list (NIK, KPJ, segment, membership kind, status) as of a date:
    marks registered workers BPJS already counts as participants."""
    with saved_upload(file) as path:
        record = import_bpjs_participants(
            actor=request.auth, path=path, as_of=form.as_of, original_name=file.name or ""
        )
    return Status(201, bpjs_file_body(record))


@router.get("/bpjs-files/{file_id}", response={200: BpjsFileOut, **ERROR_RESPONSES})
def get_bpjs_file(request: ApiRequest, file_id: int):
    """A file received from BPJS: its counts and the rows that matched nothing."""
    return bpjs_file_body(get_bpjs_import_for_user(request.auth, file_id))


@router.get("/workers/{worker_id}/coverage", response={200: CoverageOut, **ERROR_RESPONSES})
def worker_coverage(
    request: ApiRequest, worker_id: int, on: dt.date | None = None, reveal: bool = False
):
    """Whether the worker was covered on `on` (YYYY-MM-DD, default today), by which
    programme and funders, and why not when not."""
    coverage = coverage_on(request.auth, worker_id, on or timezone.localdate())
    if reveal and coverage.enrolment:
        record_kpj_access(actor=request.auth, enrolments=[coverage.enrolment])
    return coverage_body(coverage, reveal=reveal)
