"""The cut: which eligible workers the programme can take, in the order of the priority.

Eligible workers are ranked (``evaluation.store_decisions``) by welfare decile (lowest
first, unknown last), then the work risk of their sector (the version's order), then the
date they were registered. A district with a quota keeps its first ``quota`` workers; the
others are outside the quota (marked as the decisions are written). Then the budget: going
down the ranking, a worker is inside while every funder that pays for their area
(``programs.budget``: the share rule of their village or district) still has the money for
their contributions from the first month of cover to December; the first who does not fit
closes the budget to every later worker of the same share rule, since what is left only
shrinks: one UPDATE per share rule.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet

from lindung.core.exceptions import DomainError
from lindung.eligibility.evaluation import enrolled_workers
from lindung.eligibility.models import CutReason, EligibilityDecision, EligibilityRun
from lindung.programs.budget import (
    ProgramCosting,
    budget_position,
    first_coverage_month,
    rule_for_area,
)
from lindung.programs.models import Program


def budget_plan(program: Program, on: dt.date) -> tuple["BudgetPlan | None", str]:
    """The programme's budget for the run, or None and why it cannot be checked."""
    try:
        return BudgetPlan.for_program(program, on), ""
    except DomainError as error:
        return None, error.message


def draw_cut(
    run: EligibilityRun, quotas: dict[str, int], plan: "BudgetPlan | None", note: str = ""
) -> dict:
    """Finish the cut of a run whose decisions are written, and describe it. Quotas were
    applied as the decisions were written, and the budget too when the plan has a
    ``capacity``; otherwise the budget lines are drawn here."""
    decisions = EligibilityDecision.objects.filter(run=run, eligible=True)
    outside_quota = decisions.filter(cut_reason=CutReason.QUOTA).count() if quotas else 0
    cut: dict = {"quotas": quotas, "outside_quota": outside_quota}
    if plan is None:
        return cut | {"budget_note": note, "outside_budget": 0}
    if plan.capacity() is not None:
        paid = decisions.filter(within_cut=True).exclude(worker_id__in=plan.enrolled())
        plan.charge(paid.count())
        outside_budget = decisions.filter(cut_reason=CutReason.BUDGET).count()
        return cut | {"budget": plan.summary(), "outside_budget": outside_budget}
    lines = plan.lines(decisions.filter(within_cut=True))
    outside_budget = 0
    for villages, first_outside in lines.values():
        outside = decisions.filter(
            within_cut=True, village_id__in=villages, priority__gte=first_outside
        ).exclude(worker_id__in=plan.enrolled())
        outside_budget += outside.update(within_cut=False, cut_reason=CutReason.BUDGET)
    return cut | {"budget": plan.summary(), "outside_budget": outside_budget}


@dataclass
class BudgetPlan:
    """What is left of each guarded funder's budget, and what one more member costs each of
    them to December under each share rule."""

    fiscal_year: int
    start_month: int
    costing: ProgramCosting
    remaining: dict[int, int]
    members_paid: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    _cost: dict[str, tuple[str | None, dict[int, int]]] = field(default_factory=dict)

    @classmethod
    def for_program(cls, program: Program, on: dt.date) -> "BudgetPlan":
        year = on.year
        start = first_coverage_month(year, today=on)
        position = budget_position(program, year)
        remaining = {
            funder.funding_source.pk: max(0, funder.remaining or 0)
            for funder in position.funders
            if funder.is_guarded
        }
        if not position.funders:
            raise DomainError(f"Program {program.name} belum memiliki pembagian dana.")
        return cls(year, start, ProgramCosting(program, year), remaining)

    def cost(self, village: str) -> tuple[str | None, dict[int, int]]:
        """The share rule of ``village`` and each guarded funder's rupiah for one member."""
        if village not in self._cost:
            rule = rule_for_area(self.costing.rules, village).area_code
            amounts: dict[int, int] = defaultdict(int)
            for month in range(self.start_month, 13):
                for funder, amount in self.costing.funder_amounts(village, month):
                    if funder.pk in self.remaining:
                        amounts[funder.pk] += amount
            self._cost[village] = (rule, dict(amounts))
        return self._cost[village]

    def capacity(self) -> int | None:
        """How many new members the budget pays for when one share rule covers the whole
        regency (its candidates are then simply the first ones); None when areas have
        rules of their own, or nothing limits the members."""
        if set(self.costing.rules) != {None}:
            return None
        _rule, cost = self.cost(settings.LINDUNG_REGENCY_CODE)
        limits = [self.remaining[funder] // amount for funder, amount in cost.items() if amount]
        return min(limits) if limits else None

    def charge(self, members: int) -> None:
        """Record ``members`` new members under the single share rule (see ``capacity``)."""
        _rule, cost = self.cost(settings.LINDUNG_REGENCY_CODE)
        for funder, amount in cost.items():
            self.remaining[funder] -= amount * members
            self.members_paid[funder] += members

    def enrolled(self) -> QuerySet:
        return enrolled_workers(self.costing.program.pk)

    def lines(self, candidates: QuerySet) -> dict[str | None, tuple[set[str], int]]:
        """Per share rule: its villages among the candidates and the priority of the first
        candidate the budget cannot take (rules whose candidates all fit are left out)."""
        members = {row["worker_id"] for row in self.enrolled()}
        closed: dict[str | None, int] = {}
        villages: dict[str | None, set[str]] = defaultdict(set)
        rows = candidates.order_by("priority").values_list("priority", "village_id", "worker_id")
        for priority, village, worker_id in rows.iterator(chunk_size=20_000):
            rule, cost = self.cost(village)
            villages[rule].add(village)
            if rule in closed or worker_id in members:
                continue  # members already enrolled are paid for in the budget position
            if all(self.remaining[funder] >= amount for funder, amount in cost.items()):
                for funder, amount in cost.items():
                    self.remaining[funder] -= amount
                    self.members_paid[funder] += 1
            else:
                closed[rule] = priority
        return {rule: (villages[rule], first) for rule, first in closed.items()}

    def summary(self) -> dict:
        names = {funder.pk: funder.name for funder in self.costing.funders}
        return {
            "fiscal_year": self.fiscal_year,
            "start_month": self.start_month,
            "funders": [
                {
                    "name": names.get(pk, str(pk)),
                    "members_paid": self.members_paid.get(pk, 0),
                    "left_after": left,
                }
                for pk, left in sorted(self.remaining.items())
            ],
        }
