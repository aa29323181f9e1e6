"""Kemendagri regions over the REST API: reference data every signed-in user may read."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from lindung.core.api_schemas import ERROR_RESPONSES
from lindung.regions.models import Region
from lindung.regions.selectors import get_region, regions_under

router = Router(tags=["reference"])


class RegionOut(Schema):
    code: str = Field(description="Kemendagri code, e.g. 64.02.06.1001.")
    name: str
    level: str = Field(description="province, regency, district or village.")
    kind: str = Field(description="provinsi, kabupaten, kota, kecamatan, desa or kelurahan.")
    parent_code: str | None
    label: str = Field(description="How pages show it: a village with its district.")
    district_code: str | None = Field(description="For a district or village.")
    district_name: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None = Field(description="Set when the region left the regency.")


@router.get("/{code}", response={200: RegionOut, **ERROR_RESPONSES})
def get_region_by_code(request: HttpRequest, code: str):
    """One region; the code may be written with or without dots (`6402061001`)."""
    return _region_body(get_region(code))


@router.get("/{code}/children", response={200: list[RegionOut], **ERROR_RESPONSES})
def list_child_regions(request: HttpRequest, code: str):
    """The districts of a regency (`64.02`) or the villages of a district (`64.02.06`)."""
    parent = get_region(code)
    return [_region_body(region) for region in regions_under(parent.code)]


def _region_body(region: Region) -> dict:
    district = None
    if region.level == Region.Level.DISTRICT:
        district = region
    elif region.level == Region.Level.VILLAGE:
        district = region.parent
    return {
        "code": region.code,
        "name": region.name,
        "level": Region.Level(region.level).name.lower(),
        "kind": region.kind,
        "parent_code": region.parent_id,
        "label": region.label,
        "district_code": district.code if district else None,
        "district_name": district.name if district else None,
        "valid_from": region.valid_from,
        "valid_to": region.valid_to,
    }
