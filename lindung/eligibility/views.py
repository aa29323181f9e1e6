"""Eligibility pages: a programme's rule versions (edit a draft, preview its impact, put it
in effect, run it), a run's results, and overrides recorded from a worker's page. Views
authorise, bind a form, call one service and render.

Running the rules queues a job (``jobs.py``); its page polls a small fragment until the run
is stored, then takes the clerk to the results (as the import pages do).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts.permissions import Capability
from lindung.core.exceptions import ConcurrentEdit, DomainError
from lindung.eligibility.forms import (
    AdoptForm,
    DecisionFilterForm,
    MinimumWageForm,
    OverrideForm,
    RulesForm,
)
from lindung.eligibility.jobs import ALREADY_REQUESTED, request_eligibility_run
from lindung.eligibility.preview import preview_impact
from lindung.eligibility.reasons import REASON_CODES, REASON_LABELS
from lindung.eligibility.selectors import (
    DecisionFilters,
    can_decide_overrides,
    can_manage_rules,
    can_see_decisions,
    cut_text,
    decision_text,
    get_job_for_user,
    get_run_for_user,
    get_version,
    latest_job,
    latest_run,
    minimum_wages,
    run_counts,
    runs_of,
    search_decisions,
    version_in_effect,
    version_rows,
    visible_cut,
)
from lindung.eligibility.services import (
    adopt_version,
    create_draft,
    record_override,
    set_minimum_wage,
    update_draft,
    withdraw_override,
)
from lindung.programs.selectors import can_read_programs, get_program_for_user, programs_for_user
from lindung.registry.selectors import districts_for_user
from lindung.registry.views.common import require_page, wants_partial, worker_page

PAGE_SIZE = 50


def _require_reader(request) -> None:
    if not can_read_programs(request.user):
        raise HttpForbidden


def _apply_errors(form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


@worker_page
def program_list(request):
    _require_reader(request)
    today = timezone.localdate()
    rows = [
        (program, version_in_effect(program, on=today), latest_run(program))
        for program in programs_for_user(request.user).filter(is_active=True)
    ]
    can_manage = can_manage_rules(request.user)
    form = MinimumWageForm(initial={"year": today.year + 1}) if can_manage else None
    if request.method == "POST":
        require_page(request, Capability.MANAGE_PROGRAMS)
        form = MinimumWageForm(request.POST)
        if form.is_valid():
            try:
                set_minimum_wage(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Minimum wage saved."))
                return redirect("eligibility:program_list")
    return render(
        request,
        "eligibility/program_list.html",
        {"rows": rows, "wages": minimum_wages(), "wage_form": form},
    )


@worker_page
def program_eligibility(request, program_id: int):
    _require_reader(request)
    program = get_program_for_user(request.user, program_id)
    run = latest_run(program)
    can_manage = can_manage_rules(request.user)
    return render(
        request,
        "eligibility/program.html",
        {
            "program": program,
            "rows": version_rows(program),
            "run": run,
            "counts": run_counts(request.user, run) if run else None,
            "runs": runs_of(program),
            "can_manage": can_manage,
            "job": _job_to_mention(program, run) if can_manage else None,
            "adopt_form": AdoptForm(initial={"effective_from": timezone.localdate()}),
        },
    )


def _job_to_mention(program, run):
    """A job still under way, or one that failed after the latest stored run."""
    job = latest_job(program)
    if job is None or job.status == job.Status.DONE:
        return None
    if job.status == job.Status.FAILED and run and run.started_at > job.requested_at:
        return None
    return job


@worker_page
@require_POST
def draft_create(request, program_id: int):
    require_page(request, Capability.MANAGE_PROGRAMS)
    draft = create_draft(actor=request.user, program_id=program_id)
    messages.success(request, _("Draft created from the newest version."))
    return redirect("eligibility:draft_edit", program_id, draft.pk)


@worker_page
def draft_edit(request, program_id: int, version_id: int):
    require_page(request, Capability.MANAGE_PROGRAMS)
    program = get_program_for_user(request.user, program_id)
    version = get_version(program, version_id)
    if not version.is_draft:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("eligibility:program", program.pk)
    form = RulesForm(request.POST or None, initial=RulesForm.initial_for(version))
    concurrent_error = ""
    if request.method == "POST" and form.is_valid():
        try:
            update_draft(
                actor=request.user,
                program_id=program.pk,
                version_id=version.pk,
                expected_version=form.cleaned_data["version"],
                data=form.to_input(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        except ConcurrentEdit as error:
            concurrent_error = error.message
        else:
            messages.success(
                request, _("Draft saved. Preview its impact before putting it in effect.")
            )
            return redirect("eligibility:draft_edit", program.pk, version.pk)
    return render(
        request,
        "eligibility/draft_form.html",
        {
            "program": program,
            "version": version,
            "form": form,
            "concurrent_error": concurrent_error,
            "adopt_form": AdoptForm(initial={"effective_from": timezone.localdate()}),
        },
    )


@worker_page
def draft_preview(request, program_id: int, version_id: int):
    require_page(request, Capability.MANAGE_PROGRAMS)
    program = get_program_for_user(request.user, program_id)
    version = get_version(program, version_id)
    context = {"program": program, "version": version}
    try:
        context["impact"] = preview_impact(actor=request.user, version=version)
    except DomainError as error:
        context["problem"] = error.message
    template = "eligibility/partials/impact.html" if wants_partial(request) else None
    return render(request, template or "eligibility/preview.html", context)


@worker_page
@require_POST
def draft_adopt(request, program_id: int, version_id: int):
    require_page(request, Capability.MANAGE_PROGRAMS)
    form = AdoptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the date the rules are in effect from."))
        return redirect("eligibility:draft_edit", program_id, version_id)
    try:
        version = adopt_version(
            actor=request.user,
            program_id=program_id,
            version_id=version_id,
            effective_from=form.cleaned_data["effective_from"],
        )
    except ValidationError as error:
        for field_messages in error.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect("eligibility:draft_edit", program_id, version_id)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("eligibility:program", program_id)
    messages.success(
        request,
        _("Version %(number)s is adopted. Run the rules to store the new decisions.")
        % {"number": version.number},
    )
    return redirect("eligibility:program", program_id)


@worker_page
@require_POST
def run_rules(request, program_id: int):
    require_page(request, Capability.MANAGE_PROGRAMS)
    try:
        requested = request_eligibility_run(actor=request.user, program_id=program_id)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("eligibility:program", program_id)
    if requested.created:
        messages.success(
            request, _("The rules are running in the background; this page follows the run.")
        )
    else:
        messages.warning(request, ALREADY_REQUESTED)
    return redirect("eligibility:job", program_id, requested.job.pk)


@worker_page
@require_GET
def job_status(request, program_id: int, job_id: int):
    """A requested run. While it is queued or running, htmx polls this page for its
    fragment; once the decisions are stored it takes the clerk to the results."""
    require_page(request, Capability.MANAGE_PROGRAMS)
    program = get_program_for_user(request.user, program_id)
    job = get_job_for_user(request.user, program, job_id)
    context = {"program": program, "job": job}
    if not wants_partial(request):
        return render(request, "eligibility/job.html", context)
    if job.is_active:
        return render(request, "eligibility/partials/job_progress.html", context)
    if job.run_id is not None:
        messages.success(request, _("Eligibility decisions stored for every worker."))
        url = reverse("eligibility:run_detail", args=[program.pk, job.run_id])
        return HttpResponse(headers={"HX-Redirect": url})
    return HttpResponse(headers={"HX-Refresh": "true"})


@worker_page
def run_detail(request, program_id: int, run_id: int):
    _require_reader(request)
    program = get_program_for_user(request.user, program_id)
    run = get_run_for_user(request.user, program, run_id)
    context = {"program": program, "run": run, "cut": visible_cut(request.user, run)}
    if can_see_decisions(request.user):
        context |= _decision_list(request, run)
        if wants_partial(request):  # a filter changed: the counts stay as they are
            return render(request, "eligibility/partials/decisions.html", context)
    context["counts"] = run_counts(request.user, run)
    return render(request, "eligibility/run_detail.html", context)


def _decision_list(request, run) -> dict:
    reasons = [(code, REASON_LABELS[reason]) for reason, code in REASON_CODES.items()]
    form = DecisionFilterForm(
        request.GET or None, districts=districts_for_user(request.user), reasons=reasons
    )
    data = form.cleaned_data if form.is_valid() else {}
    eligible = {"yes": True, "no": False}.get(data.get("eligible", ""))
    filters = DecisionFilters(
        district=data.get("district", ""),
        sector=data.get("sector", ""),
        eligible=eligible,
        reason=data.get("reason", ""),
        cut=data.get("cut", ""),
    )
    decisions = search_decisions(request.user, run, filters)
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(d, decision_text(d, run), cut_text(d)) for d in page.object_list]
    return {"filter_form": form, "page": page, "rows": rows}


@worker_page
@require_POST
def override_record(request, program_id: int, worker_id: int):
    if not can_decide_overrides(request.user):
        raise HttpForbidden
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            record_override(
                actor=request.user,
                program_id=program_id,
                worker_id=worker_id,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for field_messages in error.message_dict.values():
                for message in field_messages:
                    messages.error(request, message)
        else:
            messages.success(request, _("Decision recorded; it counts from the next run."))
    else:
        messages.error(request, _("Choose a decision and write its reason."))
    return redirect("registry:worker_detail", worker_id=worker_id)


@worker_page
@require_POST
def override_withdraw(request, override_id: int):
    if not can_decide_overrides(request.user):
        raise HttpForbidden
    override = withdraw_override(actor=request.user, override_id=override_id)
    messages.success(request, _("Decision withdrawn; the rules apply again from the next run."))
    return redirect("registry:worker_detail", worker_id=override.worker_id)
