"""Enrolment pages: the list, one enrolment with its moves, enrolling, coverage on a date,
graduation and its letter. Views authorise, bind a form, call one service and render."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import Capability, has_capability
from lindung.core.exceptions import DomainError, NotFound, PermissionDenied
from lindung.core.pagination import CappedPaginator
from lindung.enrolment.coverage import coverage_on
from lindung.enrolment.forms import ActivateForm, CoverageForm, EndForm, EnrolForm, GraduateForm
from lindung.enrolment.graduation import graduate_to_self_paying, graduation_for_user
from lindung.enrolment.models import EnrolmentStatus
from lindung.enrolment.selectors import (
    EnrolmentFilters,
    enrolment_history,
    get_enrolment_for_user,
    graduation_of,
    search_enrolments,
)
from lindung.enrolment.services import (
    TRANSITIONS,
    Move,
    enrol_candidates,
    may_reveal_kpj,
    reveal_kpj,
    transition,
)
from lindung.enrolment.sources import eligible_worker_ids
from lindung.programs.selectors import programs_for_user
from lindung.registry.selectors import workers_for_user
from lindung.registry.views.common import require_page, worker_page

S = EnrolmentStatus
PAGE_SIZE = 50


def _int(value: str) -> int | None:
    return int(value) if value and value.isdigit() else None


@worker_page
def enrolment_list(request):
    require_page(request, Capability.VIEW_WORKERS)
    filters = EnrolmentFilters(
        program=_int(request.GET.get("program", "")),
        status=request.GET.get("status", "") if request.GET.get("status") in S.values else "",
        batch=_int(request.GET.get("batch", "")),
    )
    enrolments = search_enrolments(request.user, filters)
    page = CappedPaginator(enrolments, PAGE_SIZE, cap=100_000).get_page(request.GET.get("page"))
    return render(
        request,
        "enrolment/enrolment_list.html",
        {
            "page": page,
            "filters": filters,
            "programs": programs_for_user(request.user) if _reads_programs(request) else [],
            "statuses": S.choices,
            "can_enrol": has_capability(request.user, Capability.EDIT_WORKERS),
        },
    )


def _reads_programs(request) -> bool:
    try:
        programs_for_user(request.user)
    except PermissionDenied:
        return False
    return True


@worker_page
def enrolment_detail(request, enrolment_id: int):
    require_page(request, Capability.VIEW_WORKERS)
    return _render_detail(request, enrolment_id)


def _render_detail(request, enrolment_id: int, *, forms: dict | None = None, error: str = ""):
    enrolment = get_enrolment_for_user(request.user, enrolment_id)
    forms = forms or {}
    can_move = {to for (frm, to) in TRANSITIONS if frm == enrolment.status}
    initial = {"version": enrolment.version}
    context = {
        "enrolment": enrolment,
        "history": enrolment_history(enrolment),
        "activate_form": forms.get("activate")
        or (ActivateForm(initial=initial) if S.ACTIVE in can_move else None),
        "end_form": forms.get("end") or (EndForm(initial=initial) if S.ENDED in can_move else None),
        "graduate_form": forms.get("graduate")
        or (GraduateForm(initial=initial) if enrolment.status == S.ACTIVE else None),
        "graduation": graduation_of(enrolment),
        "can_edit": has_capability(request.user, Capability.EDIT_WORKERS),
        "can_answer": has_capability(request.user, Capability.EXPORT_WORKERS),
        "can_reveal": may_reveal_kpj(request.user),
        "error": error,
    }
    return render(request, "enrolment/enrolment_detail.html", context)


@worker_page
@require_POST
def enrolment_move(request, enrolment_id: int, action: str):
    """Activate or end one enrolment from its page."""
    form_class = {"activate": ActivateForm, "end": EndForm}.get(action)
    if form_class is None:
        raise NotFound(_("Unknown action."))
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_detail(request, enrolment_id, forms={action: form})
    data = form.cleaned_data
    if action == "activate":
        move = Move(
            S.ACTIVE,
            data["coverage_start"],
            kpj_number=data["kpj_number"],
            coverage_start=data["coverage_start"],
        )
    else:
        move = Move(S.ENDED, data["on"], reason=data["reason"], note=data["note"])
    try:
        transition(
            actor=request.user,
            enrolment_id=enrolment_id,
            move=move,
            expected_version=data["version"],
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as refusal:
        return _render_detail(request, enrolment_id, forms={action: form}, error=refusal.message)
    messages.success(request, _("Enrolment status changed."))
    return redirect("enrolment:enrolment_detail", enrolment_id=enrolment_id)


@worker_page
@require_POST
def enrolment_graduate(request, enrolment_id: int):
    form = GraduateForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, enrolment_id, forms={"graduate": form})
    try:
        graduation = graduate_to_self_paying(
            user=request.user,
            enrolment=enrolment_id,
            on=form.cleaned_data["on"],
            expected_version=form.cleaned_data["version"],
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as refusal:
        return _render_detail(
            request, enrolment_id, forms={"graduate": form}, error=refusal.message
        )
    messages.success(request, _("Graduation recorded. Print the letter for the worker."))
    return redirect("enrolment:graduation_letter", graduation_id=graduation.pk)


@worker_page
def graduation_letter(request, graduation_id: int):
    require_page(request, Capability.VIEW_WORKERS)
    graduation = graduation_for_user(request.user, graduation_id)
    return render(
        request,
        "enrolment/graduation_letter.html",
        {
            "graduation": graduation,
            "worker": graduation.worker,
            "enrolment": graduation.enrolment,
            "pay_by_day": 15,
            "today": timezone.localdate(),
        },
    )


@worker_page
@require_POST
def enrolment_reveal_kpj(request, enrolment_id: int):
    value = reveal_kpj(actor=request.user, enrolment_id=enrolment_id)
    return render(request, "registry/partials/revealed.html", {"value": value, "field": "kpj"})


@worker_page
def enrol(request):
    """Make candidates of a programme: the NIKs typed, or the eligibility run's cut."""
    require_page(request, Capability.EDIT_WORKERS)
    form = EnrolForm(request.POST or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        program = form.cleaned_data["program"]
        niks = form.nik_list()
        if niks:
            found = dict(
                workers_for_user(request.user).filter(nik__in=niks).values_list("nik", "pk")
            )
            worker_ids = [found[nik] for nik in niks if nik in found]
            missing = [nik for nik in niks if nik not in found]
        else:
            worker_ids, missing = eligible_worker_ids(request.user, program), []
        try:
            outcome = enrol_candidates(actor=request.user, program=program, worker_ids=worker_ids)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("%(count)s workers are now candidates.") % {"count": len(outcome.created)},
            )
            return render(
                request,
                "enrolment/enrol.html",
                {"form": EnrolForm(initial={"program": program}), "outcome": outcome,
                 "missing": missing, "program": program},
            )  # fmt: skip
    return render(request, "enrolment/enrol.html", {"form": form, "outcome": outcome})


@worker_page
def coverage_lookup(request):
    """Was a worker covered on a date: by worker (from the worker page) or by NIK."""
    require_page(request, Capability.VIEW_WORKERS)
    form = CoverageForm(request.GET or None)
    coverage = None
    worker_id = _int(request.GET.get("worker", ""))
    if form.is_valid():
        on: dt.date = form.cleaned_data["on"]
        nik = (form.cleaned_data.get("nik") or "").replace(" ", "")
        if nik and worker_id is None:
            found = workers_for_user(request.user).filter(nik=nik).values_list("pk", flat=True)
            worker_id = found.first()
            if worker_id is None:
                form.add_error("nik", _("No worker with this NIK in your area."))
        if worker_id is not None:
            coverage = coverage_on(request.user, worker_id, on)
    return render(
        request,
        "enrolment/coverage.html",
        {"form": form, "coverage": coverage, "can_reveal": may_reveal_kpj(request.user)},
    )
