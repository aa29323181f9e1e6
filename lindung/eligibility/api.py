"""Eligibility over the REST API: the summary of the latest run, its decisions worker by
worker, and running the rules. The same selectors and services as the pages.

Running the rules answers 202 with a job; the run goes on in the background and the client
follows the job until it is ``done`` (then ``run_id`` names the stored run) or ``failed``.
"""

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from lindung.accounts.api_auth import ApiRequest
from lindung.core.api_schemas import ERROR_RESPONSES
from lindung.core.exceptions import NotFound
from lindung.core.formatting import mask_identity_number
from lindung.eligibility.jobs import ALREADY_REQUESTED, request_eligibility_run
from lindung.eligibility.models import EligibilityDecision, EligibilityJob, EligibilityRun
from lindung.eligibility.reasons import codes_of
from lindung.eligibility.selectors import (
    DecisionFilters,
    cut_text,
    decision_text,
    get_job_for_user,
    get_run_for_user,
    latest_run,
    run_counts,
    search_decisions,
    version_in_effect,
    visible_cut,
)
from lindung.programs.selectors import get_program_for_user
from lindung.regions.selectors import normalize_code

router = Router(tags=["eligibility"])

MAX_PAGE_SIZE = 100


class RulesOut(Schema):
    number: int
    effective_from: dt.date | None
    min_age: int
    max_age: int
    max_welfare_decile: int | None
    sector_codes: list[str]
    income_limit: str
    income_limit_amount: int | None
    require_residence: bool
    exclude_active_elsewhere: bool
    district_quotas: dict[str, int]
    sector_risk_order: list[str]


class CountOut(Schema):
    key: str
    label: str
    workers: int
    eligible: int
    not_eligible: int
    within_cut: int


class RunOut(Schema):
    id: int
    rule_version: int
    reference_date: dt.date
    income_limit: int | None
    started_at: dt.datetime
    workers: int = Field(description="Workers in your area.")
    eligible: int
    not_eligible: int
    within_cut: int
    by_district: list[CountOut]
    by_sector: list[CountOut]
    by_reason: dict[str, int] = Field(description="Workers not eligible for each reason.")
    cut: dict = Field(description="Quotas used; members the budget pays for, per funder.")


class SummaryOut(Schema):
    program_id: int
    rules_in_effect: RulesOut | None
    latest_run: RunOut | None


class DecisionOut(Schema):
    worker_id: int
    full_name: str
    nik: str = Field(description="Masked.")
    district_code: str
    village_code: str
    sector: str
    eligible: bool
    reasons: list[str]
    decision: str = Field(description='In Indonesian, e.g. "tidak memenuhi: umur 67 tahun".')
    age: int | None
    welfare_decile: int | None
    monthly_income: int | None
    decile_waived: bool
    priority: int | None
    within_cut: bool
    cut: str


class DecisionPage(Schema):
    run_id: int
    count: int
    page: int
    page_size: int
    results: list[DecisionOut]


class DecisionQuery(Schema):
    run: int | None = Field(None, description="A run's id; the latest run by default.")
    district: str = ""
    sector: str = ""
    eligible: bool | None = None
    reason: str = Field("", description="A reason code, e.g. age_above or decile_unknown.")
    cut: str = Field("", description="inside, outside, quota or budget.")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class RunIn(Schema):
    apply: bool = Field(
        True,
        description="Store the decisions; false only evaluates them: the job then gives the "
        "counts and the change against the stored decisions, and stores nothing.",
    )
    on: dt.date | None = Field(None, description="Reference date; today by default.")


class ImpactOut(Schema):
    eligible_before: int
    eligible_after: int
    gained: int
    lost: int


class JobCountsOut(Schema):
    workers: int
    eligible: int
    not_eligible: int
    within_cut: int


class JobOut(Schema):
    id: int
    program_id: int
    status: str = Field(json_schema_extra={"enum": list(EligibilityJob.Status.values)})
    status_label: str
    apply: bool
    reference_date: dt.date
    requested_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    run_id: int | None = Field(description="The stored run, once a job with apply is done.")
    counts: JobCountsOut | None = Field(description="Over the whole registry, once done.")
    impact: ImpactOut | None = Field(
        description="Eligible workers against the run stored before, once done."
    )
    error: str = Field(description="Why the run failed, in Indonesian; nothing was stored.")


class JobRequestOut(JobOut):
    created: bool = Field(
        description="False when a run of the programme was already queued or running: that "
        "job is returned and no second run is made."
    )
    message: str = Field(description="In Indonesian, when no new job was made.")


@router.get("/programs/{program_id}/eligibility", response={200: SummaryOut, **ERROR_RESPONSES})
def eligibility_summary(request: ApiRequest, program_id: int):
    """The rules in effect and the counts of the latest run, within your area."""
    program = get_program_for_user(request.auth, program_id)
    version = version_in_effect(program, on=timezone.localdate())
    run = latest_run(program)
    return {
        "program_id": program.pk,
        "rules_in_effect": _rules_body(version) if version else None,
        "latest_run": _run_body(request, run) if run else None,
    }


@router.get(
    "/programs/{program_id}/eligibility/workers",
    response={200: DecisionPage, **ERROR_RESPONSES},
)
def eligibility_workers(request: ApiRequest, program_id: int, query: Query[DecisionQuery]):
    """Decisions about the workers of your area, eligible ones in priority order."""
    program = get_program_for_user(request.auth, program_id)
    run = get_run_for_user(request.auth, program, query.run) if query.run else latest_run(program)
    if run is None:
        raise NotFound("Aturan kelayakan program ini belum pernah dijalankan.")
    filters = DecisionFilters(
        district=normalize_code(query.district) if query.district else "",
        sector=query.sector,
        eligible=query.eligible,
        reason=query.reason,
        cut=query.cut,
    )
    decisions = search_decisions(request.auth, run, filters)
    start = (query.page - 1) * query.page_size
    page = list(decisions[start : start + query.page_size])
    return {
        "run_id": run.pk,
        "count": decisions.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [_decision_body(decision, run) for decision in page],
    }


@router.post(
    "/programs/{program_id}/eligibility/run", response={202: JobRequestOut, **ERROR_RESPONSES}
)
def run_eligibility(request: ApiRequest, program_id: int, payload: RunIn):
    """Queue a run of the rules in effect over the whole registry (administrators); follow
    it with GET .../eligibility/jobs/{job_id}. One run of a programme at a time: while one
    is queued or running, asking for the same run returns that job, and asking for another
    (a dry run, another reference date) is refused with 400."""
    requested = request_eligibility_run(
        actor=request.auth, program_id=program_id, on=payload.on, apply=payload.apply
    )
    return Status(
        202,
        {
            **_job_body(requested.job),
            "created": requested.created,
            "message": "" if requested.created else ALREADY_REQUESTED,
        },
    )


@router.get(
    "/programs/{program_id}/eligibility/jobs/{job_id}", response={200: JobOut, **ERROR_RESPONSES}
)
def eligibility_job(request: ApiRequest, program_id: int, job_id: int):
    """A requested run: its status and, once done, its counts and the stored run's id."""
    program = get_program_for_user(request.auth, program_id)
    return _job_body(get_job_for_user(request.auth, program, job_id))


def _job_body(job: EligibilityJob) -> dict:
    done = job.status == EligibilityJob.Status.DONE
    return {
        "id": job.pk,
        "program_id": job.program_id,
        "status": job.status,
        "status_label": str(EligibilityJob.Status(job.status).label),
        "apply": job.apply,
        "reference_date": job.reference_date,
        "requested_at": job.requested_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "run_id": job.run_id,
        "counts": job.counts if done else None,
        "impact": job.impact if done else None,
        "error": job.error,
    }


def _rules_body(version) -> dict:
    return {name: getattr(version, name) for name in RulesOut.model_fields}


def _run_body(request: ApiRequest, run: EligibilityRun) -> dict:
    counts = run_counts(request.auth, run)
    return {
        "id": run.pk,
        "rule_version": run.rule_version.number,
        "reference_date": run.reference_date,
        "income_limit": run.umk,
        "started_at": run.started_at,
        "workers": counts.workers,
        "eligible": counts.eligible,
        "not_eligible": counts.not_eligible,
        "within_cut": counts.within_cut,
        "by_district": [_count_body(row) for row in counts.by_district],
        "by_sector": [_count_body(row) for row in counts.by_sector],
        "by_reason": counts.by_reason,
        "cut": visible_cut(request.auth, run),
    }


def _count_body(row) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "workers": row.workers,
        "eligible": row.eligible,
        "not_eligible": row.not_eligible,
        "within_cut": row.within_cut,
    }


def _decision_body(decision: EligibilityDecision, run: EligibilityRun) -> dict:
    return {
        "worker_id": decision.worker_id,
        "full_name": decision.worker.full_name,
        "nik": mask_identity_number(decision.worker.nik),
        "district_code": decision.district_id,
        "village_code": decision.village_id,
        "sector": decision.sector.code,
        "eligible": decision.eligible,
        "reasons": codes_of(decision.reasons),
        "decision": decision_text(decision, run),
        "age": decision.age,
        "welfare_decile": decision.welfare_decile,
        "monthly_income": decision.monthly_income,
        "decile_waived": decision.decile_waived,
        "priority": decision.priority,
        "within_cut": decision.within_cut,
        "cut": cut_text(decision),
    }
