from django.conf import settings

from lindung.regions.selectors import configured_regency


def instance(request):
    """What every page header shows: the regency this instance serves."""
    return {"regency": configured_regency(), "regency_code": settings.LINDUNG_REGENCY_CODE}
