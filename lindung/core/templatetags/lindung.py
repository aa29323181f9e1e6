"""Template filters for dates, money and masked numbers (loaded as a template builtin)."""

from django import template

from lindung.core import formatting

register = template.Library()

register.filter("tanggal", formatting.format_date)
register.filter("waktu", formatting.format_datetime)
register.filter("rupiah", formatting.format_money)
register.filter("angka", formatting.format_number)
register.filter("mask_id", formatting.mask_identity_number)
register.filter("mask_phone", formatting.mask_phone)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for paging and sorting links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
