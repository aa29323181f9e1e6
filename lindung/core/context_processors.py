from django.conf import settings

from lindung.regions.selectors import configured_regency


def instance(request):
    """What every page header shows: the regency this instance serves."""
    return {"regency": configured_regency(), "regency_code": settings.LINDUNG_REGENCY_CODE}


def capabilities(request):
    """Which parts of the navigation the signed-in user may use."""
    from lindung.accounts.permissions import Capability, has_capability

    user = request.user
    return {f"perms_{cap.value}": has_capability(user, cap) for cap in Capability}
