"""The worker page's eligibility section: the decision of each programme's latest run."""

from django import template

from lindung.eligibility.forms import OverrideForm
from lindung.eligibility.selectors import (
    can_decide_overrides,
    cut_text,
    decision_text,
    worker_eligibility,
)

register = template.Library()


@register.inclusion_tag("eligibility/partials/worker_panel.html", takes_context=True)
def eligibility_panel(context, worker):
    user = context["request"].user
    rows = [
        (
            row,
            decision_text(row.decision, row.run) if row.decision else "",
            cut_text(row.decision) if row.decision else "",
        )
        for row in worker_eligibility(user, worker)
    ]
    can_decide = can_decide_overrides(user)
    return {
        "worker": worker,
        "rows": rows,
        "can_decide": can_decide,
        "override_form": OverrideForm() if can_decide else None,
        "csrf_token": context.get("csrf_token"),
    }
