"""The rules as SQL: every condition a boolean expression over the registry's workers.

Nothing here loops over workers. ``decisions_sql`` is one SELECT giving each worker's reason
bits and the values they rest on; storing a run wraps it in ``INSERT … SELECT`` with the
priority as window functions (``store_decisions``), and the impact preview joins it to the
stored decisions of the run in effect and counts (``impact``). Both databases run the same
statements.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear

from lindung.core.exceptions import DomainError
from lindung.eligibility.models import (
    CutReason,
    EligibilityDecision,
    EligibilityOverride,
    IncomeLimit,
    MinimumWage,
    OverrideKind,
    RuleVersion,
)
from lindung.eligibility.participants import active_elsewhere
from lindung.eligibility.reasons import Limits, Reason
from lindung.enrolment.models import Enrolment, EnrolmentStatus
from lindung.registry.models import Sector, Worker, WorkerStatus

# Sectors without a place in the risk order, and workers without a decile, rank last.
LAST = 999


@dataclass(frozen=True)
class Criteria:
    """A rule version's parameters resolved for one reference date."""

    version: RuleVersion
    on: dt.date
    income_limit: int | None
    sector_ids: frozenset[int] | None
    risk_rank: dict[int, int]

    @property
    def limits(self) -> Limits:
        return Limits(
            min_age=self.version.min_age,
            max_age=self.version.max_age,
            max_decile=self.version.max_welfare_decile,
            income_limit=self.income_limit,
        )


def criteria_for(version: RuleVersion, on: dt.date) -> Criteria:
    sectors = dict(Sector.objects.values_list("code", "pk"))
    sector_ids = None
    if version.sector_codes:
        sector_ids = frozenset(sectors[code] for code in version.sector_codes if code in sectors)
    risk_rank = {
        sectors[code]: rank
        for rank, code in enumerate(version.sector_risk_order, start=1)
        if code in sectors
    }
    return Criteria(version, on, income_limit_on(version, on), sector_ids, risk_rank)


def income_limit_on(version: RuleVersion, on: dt.date) -> int | None:
    if version.income_limit == IncomeLimit.NONE:
        return None
    if version.income_limit == IncomeLimit.AMOUNT:
        return version.income_limit_amount
    umk = MinimumWage.objects.filter(year=on.year).first()
    if umk is None:
        raise DomainError(
            f"UMK tahun {on.year} belum diisi; isi UMK atau pilih batas penghasilan lain."
        )
    return umk.amount


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def conditions(criteria: Criteria) -> dict[Reason, Q]:
    """Each reason with the condition that raises it (only those the version uses)."""
    version, on = criteria.version, criteria.on
    waived = overridden(version, OverrideKind.WAIVE_DECILE)
    excluded = overridden(version, OverrideKind.EXCLUDE)
    found: dict[Reason, Q] = {
        # Age on the reference date, compared as birth dates so no age is computed here.
        Reason.TOO_YOUNG: Q(birth_date__gt=years_before(on, version.min_age)),
        Reason.TOO_OLD: Q(birth_date__lte=years_before(on, version.max_age + 1)),
        Reason.NOT_ACTIVE_IN_REGISTRY: ~Q(
            status__in=[WorkerStatus.REGISTERED, WorkerStatus.VERIFIED]
        ),
    }
    if excluded:
        found[Reason.EXCLUDED_BY_OVERRIDE] = Q(pk__in=excluded)
    if version.require_residence:
        # By the village of the address: a NIK keeps the district where it was first issued.
        regency = settings.LINDUNG_REGENCY_CODE
        found[Reason.NOT_RESIDENT] = ~Q(village_id__gt=regency + ".", village_id__lt=regency + "/")
    if version.max_welfare_decile is not None:
        not_waived = ~Q(pk__in=waived) if waived else Q()
        found[Reason.DECILE_TOO_HIGH] = Q(welfare_decile__gt=version.max_welfare_decile)
        found[Reason.DECILE_TOO_HIGH] &= not_waived
        found[Reason.DECILE_UNKNOWN] = Q(welfare_decile__isnull=True) & not_waived
    if criteria.sector_ids is not None:
        found[Reason.SECTOR_EXCLUDED] = ~Q(sector_id__in=criteria.sector_ids)
    if criteria.income_limit is not None:
        found[Reason.INCOME_TOO_HIGH] = Q(monthly_income__gte=criteria.income_limit)
        found[Reason.INCOME_UNKNOWN] = Q(monthly_income__isnull=True)
    if version.exclude_active_elsewhere:
        found[Reason.ACTIVE_ELSEWHERE] = active_elsewhere(version.program)
    return found


def overridden(version: RuleVersion, kind: str) -> list[int]:
    """Workers with a standing override of ``kind``: a few hundred at most, so a list of
    ids is cheaper for the database than a subquery per worker."""
    return list(
        EligibilityOverride.objects.filter(
            program_id=version.program_id, kind=kind, withdrawn_at__isnull=True
        ).values_list("worker_id", flat=True)
    )


def evaluated_workers(criteria: Criteria) -> QuerySet:
    """One row per worker: the columns a decision stores, plus the priority keys."""
    reasons = sum(
        (
            Case(When(condition, then=Value(int(reason))), default=Value(0))
            for reason, condition in conditions(criteria).items()
        ),
        start=Value(0),
    )
    on = criteria.on
    birthday_later = Case(
        When(
            Q(birth_month__gt=on.month) | Q(birth_month=on.month, birth_day__gt=on.day),
            then=Value(1),
        ),
        default=Value(0),
    )
    risk = Case(
        *(When(sector_id=pk, then=Value(rank)) for pk, rank in criteria.risk_rank.items()),
        default=Value(LAST),
        output_field=IntegerField(),
    )
    return (
        Worker.objects.order_by()
        .annotate(birth_month=ExtractMonth("birth_date"), birth_day=ExtractDay("birth_date"))
        .values(
            w=F("id"),
            d=F("district_id"),
            v=F("village_id"),
            s=F("sector_id"),
            r=reasons,
            waived=_one_if_in(overridden(criteria.version, OverrideKind.WAIVE_DECILE)),
            age=Value(on.year) - ExtractYear("birth_date") - birthday_later,
            dec=F("welfare_decile"),
            inc=F("monthly_income"),
            k1=Coalesce("welfare_decile", Value(LAST)),
            k2=risk,
            k3=F("created_at"),
            # Enrolled already: paid for in the budget position, so never cut by the budget.
            m=Case(
                When(pk__in=enrolled_workers(criteria.version.program_id), then=Value(1)),
                default=Value(0),
            ),
        )
    )


def enrolled_workers(program_id: int) -> QuerySet:
    """Members the budget position already pays for: submitted to BPJS or active (a mere
    candidate costs nothing yet, so it takes its place in the cut like anyone)."""
    paid = [EnrolmentStatus.SUBMITTED, EnrolmentStatus.ACTIVE]
    return Enrolment.objects.filter(program_id=program_id, status__in=paid).values("worker_id")


def _one_if_in(ids: list[int]) -> Case | Value:
    if not ids:
        return Value(0)
    return Case(When(pk__in=ids, then=Value(1)), default=Value(0))


def decisions_sql(criteria: Criteria) -> tuple[str, tuple]:
    return evaluated_workers(criteria).query.sql_with_params()


_DECISION_TABLE = EligibilityDecision._meta.db_table
_PRIORITY = "ORDER BY e.k1, e.k2, e.k3, e.w"


def store_decisions(criteria: Criteria, run_id: int, *, capacity: int | None = None) -> None:
    """Write every worker's decision for ``run_id`` in one statement.

    Eligible workers get their rank in the run and in their district; those past their
    district's quota are outside the cut. With ``capacity`` (how many new members the
    budget pays for, when one share rule covers the whole regency) the budget cut is drawn
    here too: the first ``capacity`` candidates not yet enrolled are inside. Without it
    they stay inside until ``cut.draw_cut`` checks the budget."""
    inner, params = decisions_sql(criteria)
    quota, quota_params = _quota_case(criteria.version.district_quotas)
    district_rank = f"ROW_NUMBER() OVER (PARTITION BY e.r = 0, e.d {_PRIORITY})"
    ranked = f"""
        SELECT e.*,
            CASE WHEN e.r = 0 THEN ROW_NUMBER() OVER (PARTITION BY e.r = 0 {_PRIORITY}) END
                AS pr,
            CASE WHEN e.r = 0 THEN {district_rank} END AS dr,
            CASE WHEN e.r = 0 AND {district_rank} > {quota} THEN 1 ELSE 0 END AS oq
        FROM ({inner}) e
    """
    inside = "q.r = 0 AND q.oq = 0"
    reason = f"CASE WHEN q.oq = 1 THEN {int(CutReason.QUOTA)} END"
    budget_params: list[int] = []
    if capacity is not None:
        candidates = "q.r = 0 AND q.oq = 0 AND q.m = 0"
        over_budget = (
            f"({candidates} AND ROW_NUMBER() OVER (PARTITION BY {candidates} ORDER BY q.pr) > %s)"
        )
        inside = f"{inside} AND NOT {over_budget}"
        reason = (
            f"CASE WHEN q.oq = 1 THEN {int(CutReason.QUOTA)} "
            f"WHEN {over_budget} THEN {int(CutReason.BUDGET)} END"
        )
        budget_params = [capacity, capacity]
    sql = f"""
        INSERT INTO {_DECISION_TABLE} (
            run_id, worker_id, district_id, village_id, sector_id, eligible, reasons,
            decile_waived, age, welfare_decile, monthly_income, priority, district_rank,
            within_cut, cut_reason
        )
        SELECT %s, q.w, q.d, q.v, q.s, q.r = 0, q.r, q.waived = 1, q.age, q.dec, q.inc,
            q.pr, q.dr, {inside}, {reason}
        FROM ({ranked}) q
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, (run_id, *budget_params, *quota_params, *params))
        if connection.vendor == "postgresql":
            # A million fresh rows: without statistics the cut's updates and the results
            # pages would be planned for an empty table until autovacuum gets to it.
            cursor.execute(f"ANALYZE {_DECISION_TABLE}")


def _quota_case(quotas: dict[str, int]) -> tuple[str, list]:
    """The quota of the row's district as SQL (NULL, so never exceeded, without one)."""
    if not quotas:
        return "NULL", []
    whens = " ".join("WHEN %s THEN %s" for _ in quotas)
    return f"(CASE e.d {whens} END)", [value for pair in quotas.items() for value in pair]


@dataclass(frozen=True)
class ImpactRow:
    district_id: str
    sector_id: int
    before: int
    after: int
    gained: int
    lost: int


def impact(criteria: Criteria, baseline_run_id: int | None) -> list[ImpactRow]:
    """Per district and sector: eligible workers under the stored decisions of
    ``baseline_run_id`` (none: nobody) and under ``criteria``, and who moves either way."""
    inner, params = decisions_sql(criteria)
    sql = f"""
        SELECT e.d, e.s,
            SUM(CASE WHEN p.eligible THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.r = 0 THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.r = 0 AND NOT COALESCE(p.eligible, FALSE) THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.r <> 0 AND COALESCE(p.eligible, FALSE) THEN 1 ELSE 0 END)
        FROM ({inner}) e
        LEFT JOIN {_DECISION_TABLE} p ON p.worker_id = e.w AND p.run_id = %s
        GROUP BY e.d, e.s
        ORDER BY e.d, e.s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, baseline_run_id or 0))
        return [ImpactRow(d, s, int(b), int(a), int(g), int(lo)) for d, s, b, a, g, lo in cursor]
