"""The worker list (search-as-you-type, filters, pages) and its CSV/XLSX export."""

import tempfile

from django.core.paginator import Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from lindung.accounts.permissions import Capability, has_capability
from lindung.core.pagination import CappedPaginator
from lindung.registry import exports
from lindung.registry.forms import WorkerFilterForm
from lindung.registry.selectors import is_broad_search, search_workers
from lindung.registry.services import record_worker_export
from lindung.registry.views.common import require_page, wants_partial, worker_page

PAGE_SIZE = 25
# A search matching more workers than this shows 'more than' instead of a count.
COUNT_CAP = 1000


@worker_page
def worker_list(request):
    require_page(request, Capability.VIEW_WORKERS)
    form = WorkerFilterForm(request.GET, user=request.user)
    filters = form.filters()
    workers = search_workers(request.user, filters)
    broad = bool(filters.q.strip()) and is_broad_search(filters.q, more_than=COUNT_CAP)
    paginator = (
        CappedPaginator(workers, PAGE_SIZE, cap=COUNT_CAP)
        if broad
        else Paginator(workers, PAGE_SIZE)
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "export_query": _export_query(request),
    }
    if wants_partial(request):
        # A new district changes which villages can be chosen: send the select along.
        context["village_select_oob"] = request.htmx.trigger_name == "district"
        response = render(request, "registry/partials/worker_results.html", context)
    else:
        response = render(request, "registry/worker_list.html", context)
    # The same URL answers with a fragment or a page; caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _export_query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@worker_page
def worker_export(request, file_format: str):
    require_page(request, Capability.EXPORT_WORKERS)
    filters = WorkerFilterForm(request.GET, user=request.user).filters()
    full_identity = request.GET.get("full") == "1" and has_capability(
        request.user, Capability.VIEW_FULL_IDENTITY
    )
    workers = search_workers(request.user, filters)
    filename = f"pekerja-{timezone.localdate():%Y%m%d}.{file_format}"
    audit = {
        "actor": request.user,
        "filters": filters.as_dict(),
        "file_format": file_format,
        "full_identity": full_identity,
    }
    if file_format == "csv":
        # Recorded before the first byte leaves: a download cut short was still an export.
        record_worker_export(row_count=workers.count(), **audit)
        response = StreamingHttpResponse(
            exports.csv_lines(exports.export_rows(workers, full_identity=full_identity)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
    row_count = exports.write_xlsx(
        exports.export_rows(workers, full_identity=full_identity), target
    )
    record_worker_export(row_count=row_count, **audit)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
