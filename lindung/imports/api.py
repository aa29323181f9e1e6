"""Worker lists imported over the REST API: the same services as the import pages.

A client uploads a file and gets 202 with the job; the check or save then runs in the
background, and the client follows the job until it is ``checked`` or ``done``, then fetches
the row-by-row report.
"""

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from lindung.accounts.api_auth import ApiRequest
from lindung.core.api_schemas import ERROR_RESPONSES
from lindung.core.exceptions import DomainError, NotFound, PermissionDenied
from lindung.imports.models import ImportJob
from lindung.imports.schemas import ImportOut, ImportPage, import_body
from lindung.imports.selectors import get_import_for_user, import_profiles, imports_for_user
from lindung.imports.services import (
    delete_import,
    set_import_mapping,
    start_import_pass,
    upload_import,
)
from lindung.imports.storage import report_path

router = Router(tags=["imports"])

MAX_PAGE_SIZE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DRY_RUN_DESCRIPTION = (
    "true: check every row and save nothing (save later with POST /imports/{id}/save). "
    "false: save straight away; every row is judged the same way as in a check."
)


class ImportForm(Schema):
    profile: str = Field("", description="A saved column mapping, by name.")
    sheet: str = Field("", description="The sheet holding the list (default: found).")
    dry_run: bool = Field(True, description=DRY_RUN_DESCRIPTION)


class ImportQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


@router.post("/imports", response={202: ImportOut, **ERROR_RESPONSES})
def create_import(
    request: ApiRequest,
    file: File[UploadedFile],
    form: Form[ImportForm],
):
    """Upload a worker list (XLSX, XLS, ODS or CSV) and queue its check or its save.

    Refused with 422 when the file cannot be read or when no column was recognised for a
    field every row needs (NIK, name, village)."""
    job = _upload(request, file, profile=form.profile.strip(), sheet=form.sheet.strip())
    job = start_import_pass(actor=request.auth, job_id=job.pk, save=not form.dry_run)
    return Status(202, import_body(job))


def _upload(request: ApiRequest, file: UploadedFile, *, profile: str, sheet: str) -> ImportJob:
    profile_id = None
    if profile:
        found = import_profiles().filter(name=profile).first()
        if found is None:
            raise ValidationError(
                {"profile": [_("Import profile %(name)s does not exist.") % {"name": profile}]}
            )
        profile_id = found.pk
    try:
        job = upload_import(
            actor=request.auth,
            file=file,
            original_name=file.name or "upload",
            sheet=sheet or None,
            profile_id=profile_id,
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        # The file itself is at fault (empty, unreadable, no header row, unknown sheet).
        raise ValidationError({"file": [error.message]}) from error
    try:
        # The guessed mapping must name every field a row needs; the service says which
        # are missing.
        set_import_mapping(actor=request.auth, job_id=job.pk, mapping=job.mapping)
    except DomainError as error:
        delete_import(actor=request.auth, job_id=job.pk)
        raise ValidationError({"mapping": [error.message]}) from error
    return job


@router.get("/imports", response={200: ImportPage, **ERROR_RESPONSES})
def list_imports(request: ApiRequest, query: Query[ImportQuery]):
    """Your imports (every import for an administrator), newest first."""
    jobs = imports_for_user(request.auth)
    start = (query.page - 1) * query.page_size
    return {
        "count": jobs.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [import_body(job) for job in jobs[start : start + query.page_size]],
    }


@router.get("/imports/{import_id}", response={200: ImportOut, **ERROR_RESPONSES})
def get_import(request: ApiRequest, import_id: int):
    """An import's status, progress, counts and first rows of each outcome."""
    return import_body(get_import_for_user(request.auth, import_id))


@router.post("/imports/{import_id}/save", response={202: ImportOut, **ERROR_RESPONSES})
def save_import(request: ApiRequest, import_id: int):
    """Queue the save of a checked import, or resume a save that stopped part-way."""
    job = start_import_pass(actor=request.auth, job_id=import_id, save=True)
    return Status(202, import_body(job))


@router.get(
    "/imports/{import_id}/report",
    url_name="import_report",
    response={404: ERROR_RESPONSES[404], 401: ERROR_RESPONSES[401], 403: ERROR_RESPONSES[403]},
    openapi_extra={
        "responses": {
            200: {
                "description": "The sender's sheet with a Status and a Keterangan column.",
                "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_report(request: ApiRequest, import_id: int):
    """The row-by-row report (XLSX), once the check or the save has finished."""
    job = get_import_for_user(request.auth, import_id)
    path = report_path(job)
    if not job.report_name or not path.is_file():
        raise NotFound(_("The import report is not ready yet."))
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"laporan-impor-{job.pk}.xlsx",
        content_type=XLSX_TYPE,
    )
