"""Duplicate cases over the REST API: the same selectors and services as the pages.

Workers outside the caller's area appear only by id and "another district"; NIK, KK and
phone numbers are masked, as everywhere in the API.
"""

import datetime as dt
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from lindung.accounts.api_auth import ApiRequest
from lindung.core.api_schemas import ERROR_RESPONSES
from lindung.core.exceptions import DomainError
from lindung.dedup.comparison import differing_fields, evidence_lines
from lindung.dedup.models import CaseStatus, Level
from lindung.dedup.selectors import (
    CaseDetail,
    CaseFilters,
    case_detail,
    get_case_for_user,
    queue_rows,
    search_cases,
)
from lindung.dedup.services import (
    merge_workers,
    resolve_as_different,
    separate_worker,
    undo_merge,
)
from lindung.regions.selectors import normalize_code
from lindung.registry.schemas import worker_body

router = Router(tags=["duplicates"])

MAX_PAGE_SIZE = 100


class CaseQuery(Schema):
    district: str = Field("", description="District code, with or without dots.")
    level: str = Field("", json_schema_extra={"enum": Level.values})
    status: str = Field(
        CaseStatus.OPEN.value,
        description="Empty for every status.",
        json_schema_extra={"enum": CaseStatus.values},
    )
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)

    def filters(self) -> CaseFilters:
        return CaseFilters(
            district=normalize_code(self.district) if self.district else "",
            level=self.level,
            status=self.status,
        )


class CaseOut(Schema):
    id: int
    status: str
    level: str
    best_weight: float
    best_probability: float
    district_code: str
    district_name: str
    worker_count: int
    worker_names: list[str] = Field(description="The workers in your area.")
    workers_elsewhere: int = Field(description="Workers of the case in another district.")
    created_at: dt.datetime


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CaseOut]


class EvidenceOut(Schema):
    field: str
    level: str
    weight: float = Field(description="Positive: evidence for the same person; negative: against.")


class PairOut(Schema):
    left_id: int
    right_id: int
    match_weight: float
    probability: float
    level: str
    evidence: list[EvidenceOut]


class RecordOut(Schema):
    worker_id: int
    in_scope: bool
    district_name: str
    worker: dict | None = Field(
        description="The worker as `GET /workers/{id}` shows it (masked); null when the "
        "worker lies in another district."
    )


class DecisionOut(Schema):
    kind: str
    reason: str
    decided_by: str
    decided_at: dt.datetime


class CaseDetailOut(CaseOut):
    records: list[RecordOut]
    differing_fields: list[str]
    pairs: list[PairOut]
    decisions: list[DecisionOut]
    merge_survivor_id: int | None
    can_resolve: bool


class ResolveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["same_person", "different_people", "separate_record"]
    reason: str = Field(description="Required; recorded in the audit trail.")
    survivor_id: int | None = Field(None, description="For `same_person`: the record that stays.")
    worker_id: int | None = Field(
        None,
        description="For `separate_record`: the record that is someone else; it leaves the "
        "case, the others stay open.",
    )
    field_choices: dict[str, int] = Field(
        default_factory=dict,
        description="For `same_person`: field → id of the record whose value the survivor "
        "keeps; fields left out keep the survivor's own value.",
    )
    versions: dict[int, int] | None = Field(
        None,
        description="Worker id → the version you compared; a record changed since is refused "
        "with 409.",
    )


@router.get("", response={200: CasePage, **ERROR_RESPONSES})
def list_cases(request: ApiRequest, query: Query[CaseQuery]):
    """Duplicate cases with a worker in your area, the strongest first."""
    cases = search_cases(request.auth, query.filters())
    start = (query.page - 1) * query.page_size
    page = list(cases[start : start + query.page_size])
    return {
        "count": cases.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [_case_body(row) for row in queue_rows(request.auth, page)],
    }


@router.get("/{case_id}", response={200: CaseDetailOut, **ERROR_RESPONSES})
def get_case(request: ApiRequest, case_id: int):
    """One case: its records side by side, the evidence, and the decisions so far."""
    return _detail_body(request, case_id)


@router.post("/{case_id}/resolve", response={200: CaseDetailOut, **ERROR_RESPONSES})
def resolve_case(request: ApiRequest, case_id: int, payload: ResolveIn):
    """Decide a case: `same_person` merges the records into `survivor_id`;
    `different_people` keeps them apart until one of them changes; `separate_record` takes
    `worker_id` out of a cluster of three or more."""
    case = get_case_for_user(request.auth, case_id)
    if payload.decision == "different_people":
        resolve_as_different(
            user=request.auth, case=case, reason=payload.reason, expected_versions=payload.versions
        )
    elif payload.decision == "separate_record":
        if payload.worker_id is None:
            raise DomainError(_("Choose the record that is someone else (worker_id)."))
        separate_worker(
            user=request.auth,
            case=case,
            worker_id=payload.worker_id,
            reason=payload.reason,
            expected_versions=payload.versions,
        )
    else:
        if payload.survivor_id is None:
            raise DomainError(_("Choose the record that stays (survivor_id)."))
        merge_workers(
            user=request.auth,
            case=case,
            survivor_id=payload.survivor_id,
            field_choices=payload.field_choices,
            reason=payload.reason,
            expected_versions=payload.versions,
        )
    return _detail_body(request, case_id)


class UndoIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="Required; recorded in the audit trail.")


@router.post("/{case_id}/undo", response={200: CaseDetailOut, **ERROR_RESPONSES})
def undo_case_merge(request: ApiRequest, case_id: int, payload: UndoIn):
    """Undo the merge of a merged case; the case is open again. Refused with 409 when a
    record changed after the merge."""
    case = get_case_for_user(request.auth, case_id)
    merge = case_detail(request.auth, case).merge
    if merge is None:
        raise DomainError(_("This case has no merge to undo."))
    undo_merge(user=request.auth, merge=merge, reason=payload.reason)
    return _detail_body(request, case_id)


def _case_body(row) -> dict:
    case = row.case
    return {
        "id": case.pk,
        "status": case.status,
        "level": case.level,
        "best_weight": case.best_weight,
        "best_probability": case.best_probability,
        "district_code": case.district_id,
        "district_name": case.district.name,
        "worker_count": case.worker_count,
        "worker_names": row.names,
        "workers_elsewhere": row.elsewhere,
        "created_at": case.created_at,
    }


def _detail_body(request: ApiRequest, case_id: int) -> dict:
    case = get_case_for_user(request.auth, case_id)
    detail: CaseDetail = case_detail(request.auth, case)
    (row,) = queue_rows(request.auth, [case])
    return _case_body(row) | {
        "records": [
            {
                "worker_id": record.worker_id,
                "in_scope": record.in_scope,
                "district_name": record.district_name,
                "worker": worker_body(record.worker) if record.worker is not None else None,
            }
            for record in detail.records
        ],
        "differing_fields": differing_fields(detail.records),
        "pairs": [
            {
                "left_id": pair.left_id,
                "right_id": pair.right_id,
                "match_weight": pair.match_weight,
                "probability": pair.probability,
                "level": pair.level,
                "evidence": [
                    {"field": line.field, "level": line.level, "weight": line.weight}
                    for line in evidence_lines(pair)
                ],
            }
            for pair in detail.pairs
        ],
        "decisions": [
            {
                "kind": decision.kind,
                "reason": decision.reason,
                "decided_by": decision.decided_by.username,
                "decided_at": decision.decided_at,
            }
            for decision in detail.decisions
        ],
        "merge_survivor_id": detail.merge.survivor_id if detail.merge else None,
        "can_resolve": detail.can_resolve,
    }
