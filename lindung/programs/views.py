"""Funders and programmes pages: lists, details with the budget position, and the
administrators' forms. Views authorise, bind a form, call one service and render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import Capability, has_capability
from lindung.core.exceptions import ConcurrentEdit, DomainError
from lindung.programs.budget import budget_position
from lindung.programs.forms import (
    BudgetForm,
    FundingSourceForm,
    ProgramForm,
    RateForm,
    SharesForm,
    area_choices,
)
from lindung.programs.rates import contribution_under, rate_in_effect
from lindung.programs.selectors import (
    active_funding_sources_for_user,
    all_rate_versions,
    budgets_of,
    can_read_programs,
    can_see_money,
    funding_sources_for_user,
    get_funding_source_for_user,
    get_program_for_user,
    programs_for_user,
    rate_rows,
    share_rule_for_user,
    shares_for_user,
    shares_paid_by,
)
from lindung.programs.services import (
    add_rate_version,
    create_program,
    save_funding_source,
    set_funding_budget,
    set_funding_shares,
    update_program,
    withdraw_rate_version,
)
from lindung.regions.selectors import normalize_code
from lindung.registry.views.common import require_page, wants_partial, worker_page


def _apply_errors(form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def _require_reader(request) -> None:
    if not can_read_programs(request.user):
        raise HttpForbidden


# ---------------------------------------------------------------- funding sources


@worker_page
def funding_source_list(request):
    year = timezone.localdate().year
    sources = funding_sources_for_user(request.user).prefetch_related("budgets")
    rows = [
        (source, next((b for b in source.budgets.all() if b.fiscal_year == year), None))
        for source in sources
    ]
    return render(request, "programs/funding_source_list.html", {"rows": rows, "year": year})


@worker_page
def funding_source_detail(request, funding_source_id: int):
    source = get_funding_source_for_user(request.user, funding_source_id)
    form = BudgetForm(initial={"fiscal_year": timezone.localdate().year})
    if request.method == "POST":
        require_page(request, Capability.MANAGE_PROGRAMS)
        form = BudgetForm(request.POST)
        if form.is_valid():
            try:
                set_funding_budget(
                    actor=request.user, funding_source_id=source.pk, **form.cleaned_data
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Budget saved."))
                return redirect("programs:funding_source_detail", source.pk)
    shares = shares_paid_by(source)
    return render(
        request,
        "programs/funding_source_detail.html",
        {"source": source, "budgets": budgets_of(source), "shares": shares, "form": form},
    )


@worker_page
def funding_source_form(request, funding_source_id: int | None = None):
    require_page(request, Capability.MANAGE_PROGRAMS)
    source = None
    initial = {}
    if funding_source_id is not None:
        source = get_funding_source_for_user(request.user, funding_source_id)
        initial = FundingSourceForm.initial_for(source)
    form = FundingSourceForm(request.POST or None, initial=initial)
    concurrent_error = ""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_funding_source(
                actor=request.user,
                data=form.to_input(),
                funding_source_id=source.pk if source else None,
                expected_version=form.cleaned_data["version"] if source else None,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        except ConcurrentEdit as error:
            concurrent_error = error.message
        else:
            messages.success(request, _("Funding source saved."))
            return redirect("programs:funding_source_detail", saved.pk)
    return render(
        request,
        "programs/funding_source_form.html",
        {"source": source, "form": form, "concurrent_error": concurrent_error},
    )


# ---------------------------------------------------------------- programmes


@worker_page
def program_list(request):
    _require_reader(request)
    today = timezone.localdate()
    programs = list(programs_for_user(request.user).prefetch_related("shares__funding_source"))
    versions = all_rate_versions()
    rows = []
    for program in programs:
        own = [v for v in versions if v.program_id in (None, program.pk)]
        payers = {s.funding_source.kind for s in program.shares.all() if s.area_id is None}
        rate = rate_in_effect(own, on=today, payer_kinds=payers)
        rows.append((program, contribution_under(rate, program) if rate else None))
    return render(
        request,
        "programs/program_list.html",
        {"rows": rows, "today": today, "can_see_money": can_see_money(request.user)},
    )


@worker_page
def program_detail(request, program_id: int):
    _require_reader(request)
    program = get_program_for_user(request.user, program_id)
    rows = rate_rows(program)
    shares = shares_for_user(request.user, program)
    context = {
        "program": program,
        "rate_rows": rows,
        "shares": shares,
        "contribution": _contribution_today(program, rows, shares),
        "can_manage": has_capability(request.user, Capability.MANAGE_PROGRAMS),
    }
    if can_see_money(request.user):
        context |= _budget_context(request, program)
        if wants_partial(request):
            return render(request, "programs/partials/budget.html", context)
    return render(request, "programs/program_detail.html", context)


def _contribution_today(program, rows, shares):
    """What a member costs this month under the programme's default funders."""
    payers = {share.funding_source.kind for share in shares if share.area_id is None}
    versions = [row.version for row in rows]
    rate = rate_in_effect(versions, on=timezone.localdate(), payer_kinds=payers)
    return contribution_under(rate, program) if rate else None


def _budget_context(request, program) -> dict:
    this_year = timezone.localdate().year
    last = program.last_fiscal_year or max(this_year + 1, program.first_fiscal_year)
    years = list(range(program.first_fiscal_year, last + 1))
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = this_year
    if year not in years:
        year = this_year if this_year in years else years[-1]
    try:
        position, problem = budget_position(program, year), ""
    except DomainError as error:
        position, problem = None, error.message
    return {"years": years, "year": year, "position": position, "budget_problem": problem}


@worker_page
def program_form(request, program_id: int | None = None):
    require_page(request, Capability.MANAGE_PROGRAMS)
    program = get_program_for_user(request.user, program_id) if program_id else None
    initial = ProgramForm.initial_for(program) if program else {}
    form = ProgramForm(request.POST or None, initial=initial)
    concurrent_error = ""
    if request.method == "POST" and form.is_valid():
        try:
            if program is None:
                saved = create_program(actor=request.user, data=form.to_input())
            else:
                saved = update_program(
                    actor=request.user,
                    program_id=program.pk,
                    expected_version=form.cleaned_data["version"] or 0,
                    data=form.to_input(),
                )
        except ValidationError as error:
            _apply_errors(form, error)
        except ConcurrentEdit as error:
            concurrent_error = error.message
        else:
            messages.success(request, _("Programme saved."))
            return redirect("programs:program_detail", saved.pk)
    return render(
        request,
        "programs/program_form.html",
        {"program": program, "form": form, "concurrent_error": concurrent_error},
    )


@worker_page
def rate_add(request, program_id: int):
    require_page(request, Capability.MANAGE_PROGRAMS)
    program = get_program_for_user(request.user, program_id)
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        national = form.cleaned_data["national"]
        try:
            add_rate_version(
                actor=request.user,
                program_id=None if national else program.pk,
                data=form.to_input(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Rate version added."))
            return redirect("programs:program_detail", program.pk)
    return render(request, "programs/rate_form.html", {"program": program, "form": form})


@worker_page
@require_POST
def rate_withdraw(request, program_id: int, rate_version_id: int):
    require_page(request, Capability.MANAGE_PROGRAMS)
    program = get_program_for_user(request.user, program_id)
    try:
        withdraw_rate_version(actor=request.user, rate_version_id=rate_version_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Rate version withdrawn."))
    return redirect("programs:program_detail", program.pk)


@worker_page
def shares_edit(request, program_id: int):
    require_page(request, Capability.MANAGE_PROGRAMS)
    program = get_program_for_user(request.user, program_id)
    choices = area_choices()
    area = normalize_code(request.POST.get("area", request.GET.get("area", "")))
    if area not in dict(choices):
        area = ""
    funders = active_funding_sources_for_user(request.user)
    current = share_rule_for_user(request.user, program, area or None)
    form = SharesForm(request.POST or None, funders=funders, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            set_funding_shares(
                actor=request.user,
                program_id=program.pk,
                area_code=area or None,
                shares=form.shares(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Shares saved."))
            return redirect("programs:program_detail", program.pk)
    context = {"program": program, "form": form, "area": area, "area_choices": choices}
    if wants_partial(request):
        return render(request, "programs/partials/shares_fields.html", context)
    return render(request, "programs/shares_form.html", context)
