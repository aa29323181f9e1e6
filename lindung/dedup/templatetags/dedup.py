"""The worker page's notice about duplicates, and the review pages' number formats."""

from django import template

from lindung.accounts.permissions import Capability, has_capability
from lindung.dedup.selectors import (
    open_case_of_worker,
    records_merged_into,
    survivor_of_worker,
)

register = template.Library()


@register.filter
def percent(probability: float) -> float:
    """0.9999 → 99.99, for ``|floatformat`` to write in the page's language."""
    return round(100 * probability, 2)


@register.inclusion_tag("dedup/partials/worker_notice.html", takes_context=True)
def duplicate_notice(context, worker):
    user = context["request"].user
    return {
        "case": open_case_of_worker(user, worker.pk),
        "survivor": survivor_of_worker(user, worker.pk),
        "merged": records_merged_into(user, worker.pk),
        "can_open_case": has_capability(user, Capability.RESOLVE_DUPLICATES),
    }
