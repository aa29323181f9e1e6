"""The cut: which eligible workers the programme can take, in the order of the priority.

Eligible workers are ranked (``evaluation.store_decisions``) by welfare decile (lowest
first, unknown last), then the work risk of their sector (the version's order), then the
date they were registered. A district with a quota keeps its first ``quota`` workers; the
others are outside the quota. Then the budget: going down the ranking, a worker is inside
while every funder that pays for their area (``programs.budget``: the share rule of their
village or district) still has the money for their contributions from the first month of
cover to December; the first who does not fit closes the budget to every later worker of
the same share rule, since what is left only shrinks. Each line is drawn with one UPDATE.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from lindung.core.exceptions import DomainError
from lindung.eligibility.models import CutReason, EligibilityDecision, EligibilityRun
from lindung.enrolment.models import OPEN_STATUSES, Enrolment
from lindung.programs.budget import (
    ProgramCosting,
    budget_position,
    first_coverage_month,
    rule_for_area,
)
from lindung.programs.models import Program


def draw_cut(run: EligibilityRun, quotas: dict[str, int]) -> dict:
    """Mark the run's eligible workers outside the quotas and the budget; describe the cut."""
    decisions = EligibilityDecision.objects.filter(run=run, eligible=True)
    outside_quota = 0
    for district, quota in sorted(quotas.items()):
        outside_quota += decisions.filter(district_id=district, district_rank__gt=quota).update(
            within_cut=False, cut_reason=CutReason.QUOTA
        )
    cut: dict = {"quotas": quotas, "outside_quota": outside_quota}
    try:
        plan = BudgetPlan.for_program(run.program, run.reference_date)
    except DomainError as error:
        return cut | {"budget_note": error.message, "outside_budget": 0}
    lines = plan.lines(decisions.filter(within_cut=True))
    outside_budget = 0
    for villages, first_outside in lines.values():
        outside_budget += decisions.filter(
            within_cut=True, village_id__in=villages, priority__gte=first_outside
        ).update(within_cut=False, cut_reason=CutReason.BUDGET)
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

    def lines(self, candidates: QuerySet) -> dict[str | None, tuple[set[str], int]]:
        """Per share rule: its villages among the candidates and the priority of the first
        candidate the budget cannot take (rules whose candidates all fit are left out)."""
        members = set(
            Enrolment.objects.filter(
                program=self.costing.program, status__in=OPEN_STATUSES
            ).values_list("worker_id", flat=True)
        )
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
