"""Workers and sectors over the REST API: the same selectors and services as the pages.

Scope, permissions and validation live in those; an endpoint only translates between JSON
and their arguments. Failures are exceptions turned into answers by ``config/api.py``.
"""

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from lindung.accounts.api_auth import ApiRequest
from lindung.core.api_schemas import ERROR_RESPONSES, ErrorOut
from lindung.core.exceptions import DomainError
from lindung.core.pagination import CappedPaginator
from lindung.dedup.check import (
    CHECKED_FIELDS,
    DuplicateSuspected,
    PossibleDuplicate,
    possible_duplicates,
)
from lindung.regions.selectors import normalize_code
from lindung.registry.schemas import (
    CheckOut,
    DuplicateRefusalOut,
    SectorOut,
    StatusChangeIn,
    WorkerCheckIn,
    WorkerCreatedOut,
    WorkerDetailOut,
    WorkerIn,
    WorkerPage,
    WorkerPatch,
    worker_body,
)
from lindung.registry.selectors import (
    WorkerFilters,
    active_sectors,
    get_worker_for_user,
    is_broad_search,
    search_workers,
)
from lindung.registry.services import (
    IDENTITY_FIELDS,
    change_worker_status,
    record_identity_access,
    register_worker,
    update_worker,
)

router = Router(tags=["workers"])

MAX_PAGE_SIZE = 100
REVEAL_DESCRIPTION = (
    "Show full NIK, KK and phone numbers (needs the view_full_identity capability; the look is "
    "recorded in the audit trail)."
)


class WorkerQuery(Schema):
    q: str = Field("", description="Name words, or the start of a NIK, KK or source reference.")
    district: str = Field("", description="District code, with or without dots.")
    village: str = Field("", description="Village code, with or without dots.")
    sector: str = Field("", description="Sector code.")
    status: str = ""
    needs_verification: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)
    reveal: bool = Field(False, description=REVEAL_DESCRIPTION)

    def filters(self) -> WorkerFilters:
        return WorkerFilters(
            q=self.q, district=normalize_code(self.district) if self.district else "",
            village=normalize_code(self.village) if self.village else "",
            sector=self.sector, status=self.status, needs_verification=self.needs_verification,
        )  # fmt: skip


# A text search counts its matches up to this many (see CappedPaginator).
COUNT_CAP = 1000


@router.get("/workers", response={200: WorkerPage, **ERROR_RESPONSES})
def list_workers(request: ApiRequest, query: Query[WorkerQuery]):
    """Workers in your area matching the filters, in name order."""
    workers = search_workers(request.auth, query.filters())
    start = (query.page - 1) * query.page_size
    page = list(workers[start : start + query.page_size])
    broad = bool(query.q.strip()) and is_broad_search(query.q, more_than=COUNT_CAP)
    counter = CappedPaginator(workers, query.page_size, cap=COUNT_CAP) if broad else None
    if query.reveal:
        record_identity_access(
            actor=request.auth, worker_ids=[w.pk for w in page], fields=list(IDENTITY_FIELDS)
        )
    return {
        "count": counter.count if counter else workers.count(),
        "count_capped": bool(counter and counter.is_capped),
        "page": query.page,
        "page_size": query.page_size,
        "results": [worker_body(worker, full_identity=query.reveal) for worker in page],
    }


@router.post(
    "/workers",
    response={201: WorkerCreatedOut, **ERROR_RESPONSES, 409: DuplicateRefusalOut | ErrorOut},
)
def create_worker(request: ApiRequest, payload: WorkerIn):
    """Register a worker (and heirs) with status `registered`.

    The registry is searched for the same person first (as `POST /workers/check`). When a
    worker is almost surely the same person (level `duplicate`), the registration is refused
    with 409 and the candidates, unless `confirmed_not_duplicate` is true; the candidates
    found and the confirmation are recorded in the audit trail. Candidates below that level
    do not stop the registration and are returned in `possible_duplicates`."""
    try:
        worker = register_worker(
            actor=request.auth,
            data=payload.to_input(),
            check_duplicates=True,
            confirmed_not_duplicate=payload.confirmed_not_duplicate,
        )
    except DuplicateSuspected as error:
        return Status(409, {"detail": error.message, "candidates": _candidates(error.candidates)})
    # As saved: the birth date and sex may have come from the NIK.
    saved = {field: getattr(worker, field) for field in CHECKED_FIELDS}
    found = possible_duplicates(user=request.auth, values=saved, exclude_id=worker.pk)
    body = _detail(request, worker.pk, reveal=False)
    return Status(201, body | {"possible_duplicates": _candidates(found, exclude_id=worker.pk)})


@router.post("/workers/check", response={200: CheckOut, **ERROR_RESPONSES})
def check_worker(request: ApiRequest, payload: WorkerCheckIn):
    """Workers already in the registry who may be the person described, before registering
    (best first, at most five). Needs a NIK, or a full name with a birth date. Workers
    outside your area are found too but shown only by district, score and level."""
    if not payload.nik.strip() and not (payload.full_name.strip() and payload.birth_date):
        raise DomainError("Isi NIK, atau nama lengkap dengan tanggal lahir, untuk memeriksa.")
    found = possible_duplicates(user=request.auth, values=payload.check_values())
    return {"candidates": _candidates(found)}


def _candidates(found: list[PossibleDuplicate], *, exclude_id: int | None = None) -> list[dict]:
    return [candidate.as_dict() for candidate in found if candidate.worker_id != exclude_id]


@router.get("/workers/{worker_id}", response={200: WorkerDetailOut, **ERROR_RESPONSES})
def get_worker(
    request: ApiRequest,
    worker_id: int,
    reveal: bool = Query(False, description=REVEAL_DESCRIPTION),
):
    """One worker with heirs."""
    return _detail(request, worker_id, reveal=reveal)


@router.patch("/workers/{worker_id}", response={200: WorkerDetailOut, **ERROR_RESPONSES})
def patch_worker(request: ApiRequest, worker_id: int, payload: WorkerPatch):
    """Correct a worker. Refused with 409 if someone saved since `version`."""
    update_worker(
        actor=request.auth,
        worker_id=worker_id,
        expected_version=payload.version,
        changes=payload.changes(),
        heirs=payload.heir_inputs(),
    )
    return _detail(request, worker_id, reveal=False)


@router.post("/workers/{worker_id}/status", response={200: WorkerDetailOut, **ERROR_RESPONSES})
def set_worker_status(request: ApiRequest, worker_id: int, payload: StatusChangeIn):
    """Verify, reject, deactivate or reactivate a worker."""
    change_worker_status(
        actor=request.auth,
        worker_id=worker_id,
        expected_version=payload.version,
        to_status=payload.to_status,
        reason=payload.reason,
        note=payload.note,
    )
    return _detail(request, worker_id, reveal=False)


@router.get("/sectors", response=list[SectorOut], tags=["reference"])
def list_sectors(request: ApiRequest):
    """The sectors a worker can be registered in."""
    return active_sectors()


def _detail(request: ApiRequest, worker_id: int, *, reveal: bool) -> dict:
    worker = get_worker_for_user(request.auth, worker_id)
    if reveal:
        record_identity_access(
            actor=request.auth, worker_ids=[worker.pk], fields=[*IDENTITY_FIELDS, "heirs"]
        )
    return worker_body(worker, full_identity=reveal, with_heirs=True)
