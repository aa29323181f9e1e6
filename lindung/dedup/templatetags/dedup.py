"""The worker page's notice that a record may be a duplicate, or was merged into another."""

from django import template

from lindung.accounts.permissions import Capability, has_capability
from lindung.dedup.selectors import open_case_of_worker, survivor_of_worker

register = template.Library()


@register.inclusion_tag("dedup/partials/worker_notice.html", takes_context=True)
def duplicate_notice(context, worker):
    user = context["request"].user
    return {
        "case": open_case_of_worker(user, worker.pk),
        "survivor": survivor_of_worker(user, worker.pk),
        "can_open_case": has_capability(user, Capability.RESOLVE_DUPLICATES),
    }
