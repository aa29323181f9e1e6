"""What one member costs a month: the rate version in effect and the rupiah it comes to.

BPJS bills whole rupiah. Each component (JKK, JKM, JHT) is rounded half up on its own and
the total is their sum, so the total always equals what the components show.
"""

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from lindung.core.exceptions import DomainError
from lindung.core.formatting import format_date
from lindung.programs.models import Program, RateVersion

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Contribution:
    """One member's monthly contribution, in rupiah."""

    jkk: int
    jkm: int
    jht: int
    rate: RateVersion

    @property
    def total(self) -> int:
        return self.jkk + self.jkm + self.jht


def rupiah(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_versions_for(program: Program | None) -> list[RateVersion]:
    """The national versions and the programme's own, oldest first: what
    ``rate_in_effect`` chooses from. One query; callers keep the list for many dates."""
    scope = Q(program=None) if program is None else Q(program=None) | Q(program=program)
    return list(RateVersion.objects.filter(scope).order_by("valid_from", "id"))


def rate_in_effect(
    versions: Iterable[RateVersion], *, on: dt.date, payer_kinds: Collection[str]
) -> RateVersion | None:
    """The version that prices a member paid by ``payer_kinds`` on ``on``.

    Among the versions valid that day and meant for every one of those payers, the one that
    started last wins; on the same start day a programme's own version wins over the
    national one. A version with ``valid_until`` (a discount for a limited period) leaves
    the earlier version in effect again after its end.
    """
    best = None
    for version in versions:
        if version.valid_from > on or (version.valid_until and version.valid_until < on):
            continue
        if not all(version.applies_to(kind) for kind in payer_kinds):
            continue
        key = (version.valid_from, version.program_id is not None, version.pk or 0)
        if best is None or key > best[0]:
            best = (key, version)
    return best[1] if best else None


def contribution_under(version: RateVersion, program: Program) -> Contribution:
    income = Decimal(program.reported_income)
    keep = (HUNDRED - version.discount_percent) / HUNDRED
    jht = rupiah(income * version.jht_percent / HUNDRED) if program.includes_jht else 0
    return Contribution(
        jkk=rupiah(income * version.jkk_percent / HUNDRED * keep),
        jkm=rupiah(Decimal(version.jkm_amount) * keep),
        jht=jht,
        rate=version,
    )


def monthly_contribution(
    program: Program,
    *,
    on: dt.date,
    payer_kind: str | Collection[str],
    versions: Iterable[RateVersion] | None = None,
) -> Contribution:
    """What one member of ``program`` costs for the month containing ``on`` when
    ``payer_kind`` pays (a funder kind, or all the kinds that share the member).

    ``versions`` (from ``rate_versions_for``) saves the query when pricing many months.
    """
    kinds = {payer_kind} if isinstance(payer_kind, str) else set(payer_kind)
    version = rate_in_effect(
        rate_versions_for(program) if versions is None else versions, on=on, payer_kinds=kinds
    )
    if version is None:
        raise DomainError(
            f"Tidak ada tarif iuran yang berlaku pada {format_date(on)} "
            f"untuk program {program.name}."
        )
    return contribution_under(version, program)


def split_by_shares(total: int, percents: list[Decimal]) -> list[int]:
    """Each funder's whole rupiah of ``total``: shares are rounded down and the rupiah left
    over go to the first (largest) share, so the parts always add up to the total."""
    parts = [int(Decimal(total) * percent / HUNDRED) for percent in percents]
    if parts:
        parts[0] += total - sum(parts)
    return parts
