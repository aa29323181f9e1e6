"""Pages of the files exchanged with BPJS: registration batches (export, download) and the
files BPJS sends back (upload, what each did, the rows that matched nothing)."""

import csv
import io

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lindung.accounts.permissions import Capability, has_capability
from lindung.core.exceptions import DomainError, NotFound, PermissionDenied
from lindung.enrolment.bpjs_files import saved_upload
from lindung.enrolment.exchange_export import (
    DEFAULT_COLUMNS,
    export_registration_batch,
    open_batch_file,
)
from lindung.enrolment.exchange_import import (
    import_bpjs_answer,
    import_bpjs_participants,
    open_unmatched_report,
)
from lindung.enrolment.forms import BatchForm, BpjsFileForm
from lindung.enrolment.models import EnrolmentStatus
from lindung.enrolment.selectors import (
    batches_for_user,
    bpjs_imports_for_user,
    get_batch_for_user,
    get_bpjs_import_for_user,
)
from lindung.registry.views.common import require_page, worker_page


@worker_page
def batch_list(request):
    require_page(request, Capability.VIEW_WORKERS)
    can_export = has_capability(request.user, Capability.EXPORT_WORKERS) and has_capability(
        request.user, Capability.VIEW_FULL_IDENTITY
    )
    form = BatchForm(request.POST or None)
    if request.method == "POST":
        require_page(request, Capability.EXPORT_WORKERS)
        if form.is_valid():
            try:
                exported = export_registration_batch(
                    actor=request.user,
                    program=form.cleaned_data["program"],
                    file_format=form.cleaned_data["file_format"],
                )
            except (NotFound, PermissionDenied):
                raise
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("Batch %(batch)s written: %(rows)s workers submitted to BPJS.")
                    % {"batch": exported.batch, "rows": exported.batch.row_count},
                )
                return redirect("enrolment:batch_detail", batch_id=exported.batch.pk)
    return render(
        request,
        "enrolment/batch_list.html",
        {
            "batches": batches_for_user(request.user)[:100],
            "form": form if can_export else None,
            "default_columns": DEFAULT_COLUMNS,
        },
    )


@worker_page
def batch_detail(request, batch_id: int):
    require_page(request, Capability.VIEW_WORKERS)
    batch = get_batch_for_user(request.user, batch_id)
    return render(
        request,
        "enrolment/batch_detail.html",
        {
            "batch": batch,
            "counts": _status_counts(batch),
            "can_download": has_capability(request.user, Capability.VIEW_FULL_IDENTITY)
            and has_capability(request.user, Capability.EXPORT_WORKERS),
        },
    )


def _status_counts(batch) -> dict[str, int]:
    rows = batch.enrolments.values_list("status").annotate(n=Count("id")).order_by("status")
    return {str(EnrolmentStatus(status).label): count for status, count in rows}


@worker_page
def batch_file(request, batch_id: int):
    batch, path = open_batch_file(actor=request.user, batch_id=batch_id)
    return FileResponse(path.open("rb"), as_attachment=True, filename=batch.file_name)


@worker_page
def bpjs_files(request):
    """Upload a BPJS answer or participant list; the files received so far."""
    require_page(request, Capability.VIEW_WORKERS)
    form = BpjsFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require_page(request, Capability.EXPORT_WORKERS)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                with saved_upload(upload) as path:
                    record = _import(request.user, form.cleaned_data, path, upload.name)
            except (NotFound, PermissionDenied):
                raise
            except DomainError as refusal:
                form.add_error("file", refusal.message)
            else:
                return redirect("enrolment:bpjs_file_detail", file_id=record.pk)
    return render(
        request,
        "enrolment/bpjs_files.html",
        {
            "form": form if has_capability(request.user, Capability.EXPORT_WORKERS) else None,
            "imports": bpjs_imports_for_user(request.user)[:100],
        },
    )


def _import(user, data, path, name):
    if data["kind"] == "participants":
        return import_bpjs_participants(
            actor=user, path=path, as_of=data["as_of"], original_name=name
        )
    return import_bpjs_answer(actor=user, path=path, original_name=name)


@worker_page
def bpjs_file_detail(request, file_id: int):
    require_page(request, Capability.VIEW_WORKERS)
    record = get_bpjs_import_for_user(request.user, file_id)
    return render(request, "enrolment/bpjs_file_detail.html", {"record": record})


@worker_page
def bpjs_file_report(request, file_id: int):
    """The rows that matched nothing, as CSV, to send back or correct."""
    record = open_unmatched_report(actor=request.user, file_id=file_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Baris", "NIK", "KPJ", "Alasan"])
    for row in record.unmatched:
        writer.writerow([row["row"], row["nik"], row["kpj"], row["reason"]])
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="tidak-cocok-{record.pk}.csv"'
    return response
