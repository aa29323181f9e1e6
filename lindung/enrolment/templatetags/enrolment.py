"""The enrolment sections other pages show: a worker's coverage and enrolments, and a
programme's graduation figures."""

from django import template
from django.utils import timezone

from lindung.accounts.permissions import Capability, has_capability
from lindung.enrolment.coverage import coverage_of, mask_kpj
from lindung.enrolment.graduation import graduation_figures
from lindung.enrolment.selectors import worker_enrolments

register = template.Library()
register.filter("mask_kpj", mask_kpj)


@register.inclusion_tag("enrolment/partials/worker_section.html", takes_context=True)
def worker_enrolment_section(context, worker):
    """Coverage today and the enrolment history, for a worker the page already shows."""
    user = context["request"].user
    today = timezone.localdate()
    return {
        "worker": worker,
        "coverage": coverage_of(worker, today),
        "enrolments": worker_enrolments(user, worker.pk),
        "today": today,
        "can_reveal": has_capability(user, Capability.VIEW_FULL_IDENTITY),
    }


@register.inclusion_tag("enrolment/partials/program_figures.html")
def graduation_figures_of(program):
    return {"figures": graduation_figures(program), "program": program}
