"""Every read of funders and programmes, limited to what the user's role and area allow.

Programmes are regency-wide settings that any role with aggregates may read. Money (budget
positions, funders' budgets and contacts) is for the regency-wide roles; a user tied to a
district or village sees the programme and the share rules of their own area only.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, has_capability
from lindung.core.exceptions import NotFound, PermissionDenied
from lindung.programs.models import (
    FunderKind,
    FundingBudget,
    FundingShare,
    FundingSource,
    Program,
    RateVersion,
)
from lindung.programs.rates import rate_in_effect, rate_versions_for
from lindung.regions.models import Region

DENIED = "Peran Anda tidak mengizinkan tindakan ini."


def can_read_programs(user: User) -> bool:
    return has_capability(user, Capability.VIEW_AGGREGATES) or has_capability(
        user, Capability.MANAGE_PROGRAMS
    )


def can_see_money(user: User) -> bool:
    """Budgets and budget positions: the whole regency's money, for regency-wide roles."""
    if has_capability(user, Capability.MANAGE_PROGRAMS):
        return True
    return has_capability(user, Capability.VIEW_AGGREGATES) and not _narrow_area(user)


def _narrow_area(user: User) -> Region | None:
    area = user.area if user.area_id else None
    if area is not None and area.level in (Region.Level.DISTRICT, Region.Level.VILLAGE):
        return area
    return None


def programs_for_user(user: User) -> QuerySet[Program]:
    if not can_read_programs(user):
        raise PermissionDenied(DENIED)
    return Program.objects.all()


def active_programs() -> QuerySet[Program]:
    """The programmes open to new members, by name: a reference list for forms."""
    return Program.objects.filter(is_active=True).order_by("name")


def get_program_for_user(user: User, program_id: int, *, for_update: bool = False) -> Program:
    programs = programs_for_user(user)
    if for_update:
        programs = programs.select_for_update()
    program = programs.filter(pk=program_id).first()
    if program is None:
        raise NotFound("Program tidak ditemukan.")
    return program


def funding_sources_for_user(user: User) -> QuerySet[FundingSource]:
    if not can_see_money(user):
        raise PermissionDenied(DENIED)
    return FundingSource.objects.select_related("village__parent")


def get_funding_source_for_user(
    user: User, funding_source_id: int, *, for_update: bool = False
) -> FundingSource:
    sources = funding_sources_for_user(user)
    if for_update:
        sources = sources.select_for_update(of=("self",))
    source = sources.filter(pk=funding_source_id).first()
    if source is None:
        raise NotFound("Sumber dana tidak ditemukan.")
    return source


def budgets_of(source: FundingSource) -> QuerySet[FundingBudget]:
    return source.budgets.order_by("-fiscal_year")


def shares_paid_by(source: FundingSource) -> QuerySet[FundingShare]:
    """Every share rule the funder pays into, of every programme and area. ``source`` comes
    from ``get_funding_source_for_user``, which only regency-wide roles pass."""
    return FundingShare.objects.filter(funding_source=source).select_related("program", "area")


def active_funding_sources_for_user(user: User) -> list[FundingSource]:
    """The funders that may be given a share, by name (for regency-wide roles)."""
    return list(funding_sources_for_user(user).filter(is_active=True).order_by("name"))


def shares_for_user(user: User, program: Program) -> list[FundingShare]:
    """The programme's share rules the user may see: the default and, for a user tied to an
    area, the rules of that area and of the district or villages around it."""
    shares = program.shares.select_related("funding_source", "area__parent")
    shares = shares.filter(_visible_shares(user))
    return sorted(shares, key=lambda s: (s.area_id is not None, s.area_id or "", -s.percent))


def share_rule_for_user(user: User, program: Program, area_code: str | None) -> list[FundingShare]:
    """The shares of one of the programme's rules: the default (``area_code`` None) or one
    area's; nothing when that area's rule is not one the user may see."""
    return list(program.shares.filter(_visible_shares(user), area_id=area_code))


def _visible_shares(user: User) -> Q:
    """The default rule and, for a user tied to an area, the rules of that area and of the
    district or villages around it; every rule for regency-wide users."""
    area = _narrow_area(user)
    if area is None:
        return Q()
    district = area.code if area.level == Region.Level.DISTRICT else area.parent_id
    visible = Q(area=None) | Q(area_id=district)
    visible |= Q(area__parent_id=district) if area.code == district else Q(area_id=area.code)
    return visible


@dataclass(frozen=True)
class RateRow:
    version: RateVersion
    state: str  # "past", "in_effect" or "upcoming"


def rate_rows(program: Program, *, today: dt.date | None = None) -> list[RateRow]:
    """The rate versions a programme uses (its own and the national ones), each marked past,
    in effect today (for some payer) or upcoming."""
    today = today or timezone.localdate()
    versions = rate_versions_for(program)
    in_effect = {
        version.pk
        for kind in FunderKind.values
        if (version := rate_in_effect(versions, on=today, payer_kinds={kind})) is not None
    }
    rows = []
    for version in versions:
        if version.valid_from > today:
            state = "upcoming"
        elif version.pk in in_effect:
            state = "in_effect"
        else:
            state = "past"
        rows.append(RateRow(version, state))
    return rows


def all_rate_versions() -> list[RateVersion]:
    """Every rate version, national and of each programme: a reference list that a list of
    programmes prices from in one query."""
    return list(RateVersion.objects.all())


def get_rate_version(rate_version_id: int, *, for_update: bool = False) -> RateVersion:
    versions = RateVersion.objects.select_related("program")
    if for_update:
        versions = versions.select_for_update(of=("self",))
    version = versions.filter(pk=rate_version_id).first()
    if version is None:
        raise NotFound("Versi tarif tidak ditemukan.")
    return version
