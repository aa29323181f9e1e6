"""The data-quality page, one worklist to work through, and its export."""

import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from lindung.accounts.permissions import Capability
from lindung.core.pagination import CappedPaginator
from lindung.quality.forms import AreaFilterForm
from lindung.quality.selectors import get_worklist, quality_summary, worklist_workers
from lindung.regions.models import Region
from lindung.registry import exports
from lindung.registry.services import record_worker_export
from lindung.registry.views.common import require_page, worker_page

PAGE_SIZE = 25
# Past this many workers a list says "more than" and asks for a district or village; the
# overview has the exact counts.
COUNT_CAP = 1000


@worker_page
def overview(request):
    require_page(request, Capability.VIEW_AGGREGATES)
    summary = quality_summary(request.user)
    return render(
        request,
        "quality/overview.html",
        {
            "summary": summary,
            "by_village": summary.level == Region.Level.VILLAGE,
            "today": timezone.localdate(),
        },
    )


@worker_page
def worklist(request, code: str):
    require_page(request, Capability.VIEW_WORKERS)
    worklist = get_worklist(code)
    form = AreaFilterForm(request.GET, user=request.user)
    area = form.area()
    workers = worklist_workers(request.user, code, district=area.district, village=area.village)
    paginator = CappedPaginator(workers, PAGE_SIZE, cap=COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "quality/worklist.html",
        {
            "worklist": worklist,
            "form": form,
            "area": area,
            "page": page,
            "export_query": params.urlencode(),
        },
    )


@worker_page
def worklist_export(request, code: str, file_format: str):
    """The list as a file, masked whatever the role: it is for working through, not for
    identity checks (those go through the worker's page, where a look is audited)."""
    require_page(request, Capability.EXPORT_WORKERS)
    worklist = get_worklist(code)
    area = AreaFilterForm(request.GET, user=request.user).area()
    workers = worklist_workers(request.user, code, district=area.district, village=area.village)
    filename = f"periksa-{worklist.code.replace('_', '-')}-{timezone.localdate():%Y%m%d}"
    audit = {
        "actor": request.user,
        "filters": {"worklist": worklist.code} | area.as_dict(),
        "file_format": file_format,
        "full_identity": False,
    }
    rows = exports.export_rows(workers, full_identity=False)
    if file_format == "csv":
        # Recorded before the first byte leaves: a download cut short was still an export.
        record_worker_export(row_count=workers.count(), **audit)
        response = StreamingHttpResponse(
            exports.csv_lines(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
    record_worker_export(row_count=exports.write_xlsx(rows, target), **audit)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
