"""The area a user may see: applied by every selector, never by a view on its own."""

from django.conf import settings
from django.db.models import Q, QuerySet

from lindung.accounts.models import User
from lindung.regions.models import Region


def villages_in_scope(user: User) -> QuerySet[Region]:
    """The villages of the user's area; the whole regency when they have no narrower area."""
    villages = Region.objects.filter(level=Region.Level.VILLAGE)
    area = user.area if user.area_id else None
    if area is not None and area.level == Region.Level.VILLAGE:
        return villages.filter(code=area.code)
    if area is not None and area.level == Region.Level.DISTRICT:
        return villages.filter(parent_id=area.code)
    return villages.filter(parent__parent_id=settings.LINDUNG_REGENCY_CODE)


def area_scope(
    user: User, *, village_field: str = "village", district_field: str = "district"
) -> Q:
    """A filter keeping only rows of the user's area, for a model that carries both its
    village and that village's district (as ``Worker`` does)."""
    if not _has_narrow_area(user):
        # Workers are only ever placed in villages of the instance's regency (cleaning
        # refuses any other), so the regency-wide scope is every row. Filtering anyway would
        # keep the database from walking the name index for the regency-wide list.
        return Q()
    if user.area.level == Region.Level.VILLAGE:
        return Q(**{f"{village_field}_id": user.area_id})
    return Q(**{f"{district_field}_id": user.area_id})


def _has_narrow_area(user: User) -> bool:
    return user.area_id is not None and user.area.level in (
        Region.Level.DISTRICT,
        Region.Level.VILLAGE,
    )


def in_scope(user: User, village: Region) -> bool:
    return villages_in_scope(user).filter(code=village.code).exists()
