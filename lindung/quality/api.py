"""The data-quality worklists over the REST API: the same selectors as the page."""

from typing import Any

from ninja import Field, Query, Router, Schema

from lindung.accounts.api_auth import ApiRequest
from lindung.core.api_schemas import ERROR_RESPONSES
from lindung.core.pagination import CappedPaginator
from lindung.quality.selectors import WorklistCounts, quality_summary, worklist_workers
from lindung.regions.models import Region
from lindung.regions.selectors import normalize_code
from lindung.registry.schemas import WorkerPage, worker_body

router = Router(tags=["data quality"])

MAX_PAGE_SIZE = 100
# A list counts its workers up to this many (see CappedPaginator); the counts endpoint has
# the exact numbers.
COUNT_CAP = 1000


class AreaCountOut(Schema):
    code: str
    name: str
    count: int


class WorklistOut(Schema):
    code: str
    title: str = Field(description="In the language of the request.")
    title_id: str = Field(description="In Indonesian, as in exported files.")
    explanation: str = Field(description="Why it matters and how to fix it.")
    total: int
    by_area: list[AreaCountOut] = Field(
        description="Per district for regency-wide users, per village for the others."
    )


class QualityOut(Schema):
    area_level: str = Field(description="`district` or `village`: what `by_area` counts by.")
    worklists: list[WorklistOut]


class WorklistQuery(Schema):
    district: str = Field("", description="District code, with or without dots.")
    village: str = Field("", description="Village code, with or without dots.")
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


@router.get("", response={200: QualityOut, **ERROR_RESPONSES})
def worklist_counts(request: ApiRequest):
    """How many workers of your area are on each data-quality worklist."""
    summary = quality_summary(request.auth)
    return {
        "area_level": "village" if summary.level == Region.Level.VILLAGE else "district",
        "worklists": [_counts_body(counts, summary.areas) for counts in summary.worklists],
    }


@router.get("/{code}", response={200: WorkerPage, **ERROR_RESPONSES})
def worklist_page(request: ApiRequest, code: str, query: Query[WorklistQuery]):
    """The workers of one worklist in your area, in the list's order; numbers masked."""
    workers = worklist_workers(
        request.auth,
        code,
        district=normalize_code(query.district) if query.district else "",
        village=normalize_code(query.village) if query.village else "",
    )
    start = (query.page - 1) * query.page_size
    page = list(workers[start : start + query.page_size])
    counter = CappedPaginator(workers, query.page_size, cap=COUNT_CAP)
    return {
        "count": counter.count,
        "count_capped": counter.is_capped,
        "page": query.page,
        "page_size": query.page_size,
        "results": [worker_body(worker) for worker in page],
    }


def _counts_body(counts: WorklistCounts, areas: list[Region]) -> dict[str, Any]:
    worklist = counts.worklist
    return {
        "code": worklist.code,
        "title": str(worklist.title),
        "title_id": worklist.title_id,
        "explanation": worklist.explanation_text(),
        "total": counts.total,
        "by_area": [
            {"code": area.code, "name": area.name, "count": counts.by_area.get(area.code, 0)}
            for area in areas
        ],
    }
