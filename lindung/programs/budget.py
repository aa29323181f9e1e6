"""The budget guard: what enrolments cost each funder to the end of the fiscal year.

Enrolments live in another module. It tells this one how many members each programme has
through a ``MemberSource``: per area and month of the fiscal year, how many members are
covered (active enrolments, *committed*) or would be (proposed ones, *forecast*). Until one
is registered with ``use_member_source`` there are no members and nothing is committed.

A member costs, each month, the contribution of the rate version in effect on the 1st of
that month, split between the funders of the most specific share rule for their area.
The fiscal year is the calendar year.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from lindung.core.exceptions import DomainError
from lindung.core.formatting import format_money, format_number
from lindung.programs.models import (
    FunderKind,
    FundingBudget,
    FundingShare,
    FundingSource,
    Program,
    RateVersion,
)
from lindung.programs.rates import monthly_contribution, rate_versions_for, split_by_shares
from lindung.regions.models import Region


@dataclass(frozen=True)
class Headcount:
    """``members`` covered in ``month`` (1–12) of the fiscal year in an area: a village code
    (preferred: village share rules then apply) or a district code."""

    area_code: str
    month: int
    members: int
    proposed: bool = False


class MemberSource(Protocol):
    def headcounts(self, program: Program, fiscal_year: int) -> Iterable[Headcount]: ...


class NoEnrolments:
    """The member source until the enrolment module registers its own."""

    def headcounts(self, program: Program, fiscal_year: int) -> Iterable[Headcount]:
        return ()


_member_source: MemberSource = NoEnrolments()


def use_member_source(source: MemberSource) -> None:
    """Called once by the enrolment module (in its ``AppConfig.ready``)."""
    global _member_source
    _member_source = source


def current_member_source() -> MemberSource:
    return _member_source


@dataclass(frozen=True)
class ShareRule:
    """The funders of one area (None: the programme's default), largest share first."""

    area_code: str | None
    shares: tuple[FundingShare, ...]

    @property
    def payer_kinds(self) -> set[str]:
        return {share.funding_source.kind for share in self.shares}


def share_rules(
    program: Program, shares: Iterable[FundingShare] | None = None
) -> dict[str | None, ShareRule]:
    """The programme's rules by area code; ``shares`` when they are already loaded."""
    if shares is None:
        shares = program.shares.select_related("funding_source", "area")
    by_area: dict[str | None, list[FundingShare]] = defaultdict(list)
    for share in shares:
        by_area[share.area_id].append(share)
    return {
        area: ShareRule(area, tuple(sorted(shares, key=lambda s: (-s.percent, s.pk))))
        for area, shares in by_area.items()
    }


def rule_for_area(rules: Mapping[str | None, ShareRule], area_code: str) -> ShareRule:
    """The village's rule, else its district's, else the programme's default."""
    candidates = [area_code]
    if area_code.count(".") == 3:
        candidates.append(area_code.rsplit(".", 1)[0])
    for code in [*candidates, None]:
        if code in rules:
            return rules[code]
    raise DomainError(f"Belum ada pembagian dana untuk wilayah {area_code}.")


@dataclass
class FunderCost:
    committed: int = 0
    forecast: int = 0


class ProgramCosting:
    """Prices a programme's headcounts for one fiscal year: its rates are read once and
    each (share rule, month) is priced once, however many areas share it."""

    def __init__(
        self,
        program: Program,
        fiscal_year: int,
        *,
        versions: list[RateVersion] | None = None,
        shares: Iterable[FundingShare] | None = None,
    ) -> None:
        self.program = program
        self.fiscal_year = fiscal_year
        self.versions = rate_versions_for(program) if versions is None else versions
        self.rules = share_rules(program, shares)
        self._priced: dict[tuple[str | None, int], list[tuple[FundingSource, int]]] = {}

    def funder_amounts(self, area_code: str, month: int) -> list[tuple[FundingSource, int]]:
        """Each funder's rupiah for one member in ``area_code`` in ``month``."""
        rule = rule_for_area(self.rules, area_code)
        key = (rule.area_code, month)
        if key not in self._priced:
            total = monthly_contribution(
                self.program,
                on=dt.date(self.fiscal_year, month, 1),
                payer_kind=rule.payer_kinds,
                versions=self.versions,
            ).total
            parts = split_by_shares(total, [share.percent for share in rule.shares])
            self._priced[key] = [
                (share.funding_source, part) for share, part in zip(rule.shares, parts, strict=True)
            ]
        return self._priced[key]

    def costs(self, headcounts: Iterable[Headcount]) -> dict[int, FunderCost]:
        """Per funder id: the committed and forecast cost of the headcounts."""
        costs: dict[int, FunderCost] = defaultdict(FunderCost)
        for count in headcounts:
            for funder, amount in self.funder_amounts(count.area_code, count.month):
                cost = costs[funder.pk]
                if count.proposed:
                    cost.forecast += amount * count.members
                else:
                    cost.committed += amount * count.members
        return costs

    @property
    def funders(self) -> list[FundingSource]:
        found = {
            share.funding_source.pk: share.funding_source
            for rule in self.rules.values()
            for share in rule.shares
        }
        return sorted(found.values(), key=lambda funder: (funder.name, funder.pk))


@dataclass(frozen=True)
class FunderPosition:
    """One funder's money for a fiscal year. ``committed``/``forecast`` count every
    programme the funder pays into; the ``*_here`` parts are this programme's."""

    funding_source: FundingSource
    budget: int | None
    committed: int
    forecast: int
    committed_here: int
    forecast_here: int

    @property
    def is_guarded(self) -> bool:
        # A worker paying their own contribution has no budget to run out of.
        return self.funding_source.kind != FunderKind.SELF_PAID

    @property
    def remaining(self) -> int | None:
        if self.budget is None:
            return None
        return self.budget - self.committed - self.forecast

    def percent_of_budget(self, amount: int) -> int:
        if not self.budget:
            return 0
        return min(100, round(100 * amount / self.budget))

    @property
    def committed_percent(self) -> int:
        return self.percent_of_budget(self.committed)

    @property
    def forecast_percent(self) -> int:
        return min(100 - self.committed_percent, self.percent_of_budget(self.forecast))


@dataclass(frozen=True)
class BudgetPosition:
    program: Program
    fiscal_year: int
    funders: list[FunderPosition] = field(default_factory=list)

    def for_funder(self, funder_id: int) -> FunderPosition | None:
        return next((p for p in self.funders if p.funding_source.pk == funder_id), None)


def budget_position(
    program: Program, fiscal_year: int, *, members: MemberSource | None = None
) -> BudgetPosition:
    """Per funder of ``program``: budget, committed, forecast and remaining for the year."""
    members = members or current_member_source()
    costing = ProgramCosting(program, fiscal_year)
    funders = costing.funders
    here = costing.costs(members.headcounts(program, fiscal_year))
    elsewhere = _costs_in_other_programs(program, fiscal_year, funders, members)
    budgets = dict(
        FundingBudget.objects.filter(
            funding_source__in=funders, fiscal_year=fiscal_year
        ).values_list("funding_source_id", "amount")
    )
    positions = []
    for funder in funders:
        own, other = here.get(funder.pk, FunderCost()), elsewhere.get(funder.pk, FunderCost())
        positions.append(
            FunderPosition(
                funding_source=funder,
                budget=budgets.get(funder.pk),
                committed=own.committed + other.committed,
                forecast=own.forecast + other.forecast,
                committed_here=own.committed,
                forecast_here=own.forecast,
            )
        )
    return BudgetPosition(program, fiscal_year, positions)


def _costs_in_other_programs(
    program: Program,
    fiscal_year: int,
    funders: list[FundingSource],
    members: MemberSource,
) -> dict[int, FunderCost]:
    """A funder's budget is for all the programmes it pays into: count the others too."""
    totals: dict[int, FunderCost] = defaultdict(FunderCost)
    wanted = {funder.pk for funder in funders}
    others = [
        other
        for other in Program.objects.filter(shares__funding_source__in=wanted)
        .exclude(pk=program.pk)
        .distinct()
        .prefetch_related(
            Prefetch("shares", FundingShare.objects.select_related("funding_source", "area"))
        )
        if other.runs_in(fiscal_year)
    ]
    if not others:
        return totals
    versions = list(
        RateVersion.objects.filter(Q(program=None) | Q(program__in=others)).order_by(
            "valid_from", "id"
        )
    )
    for other in others:
        costing = ProgramCosting(
            other,
            fiscal_year,
            versions=[v for v in versions if v.program_id in (None, other.pk)],
            shares=other.shares.all(),
        )
        costs = costing.costs(members.headcounts(other, fiscal_year))
        for funder_id, cost in costs.items():
            if funder_id in wanted:
                totals[funder_id].committed += cost.committed
                totals[funder_id].forecast += cost.forecast
    return totals


@dataclass(frozen=True)
class BudgetCheck:
    """What enrolling the additional members would cost each funder, and the position
    before them."""

    position: BudgetPosition
    additional: dict[int, int]
    members: dict[int, int]
    start_month: int

    @property
    def months(self) -> int:
        return 13 - self.start_month


def check_budget(
    program: Program,
    fiscal_year: int,
    additional_members_by_area: Mapping[str, int],
    *,
    start_month: int | None = None,
    members: MemberSource | None = None,
    today: dt.date | None = None,
) -> BudgetCheck:
    """Refuse (``DomainError`` with the numbers) enrolling more members when a funder's
    budget for the year would not cover them from ``start_month`` to December on top of
    what is committed and forecast.

    ``additional_members_by_area`` maps village (or district) codes to members not yet
    counted by the member source. The coverage of a new member starts by default in the
    month after today (the month the enrolment reaches BPJS is not paid for).
    """
    start = start_month or first_coverage_month(fiscal_year, today=today)
    if not 1 <= start <= 12:
        raise DomainError("Bulan mulai kepesertaan harus 1 sampai 12.")
    if not program.runs_in(fiscal_year):
        raise DomainError(f"Program {program.name} tidak berjalan pada tahun {fiscal_year}.")
    _ensure_known_areas(additional_members_by_area)
    costing = ProgramCosting(program, fiscal_year)
    proposed = [
        Headcount(area, month, count, proposed=True)
        for area, count in additional_members_by_area.items()
        if count > 0
        for month in range(start, 13)
    ]
    additional = {pk: cost.forecast for pk, cost in costing.costs(proposed).items()}
    position = budget_position(program, fiscal_year, members=members)
    check = BudgetCheck(position, additional, _members_by_funder(costing, proposed), start)
    shortfalls = [
        _shortfall_message(funder, check)
        for funder in position.funders
        if funder.is_guarded
        and additional.get(funder.funding_source.pk, 0) > (funder.remaining or 0)
    ]
    if shortfalls:
        raise DomainError("; ".join(shortfalls) + ".")
    return check


def _ensure_known_areas(members_by_area: Mapping[str, int]) -> None:
    codes = set(members_by_area)
    known = Region.objects.filter(
        code__in=codes,
        level__in=(Region.Level.DISTRICT, Region.Level.VILLAGE),
        code__startswith=settings.LINDUNG_REGENCY_CODE + ".",
    ).values_list("code", flat=True)
    unknown = sorted(codes - set(known))
    if unknown:
        raise DomainError(f"Wilayah tidak dikenal di kabupaten ini: {', '.join(unknown)}.")


def _members_by_funder(costing: ProgramCosting, proposed: list[Headcount]) -> dict[int, int]:
    """How many of the new members each funder pays a part of (counted in their first
    month, when every one of them is covered)."""
    members: dict[int, int] = defaultdict(int)
    for count in proposed:
        if count.month == proposed[0].month:
            for funder, _amount in costing.funder_amounts(count.area_code, count.month):
                members[funder.pk] += count.members
    return members


def first_coverage_month(fiscal_year: int, *, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    if fiscal_year > today.year:
        return 1
    if fiscal_year < today.year or today.month == 12:
        raise DomainError(f"Tahun anggaran {fiscal_year} tidak menyisakan bulan kepesertaan.")
    return today.month + 1


def _shortfall_message(funder: FunderPosition, check: BudgetCheck) -> str:
    needed = check.additional[funder.funding_source.pk]
    left = max(0, funder.remaining or 0)
    return (
        f"Anggaran {funder.funding_source.name} {check.position.fiscal_year} tidak cukup: "
        f"sisa {format_money(left)}, dibutuhkan {format_money(needed)} untuk "
        f"{format_number(check.members[funder.funding_source.pk])} pekerja × {check.months} bulan"
    )
