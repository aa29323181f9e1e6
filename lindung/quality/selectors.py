"""Reads of the data-quality worklists, scoped to the user's area like every worker read."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.accounts.scope import area_scope
from lindung.core.exceptions import NotFound
from lindung.quality.worklists import WORKLISTS, Worklist
from lindung.regions.models import Region
from lindung.registry.models import Worker
from lindung.registry.selectors import districts_for_user, villages_for_user, workers_for_user


def get_worklist(code: str) -> Worklist:
    worklist = WORKLISTS.get(code)
    if worklist is None:
        raise NotFound("Daftar periksa tidak ditemukan.")
    return worklist


def worklist_workers(
    user: User,
    code: str,
    *,
    district: str = "",
    village: str = "",
    today: dt.date | None = None,
) -> QuerySet[Worker]:
    """The workers of one worklist in the user's area, optionally of one district or village,
    in the list's order."""
    worklist = get_worklist(code)
    workers = worklist.workers(workers_for_user(user), today=today or timezone.localdate())
    if district:
        workers = workers.filter(district_id=district)
    if village:
        workers = workers.filter(village_id=village)
    return workers.select_related("village__parent", "sector").order_by(*worklist.ordering)


@dataclass(frozen=True)
class WorklistCounts:
    worklist: Worklist
    total: int
    by_area: dict[str, int]  # area code → workers on the list


@dataclass(frozen=True)
class QualitySummary:
    """Every worklist's count in the user's area, split by district (regency-wide users) or
    by village (users of one district or village)."""

    level: int  # Region.Level.DISTRICT or Region.Level.VILLAGE
    areas: list[Region]
    worklists: list[WorklistCounts]

    def rows(self) -> list[tuple[Region, list[tuple[Worklist, int]]]]:
        """One row per area: each worklist with its count there."""
        return [
            (area, [(c.worklist, c.by_area.get(area.code, 0)) for c in self.worklists])
            for area in self.areas
        ]


def quality_summary(user: User, *, today: dt.date | None = None) -> QualitySummary:
    """Counts only, so roles that see aggregates (leaders) may have them too.

    One grouped query per worklist; nothing is counted in Python.
    """
    require(user, Capability.VIEW_AGGREGATES)
    today = today or timezone.localdate()
    scoped = Worker.objects.filter(area_scope(user))
    by_village = _has_narrow_area(user)
    field = "village_id" if by_village else "district_id"
    worklists = []
    for worklist in WORKLISTS.values():
        grouped = (
            worklist.workers(scoped, today=today)
            .order_by()
            .values_list(field)
            .annotate(workers=Count("pk"))
        )
        by_area = dict(grouped)
        worklists.append(WorklistCounts(worklist, sum(by_area.values()), by_area))
    areas = list(villages_for_user(user) if by_village else districts_for_user(user))
    return QualitySummary(
        level=Region.Level.VILLAGE if by_village else Region.Level.DISTRICT,
        areas=areas + _areas_left_out(areas, worklists),
        worklists=worklists,
    )


def _has_narrow_area(user: User) -> bool:
    return user.area_id is not None and user.area.level in (
        Region.Level.DISTRICT,
        Region.Level.VILLAGE,
    )


def _areas_left_out(areas: list[Region], worklists: list[WorklistCounts]) -> list[Region]:
    """Areas with listed workers that the user's area no longer names: a village that moved
    out of the regency keeps its workers' counts visible."""
    known = {area.code for area in areas}
    missing = {code for counts in worklists for code in counts.by_area} - known
    if not missing:
        return []
    return list(Region.objects.filter(code__in=missing).select_related("parent").order_by("name"))
