"""The duplicate review pages: the queue, a case side by side, and its decisions.

A batch run's state lives in its own row; while it runs, the queue polls a small progress
fragment (as the import pages do).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts.permissions import Capability
from lindung.core.exceptions import DomainError, NotFound, PermissionDenied
from lindung.dedup.comparison import (
    comparison_rows,
    default_worker,
    differing_fields,
    evidence_lines,
    field_label,
)
from lindung.dedup.forms import (
    CaseFilterForm,
    MergeForm,
    ReasonForm,
    SeparateForm,
    expected_versions,
)
from lindung.dedup.models import CaseStatus
from lindung.dedup.selectors import (
    case_counts,
    case_detail,
    get_case_for_user,
    get_run_for_user,
    latest_run,
    queue_rows,
    search_cases,
    sees_case_worker,
)
from lindung.dedup.services import (
    merge_workers,
    resolve_as_different,
    separate_worker,
    start_duplicate_search,
    undo_merge,
)
from lindung.registry.services import IDENTITY_FIELDS, reveal_worker_identity
from lindung.registry.views.common import require_page, wants_partial, worker_page

PAGE_SIZE = 25


@worker_page
def case_queue(request):
    require_page(request, Capability.RESOLVE_DUPLICATES)
    form = CaseFilterForm(request.GET, user=request.user)
    filters = form.filters()
    page = Paginator(search_cases(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": queue_rows(request.user, list(page.object_list)),
        "counts": case_counts(request.user, district=filters.district),
        "statuses": CaseStatus,
        "run": latest_run(),
    }
    template = "dedup/partials/queue_results.html" if wants_partial(request) else "dedup/queue.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@worker_page
@require_POST
def run_start(request):
    require_page(request, Capability.RESOLVE_DUPLICATES)
    try:
        start_duplicate_search(
            user=request.user, changed_only=request.POST.get("changed_only") == "1"
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The search for duplicates has started."))
    return redirect("dedup:queue")


@worker_page
@require_GET
def run_progress(request, run_id: int):
    """The polled fragment; when the run has finished, htmx reloads the queue."""
    require_page(request, Capability.RESOLVE_DUPLICATES)
    run = get_run_for_user(request.user, run_id)
    if not request.htmx:
        return redirect("dedup:queue")
    if not run.is_running:
        return HttpResponse(headers={"HX-Refresh": "true"})
    return render(request, "dedup/partials/run_progress.html", {"run": run})


@worker_page
def case_page(request, case_id: int):
    require_page(request, Capability.RESOLVE_DUPLICATES)
    case = get_case_for_user(request.user, case_id)
    return _render_case(request, case)


def _render_case(request, case, *, error="", **forms):
    detail = case_detail(request.user, case)
    workers = [record.worker for record in detail.records if record.worker is not None]
    rows = comparison_rows(detail.records)
    differing = [row.field for row in rows if row.differs]
    default = default_worker(workers) if workers else None
    merge_form, undo_form = forms.get("merge_form"), forms.get("undo_form")
    different_form, separate_form = forms.get("different_form"), forms.get("separate_form")
    if detail.can_resolve and case.status == CaseStatus.OPEN:
        merge_form = merge_form or MergeForm(
            workers=workers, differing=differing, default_worker=default.pk
        )
        different_form = different_form or ReasonForm(workers=workers, prefix="different")
        if len(workers) >= 3:
            separate_form = separate_form or SeparateForm(workers=workers)
    if detail.can_resolve and detail.merge is not None:
        undo_form = undo_form or ReasonForm(prefix="undo")
    return render(
        request,
        "dedup/case.html",
        {
            "case": case,
            "detail": detail,
            "rows": rows,
            "pairs": [(pair, evidence_lines(pair)) for pair in detail.pairs],
            "merge_form": merge_form,
            "merge_fields": [(row, merge_form[f"field_{row.field}"]) for row in rows if row.differs]
            if merge_form
            else [],
            "different_form": different_form,
            "undo_form": undo_form,
            "separate_form": separate_form,
            "default_worker": default,
            "error": error,
        },
    )


@worker_page
@require_POST
def case_merge(request, case_id: int):
    require_page(request, Capability.RESOLVE_DUPLICATES)
    case = get_case_for_user(request.user, case_id)
    detail = case_detail(request.user, case)
    workers = [record.worker for record in detail.records if record.worker is not None]
    form = MergeForm(
        request.POST,
        workers=workers,
        differing=differing_fields(detail.records),
        default_worker=default_worker(workers).pk,
    )
    if not form.is_valid():
        return _render_case(request, case, merge_form=form)
    try:
        merge_workers(
            user=request.user,
            case=case,
            survivor_id=form.cleaned_data["survivor"],
            field_choices=form.field_choices(),
            reason=form.cleaned_data["reason"],
            expected_versions=expected_versions(form),
        )
    except (NotFound, PermissionDenied):
        raise
    except ValidationError as error:
        return _render_case(request, case, merge_form=form, error=_validation_text(error))
    except DomainError as error:  # includes ConcurrentEdit
        return _render_case(request, case, merge_form=form, error=error.message)
    messages.success(request, _("The records are merged."))
    return redirect("dedup:case", case_id=case.pk)


def _validation_text(error: ValidationError) -> str:
    by_field = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    return " ".join(
        f"{field_label(field) if field and field != '__all__' else ''}: {message}".lstrip(": ")
        for field, messages_ in by_field.items()
        for message in messages_
    )


@worker_page
@require_POST
def case_different(request, case_id: int):
    require_page(request, Capability.RESOLVE_DUPLICATES)
    case = get_case_for_user(request.user, case_id)
    detail = case_detail(request.user, case)
    workers = [record.worker for record in detail.records if record.worker is not None]
    form = ReasonForm(request.POST, workers=workers, prefix="different")
    if not form.is_valid():
        return _render_case(request, case, different_form=form)
    try:
        resolve_as_different(
            user=request.user,
            case=case,
            reason=form.cleaned_data["reason"],
            expected_versions=expected_versions(form),
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        return _render_case(request, case, different_form=form, error=error.message)
    messages.success(request, _("Recorded: these are different people."))
    return redirect("dedup:case", case_id=case.pk)


@worker_page
@require_POST
def case_separate(request, case_id: int):
    require_page(request, Capability.RESOLVE_DUPLICATES)
    case = get_case_for_user(request.user, case_id)
    detail = case_detail(request.user, case)
    workers = [record.worker for record in detail.records if record.worker is not None]
    form = SeparateForm(request.POST, workers=workers)
    if not form.is_valid():
        return _render_case(request, case, separate_form=form)
    try:
        separate_worker(
            user=request.user,
            case=case,
            worker_id=form.cleaned_data["worker"],
            reason=form.cleaned_data["reason"],
            expected_versions=expected_versions(form),
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        return _render_case(request, case, separate_form=form, error=error.message)
    messages.success(request, _("The record is taken out of the case."))
    return redirect("dedup:case", case_id=case.pk)


@worker_page
@require_POST
def case_undo(request, case_id: int):
    require_page(request, Capability.RESOLVE_DUPLICATES)
    case = get_case_for_user(request.user, case_id)
    merge = case_detail(request.user, case).merge
    if merge is None:
        raise Http404
    form = ReasonForm(request.POST, prefix="undo")
    if not form.is_valid():
        return _render_case(request, case, undo_form=form)
    try:
        undo_merge(user=request.user, merge=merge, reason=form.cleaned_data["reason"])
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        return _render_case(request, case, undo_form=form, error=error.message)
    messages.success(request, _("The merge is undone; the case is open again."))
    return redirect("dedup:case", case_id=case.pk)


@worker_page
@require_POST
def case_reveal(request, case_id: int, worker_id: int, field: str):
    """A full NIK, KK or phone number of one record of the case; the look is audited."""
    if field not in IDENTITY_FIELDS:
        raise Http404
    require_page(request, Capability.RESOLVE_DUPLICATES)
    case = get_case_for_user(request.user, case_id)
    if not sees_case_worker(request.user, case, worker_id):
        raise Http404
    value = reveal_worker_identity(actor=request.user, worker_id=worker_id, field=field)
    return render(
        request,
        "dedup/partials/revealed.html",
        {"value": value, "field": field, "worker_id": worker_id},
    )
