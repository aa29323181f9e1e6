"""Every read of eligibility: rule versions, runs, decisions and overrides.

Rules and counts are programme settings any reader of programmes may see; counts are
limited to the user's area. Decisions about single workers go through
``registry.selectors.workers_for_user``, so an operator sees only their own area's workers
and a leader (aggregates only) none.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, has_capability
from lindung.accounts.scope import area_scope
from lindung.core.exceptions import NotFound, PermissionDenied
from lindung.eligibility.models import (
    CutReason,
    EligibilityDecision,
    EligibilityJob,
    EligibilityOverride,
    EligibilityRun,
    MinimumWage,
    RuleVersion,
)
from lindung.eligibility.reasons import REASON_BY_CODE, Limits, describe
from lindung.programs.models import Program
from lindung.programs.selectors import DENIED, can_see_money
from lindung.regions.models import Region
from lindung.registry.models import Sector, Worker
from lindung.registry.selectors import workers_for_user


def can_manage_rules(user: User) -> bool:
    return has_capability(user, Capability.MANAGE_PROGRAMS)


def can_decide_overrides(user: User) -> bool:
    """Administrators and the cross-office verification team (the roles that may resolve
    duplicates: district operators verify registrations but do not judge eligibility)."""
    return can_manage_rules(user) or has_capability(user, Capability.RESOLVE_DUPLICATES)


def can_see_decisions(user: User) -> bool:
    return has_capability(user, Capability.VIEW_WORKERS)


# ---------------------------------------------------------------- rule versions


@dataclass(frozen=True)
class VersionRow:
    version: RuleVersion
    state: str  # "draft", "upcoming", "in_effect" or "superseded"


def version_rows(program: Program, *, today: dt.date | None = None) -> list[VersionRow]:
    today = today or timezone.localdate()
    versions = list(program.eligibility_versions.select_related("created_by", "adopted_by"))
    current = version_in_effect(program, on=today, versions=versions)
    rows = []
    for version in versions:
        if version.is_draft:
            state = "draft"
        elif version.effective_from > today:
            state = "upcoming"
        elif current is not None and version.pk == current.pk:
            state = "in_effect"
        else:
            state = "superseded"
        rows.append(VersionRow(version, state))
    return rows


def version_in_effect(
    program: Program, *, on: dt.date, versions: list[RuleVersion] | None = None
) -> RuleVersion | None:
    """The adopted version with the latest start on or before ``on``."""
    if versions is None:
        versions = list(program.eligibility_versions.filter(status=RuleVersion.Status.ADOPTED))
    adopted = [
        v for v in versions if not v.is_draft and v.effective_from and v.effective_from <= on
    ]
    return max(adopted, key=lambda v: v.effective_from, default=None)


def versions_in_effect_of_active_programs(on: dt.date) -> list[RuleVersion]:
    """For each active programme with adopted rules on ``on``, the version in effect that day
    (as ``version_in_effect`` chooses it), with its programme, by programme name. One query,
    whatever the number of programmes."""
    adopted = (
        RuleVersion.objects.filter(
            program__is_active=True, status=RuleVersion.Status.ADOPTED, effective_from__lte=on
        )
        .select_related("program")
        .order_by("program__name", "program_id", "-effective_from")
    )
    in_effect: dict[int, RuleVersion] = {}
    for version in adopted:
        in_effect.setdefault(version.program_id, version)
    return list(in_effect.values())


def get_version(program: Program, version_id: int, *, for_update: bool = False) -> RuleVersion:
    versions = program.eligibility_versions.select_related("program")
    if for_update:
        versions = versions.select_for_update(of=("self",))
    version = versions.filter(pk=version_id).first()
    if version is None:
        raise NotFound("Versi aturan tidak ditemukan.")
    return version


def minimum_wages() -> list[MinimumWage]:
    return list(MinimumWage.objects.order_by("-year"))


# ---------------------------------------------------------------- runs and counts


def latest_run(program: Program) -> EligibilityRun | None:
    return (
        EligibilityRun.objects.filter(program=program)
        .select_related("rule_version", "created_by")
        .order_by("-started_at", "-id")
        .first()
    )


def get_run_for_user(user: User, program: Program, run_id: int) -> EligibilityRun:
    run = (
        EligibilityRun.objects.filter(program=program, pk=run_id)
        .select_related("rule_version", "created_by")
        .first()
    )
    if run is None:
        raise NotFound("Hasil kelayakan tidak ditemukan.")
    return run


def runs_of(program: Program, *, limit: int = 10) -> list[EligibilityRun]:
    return list(
        EligibilityRun.objects.filter(program=program)
        .select_related("rule_version", "created_by")
        .order_by("-started_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    workers: int
    eligible: int
    within_cut: int

    @property
    def not_eligible(self) -> int:
        return self.workers - self.eligible


@dataclass(frozen=True)
class RunCounts:
    workers: int
    eligible: int
    within_cut: int
    by_district: list[CountRow]
    by_sector: list[CountRow]
    by_reason: dict[str, int]

    @property
    def not_eligible(self) -> int:
        return self.workers - self.eligible


def _one_if(condition) -> Sum:
    return Sum(Case(When(condition, then=Value(1)), default=Value(0)))


def run_counts(user: User, run: EligibilityRun) -> RunCounts:
    """Counts of a run within the user's area: by district, by sector and by reason."""
    if not has_capability(user, Capability.VIEW_AGGREGATES):
        raise PermissionDenied(DENIED)
    rows = EligibilityDecision.objects.filter(run=run).filter(area_scope(user)).order_by()
    totals = {"workers": Count("id"), "eligible": _one_if(Q(eligible=True))}
    totals["within_cut"] = _one_if(Q(within_cut=True))
    by_district = list(rows.values("district_id").annotate(**totals))
    by_sector = list(rows.values("sector_id").annotate(**totals))
    by_reason = _reason_counts(rows)
    districts = dict(
        Region.objects.filter(code__in=[r["district_id"] for r in by_district]).values_list(
            "code", "name"
        )
    )
    sectors = dict(Sector.objects.values_list("pk", "name"))
    district_rows = sorted(
        (_count_row(r["district_id"], districts.get(r["district_id"], ""), r) for r in by_district),
        key=lambda row: row.label,
    )
    sector_rows = sorted(
        (_count_row(str(r["sector_id"]), sectors.get(r["sector_id"], ""), r) for r in by_sector),
        key=lambda row: row.label,
    )
    return RunCounts(
        workers=sum(r.workers for r in district_rows),
        eligible=sum(r.eligible for r in district_rows),
        within_cut=sum(r.within_cut for r in district_rows),
        by_district=district_rows,
        by_sector=sector_rows,
        by_reason=by_reason,
    )


def _count_row(key: str, label: str, values: dict) -> CountRow:
    return CountRow(
        key=key,
        label=label,
        workers=values["workers"],
        eligible=values["eligible"] or 0,
        within_cut=values["within_cut"] or 0,
    )


def _reason_counts(rows: QuerySet) -> dict[str, int]:
    """How many workers each reason applies to (a worker may have several)."""
    aggregates = {
        code: _one_if(GreaterThan(F("reasons").bitand(int(reason)), 0))
        for code, reason in REASON_BY_CODE.items()
    }
    found = rows.filter(eligible=False).aggregate(**aggregates)
    return {code: int(found[code] or 0) for code in REASON_BY_CODE}


# ---------------------------------------------------------------- decisions


def decision_sectors() -> QuerySet[Sector]:
    """Every sector, retired ones included: a stored decision may name one that has since
    been retired, so the decisions' filter offers them all."""
    return Sector.objects.all()


@dataclass(frozen=True)
class DecisionFilters:
    district: str = ""
    sector: str = ""
    eligible: bool | None = None
    reason: str = ""
    cut: str = ""  # "", "inside", "outside", "quota", "budget"


def decisions_for_user(user: User, run: EligibilityRun) -> QuerySet[EligibilityDecision]:
    """The run's decisions about the workers the user may see, and none other."""
    if not can_see_decisions(user):
        raise PermissionDenied(DENIED)
    visible = workers_for_user(user)
    decisions = EligibilityDecision.objects.filter(run=run)
    if visible.query.where:
        decisions = decisions.filter(worker_id__in=visible.values("pk"))
    return decisions


def search_decisions(
    user: User, run: EligibilityRun, filters: DecisionFilters
) -> QuerySet[EligibilityDecision]:
    decisions = decisions_for_user(user, run)
    if filters.district:
        decisions = decisions.filter(district_id=filters.district)
    if filters.sector:
        decisions = decisions.filter(sector__code=filters.sector)
    if filters.eligible is not None:
        decisions = decisions.filter(eligible=filters.eligible)
    if filters.reason in REASON_BY_CODE:
        bit = int(REASON_BY_CODE[filters.reason])
        decisions = decisions.annotate(bit=F("reasons").bitand(bit)).filter(bit=bit)
    if filters.cut == "inside":
        decisions = decisions.filter(within_cut=True)
    elif filters.cut == "outside":
        decisions = decisions.filter(eligible=True, within_cut=False)
    elif filters.cut == "quota":
        decisions = decisions.filter(cut_reason=CutReason.QUOTA)
    elif filters.cut == "budget":
        decisions = decisions.filter(cut_reason=CutReason.BUDGET)
    ordering = ["priority", "worker_id"] if filters.eligible or filters.cut else ["worker_id"]
    return decisions.select_related("worker", "district", "village", "sector").order_by(*ordering)


def limits_of(run: EligibilityRun) -> Limits:
    version = run.rule_version
    return Limits(
        min_age=version.min_age,
        max_age=version.max_age,
        max_decile=version.max_welfare_decile,
        income_limit=run.umk,
    )


def decision_text(decision: EligibilityDecision, run: EligibilityRun) -> str:
    """The decision in plain Indonesian ("tidak memenuhi: umur 67 tahun, batas 65")."""
    limits = limits_of(run)
    if decision.reasons:
        sector = decision.sector.name if decision.sector_id else ""
        limits = Limits(**(limits.__dict__ | {"sector_name": sector}))
    return describe(
        decision.reasons,
        limits,
        age=decision.age,
        decile=decision.welfare_decile,
        income=decision.monthly_income,
        decile_waived=decision.decile_waived,
    )


def cut_text(decision: EligibilityDecision) -> str:
    """Where the decision stands against the cut, in Indonesian."""
    if not decision.eligible:
        return ""
    if decision.within_cut:
        return "di dalam batas"
    if decision.cut_reason == CutReason.QUOTA:
        return f"di luar kuota Kecamatan {decision.district.name}"
    return "di luar anggaran"


@dataclass(frozen=True)
class WorkerEligibility:
    program: Program
    run: EligibilityRun | None
    decision: EligibilityDecision | None
    override: EligibilityOverride | None

    @property
    def override_after_run(self) -> bool:
        return bool(self.override and self.run and self.override.decided_at > self.run.started_at)


def worker_eligibility(user: User, worker: Worker) -> list[WorkerEligibility]:
    """For each active programme: the worker's decision in its latest run and the standing
    override. ``worker`` comes from ``get_worker_for_user``, so it is in the user's area."""
    if not can_see_decisions(user):
        return []
    programs = list(Program.objects.filter(is_active=True).order_by("name"))
    runs = {}
    for run in (
        EligibilityRun.objects.filter(program__in=programs)
        .select_related("rule_version")
        .order_by("program_id", "-started_at", "-id")
    ):
        runs.setdefault(run.program_id, run)
    decisions = {
        d.run_id: d
        for d in EligibilityDecision.objects.filter(
            worker_id=worker.pk, run_id__in=[run.pk for run in runs.values()]
        ).select_related("sector", "district")
    }
    overrides = {
        o.program_id: o
        for o in EligibilityOverride.objects.filter(
            worker_id=worker.pk, withdrawn_at__isnull=True
        ).select_related("decided_by")
    }
    result = []
    for program in programs:
        run = runs.get(program.pk)
        decision = decisions.get(run.pk) if run else None
        result.append(WorkerEligibility(program, run, decision, overrides.get(program.pk)))
    return [row for row in result if row.run or row.override]


def get_override_for_user(user: User, override_id: int) -> EligibilityOverride:
    override = (
        EligibilityOverride.objects.filter(pk=override_id, withdrawn_at__isnull=True)
        .select_related("program")
        .first()
    )
    if override is None or not workers_for_user(user).filter(pk=override.worker_id).exists():
        raise NotFound("Keputusan pengecualian tidak ditemukan.")
    return override


def visible_cut(user: User, run: EligibilityRun) -> dict:
    """The run's cut as the user may read it: how many fell outside a quota or the budget,
    and the funders' money only for those who may see the regency's budgets."""
    cut = dict(run.cut or {})
    if not can_see_money(user):
        cut.pop("budget", None)
    return cut


# Requested runs (``jobs``): queued or running is active.
ACTIVE_JOB = [EligibilityJob.Status.QUEUED, EligibilityJob.Status.RUNNING]


def active_job(program: Program) -> EligibilityJob | None:
    """The programme's job that is queued or running, if any (there is at most one)."""
    return (
        EligibilityJob.objects.filter(program=program, status__in=ACTIVE_JOB)
        .select_related("requested_by")
        .first()
    )


def latest_job(program: Program) -> EligibilityJob | None:
    return EligibilityJob.objects.filter(program=program).select_related("requested_by").first()


def get_job_for_user(user: User, program: Program, job_id: int) -> EligibilityJob:
    """A requested run, for those who may run the rules: its counts cover the whole
    registry, not the reader's area."""
    if not can_manage_rules(user):
        raise PermissionDenied(DENIED)
    job = (
        EligibilityJob.objects.filter(program=program, pk=job_id)
        .select_related("requested_by", "run")
        .first()
    )
    if job is None:
        raise NotFound("Permintaan penjalanan aturan tidak ditemukan.")
    return job
