"""One worker: all fields, heirs, status moves, history; revealing a full identity number."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import Capability, has_capability
from lindung.core.exceptions import DomainError, NotFound, PermissionDenied
from lindung.registry.forms import StatusForm
from lindung.registry.models import Worker
from lindung.registry.selectors import get_worker_for_user, worker_history
from lindung.registry.services import (
    IDENTITY_FIELDS,
    STATUS_TRANSITIONS,
    change_worker_status,
    reveal_worker_identity,
)
from lindung.registry.views.common import require_page, worker_page
from lindung.registry.views.history import timeline


def next_statuses(user, worker: Worker) -> list[str]:
    """The statuses this user may move the worker to from where it stands."""
    return [
        to
        for (start, to), capability in STATUS_TRANSITIONS.items()
        if start == worker.status and has_capability(user, capability)
    ]


def _render_detail(
    request, worker: Worker, status_form: StatusForm | None = None, status_error: str = ""
):
    allowed = next_statuses(request.user, worker)
    if status_form is None and allowed:
        status_form = StatusForm(initial={"version": worker.version}, next_statuses=allowed)
    return render(
        request,
        "registry/worker_detail.html",
        {
            "worker": worker,
            "heirs": list(worker.heirs.all()),
            "status_form": status_form,
            "status_error": status_error,
            "history": timeline(worker_history(request.user, worker), worker.status_changes.all()),
        },
    )


@worker_page
def worker_detail(request, worker_id: int):
    require_page(request, Capability.VIEW_WORKERS)
    return _render_detail(request, get_worker_for_user(request.user, worker_id))


@worker_page
@require_POST
def worker_status(request, worker_id: int):
    require_page(request, Capability.VIEW_WORKERS)
    worker = get_worker_for_user(request.user, worker_id)
    form = StatusForm(request.POST, next_statuses=next_statuses(request.user, worker))
    if not form.is_valid():
        return _render_detail(request, worker, form)
    try:
        change_worker_status(
            actor=request.user,
            worker_id=worker.pk,
            expected_version=form.cleaned_data["version"],
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except (NotFound, PermissionDenied):  # 404 and 403, answered by worker_page
        raise
    except DomainError as error:  # includes ConcurrentEdit: the form keeps what was chosen
        return _render_detail(request, worker, form, status_error=error.message)
    messages.success(request, _("Status changed."))
    return redirect("registry:worker_detail", worker_id=worker.pk)


@worker_page
@require_POST
def worker_reveal(request, worker_id: int, field: str):
    if field not in IDENTITY_FIELDS:
        raise Http404
    value = reveal_worker_identity(actor=request.user, worker_id=worker_id, field=field)
    return render(request, "registry/partials/revealed.html", {"value": value, "field": field})
