"""The import pages: upload a list, choose what each column means, check, save, report.

A job's state lives in its own row, so an operator can leave a running check or save and
come back to the same page; while it runs, the page polls a small progress fragment.
"""

import datetime as dt
import re
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts.permissions import Capability
from lindung.core.exceptions import DomainError, NotFound, PermissionDenied
from lindung.core.formatting import format_number, mask_identity_number
from lindung.imports.forms import FIELD_LABELS, MappingForm, UploadForm, column_letter
from lindung.imports.models import ImportJob, ImportStatus
from lindung.imports.selectors import get_import_for_user, imports_for_user, sample_rows
from lindung.imports.services import (
    PLACE_FIELDS,
    REQUIRED_FIELDS,
    choose_import_sheet,
    delete_import,
    set_import_mapping,
    start_import_pass,
    upload_import,
)
from lindung.imports.storage import report_path
from lindung.imports.template_file import build_import_template
from lindung.registry.views.common import require_page, worker_page

JOBS_PER_PAGE = 25
SAMPLE_ROWS = 3
# A number this long is a NIK, a KK or a phone number (dates and money are shorter).
MASKED_DIGITS = 10
_NUMBER_NOISE = re.compile(r"[\s.\-+'()]")
# Outcomes in the order the preview shows them: what needs attention first.
OUTCOMES = (
    ("rejected", gettext_lazy("Refused")),
    ("created", gettext_lazy("New")),
    ("updated", gettext_lazy("Updated")),
    ("unchanged", gettext_lazy("Unchanged")),
)


@worker_page
def import_list(request):
    require_page(request, Capability.EDIT_WORKERS)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        profile = form.cleaned_data["profile"]
        try:
            job = upload_import(
                actor=request.user,
                file=upload,
                original_name=upload.name,
                sheet=form.cleaned_data["sheet"] or None,
                profile_id=profile.pk if profile else None,
            )
        except (NotFound, PermissionDenied):  # 404 and 403, answered by worker_page
            raise
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("imports:mapping", job_id=job.pk)
    page = Paginator(imports_for_user(request.user), JOBS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = {"rows": _("Rows")} | {code: label for code, label in OUTCOMES}
    return render(
        request, "imports/import_list.html", {"form": form, "page": page, "labels": labels}
    )


@worker_page
def import_job(request, job_id: int):
    """The one page of a job: its mapping, progress, preview or result, by its status."""
    require_page(request, Capability.EDIT_WORKERS)
    job = get_import_for_user(request.user, job_id)
    form = MappingForm(job, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            set_import_mapping(
                actor=request.user,
                job_id=job.pk,
                mapping=form.mapping(),
                profile_name=form.cleaned_data["profile_name"],
            )
            if "check" in request.POST:
                start_import_pass(actor=request.user, job_id=job.pk, save=False)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as error:
            if not _mapping_editable(job):  # the form is not on the page: say it above
                messages.error(request, error.message)
                return redirect("imports:mapping", job_id=job.pk)
            form.add_error(None, error.message)
        else:
            if "check" not in request.POST:
                messages.success(request, _("The mapping is saved."))
            return redirect("imports:mapping", job_id=job.pk)
    return _render_job(request, job, form)


def _render_job(request, job: ImportJob, form: MappingForm):
    editable = _mapping_editable(job)
    return render(
        request,
        "imports/import_job.html",
        {
            "job": job,
            "form": form,
            "columns": _columns(job, form) if editable else [],
            "mapping_editable": editable,
            "mapping_open": editable
            and (job.status != ImportStatus.CHECKED or form.is_bound or "mapping" in request.GET),
            "outcomes": _outcomes(job),
            "required_labels": [FIELD_LABELS[name] for name in REQUIRED_FIELDS],
            "place_labels": [FIELD_LABELS[name] for name in PLACE_FIELDS],
            "report_ready": _report_ready(job),
        },
    )


def _mapping_editable(job: ImportJob) -> bool:
    # Once part of the file is saved, the mapping that saved it stays.
    allowed = (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED)
    return job.status in allowed and not job.saved_through_row


def _columns(job: ImportJob, form: MappingForm) -> list[dict]:
    """Per column of the file: its letter, header, a few example values and its select."""
    samples = sample_rows(job, SAMPLE_ROWS)
    return [
        {
            "letter": column_letter(index),
            "header": header,
            "samples": [_shown(row[index]) for row in samples if index < len(row)],
            "field": field,
        }
        for index, (header, field) in enumerate(zip(job.headers, form.column_fields(), strict=True))
    ]


def _shown(value) -> str:
    """A cell as the example column shows it; anything that looks like a NIK, KK or phone
    number is masked, whatever column it is in."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    digits = _NUMBER_NOISE.sub("", text)
    if digits.isdigit() and len(digits) >= MASKED_DIGITS:
        return mask_identity_number(digits)
    return text[:60]


def _outcomes(job: ImportJob) -> list[dict]:
    preview = job.preview or {}
    outcomes = []
    for code, label in OUTCOMES:
        rows = preview.get(code, [])
        # Once saved, only the refused rows still ask for something.
        shown = rows if job.status != ImportStatus.DONE or code == "rejected" else []
        outcomes.append(
            {
                "code": code,
                "label": label,
                "count": getattr(job, code),
                "rows": shown,
                "has_notes": any(row.get("message") for row in shown),
            }
        )
    return outcomes


def _report_ready(job: ImportJob) -> bool:
    return bool(job.report_name) and not job.is_running and report_path(job).is_file()


@worker_page
@require_GET
def import_progress(request, job_id: int):
    """The polled fragment. When the pass has finished, htmx reloads the whole page, which
    then shows the preview or the result."""
    require_page(request, Capability.EDIT_WORKERS)
    job = get_import_for_user(request.user, job_id)
    if not request.htmx:
        return redirect("imports:mapping", job_id=job.pk)
    if not job.is_running:
        return HttpResponse(headers={"HX-Refresh": "true"})
    return render(request, "imports/_progress.html", {"job": job, "outcomes": _outcomes(job)})


@worker_page
@require_POST
def import_save(request, job_id: int):
    """Save a checked file to the registry, or resume a save that stopped part-way."""
    require_page(request, Capability.EDIT_WORKERS)
    job = get_import_for_user(request.user, job_id)
    try:
        start_import_pass(actor=request.user, job_id=job.pk, save=True)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("imports:mapping", job_id=job.pk)


@worker_page
@require_POST
def import_sheet(request, job_id: int):
    """Read another sheet of the workbook; its columns are then mapped afresh."""
    require_page(request, Capability.EDIT_WORKERS)
    job = get_import_for_user(request.user, job_id)
    try:
        job = choose_import_sheet(
            actor=request.user, job_id=job.pk, sheet=request.POST.get("sheet", "")
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Sheet %(sheet)s is read: %(rows)s rows. Check what each column means.")
            % {"sheet": job.sheet, "rows": format_number(job.total_rows)},
        )
    return redirect("imports:mapping", job_id=job.pk)


@worker_page
@require_POST
def import_delete(request, job_id: int):
    require_page(request, Capability.EDIT_WORKERS)
    job = get_import_for_user(request.user, job_id)
    try:
        delete_import(actor=request.user, job_id=job.pk)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("imports:mapping", job_id=job.pk)
    messages.success(request, _("The import of %(file)s is deleted.") % {"file": job.original_name})
    return redirect("imports:list")


@worker_page
@require_GET
def import_report(request, job_id: int):
    """The sender's sheet with a status and a reason on every row."""
    require_page(request, Capability.EDIT_WORKERS)
    job = get_import_for_user(request.user, job_id)
    if not _report_ready(job):
        raise Http404(_("The report is not ready yet."))
    return FileResponse(
        report_path(job).open("rb"),
        as_attachment=True,
        filename=f"laporan-{Path(job.original_name).stem}.xlsx",
    )


@worker_page
@require_GET
def import_template(request):
    require_page(request, Capability.EDIT_WORKERS)
    response = HttpResponse(
        build_import_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-impor-pekerja.xlsx"'
    return response
