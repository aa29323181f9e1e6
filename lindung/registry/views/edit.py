"""Registering and correcting a worker, and the NIK check made while the form is filled in."""

import dataclasses
import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import Capability
from lindung.core.exceptions import ConcurrentEdit
from lindung.core.formatting import mask_identity_number, mask_phone
from lindung.dedup.check import (
    DuplicateSuspected,
    check_record,
    is_checkable,
    possible_duplicates,
)
from lindung.registry import validation
from lindung.registry.cleaning import clean_worker_values
from lindung.registry.forms import (
    HeirFormSet,
    WorkerForm,
    apply_service_errors,
    worker_input,
)
from lindung.registry.inputs import HeirInput, WorkerInput
from lindung.registry.selectors import get_worker_for_user
from lindung.registry.services import (
    IDENTITY_FIELDS,
    register_worker,
    update_worker,
    worker_input_from,
)
from lindung.registry.views.common import require_page, worker_page

HEIR_PREFIX = "heirs"


def _render_form(request, form, heirs, *, worker=None, concurrent_error: str = "", duplicates=None):
    return render(
        request,
        "registry/worker_form.html",
        {
            "form": form,
            "heirs": heirs,
            "worker": worker,
            "concurrent_error": concurrent_error,
            "duplicates": duplicates or [],
            "duplicates_checked": duplicates is not None,
        },
    )


@worker_page
def worker_create(request):
    require_page(request, Capability.EDIT_WORKERS)
    form = WorkerForm(request.POST or None, user=request.user)
    heirs = HeirFormSet(
        request.POST or None, prefix=HEIR_PREFIX, initial=None if request.method == "POST" else [{}]
    )
    if request.method == "POST" and form.is_valid() and heirs.is_valid():
        try:
            worker = register_worker(
                actor=request.user,
                data=worker_input(form, heirs),
                check_duplicates=True,
                confirmed_not_duplicate=form.cleaned_data["confirmed_not_duplicate"],
            )
        except ValidationError as error:
            apply_service_errors(error, form, heirs)
        except DuplicateSuspected as error:
            form.add_error(None, error.message)
            return _render_form(request, form, heirs, duplicates=error.candidates)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": worker.full_name})
            return redirect("registry:worker_detail", worker_id=worker.pk)
    return _render_form(request, form, heirs)


@worker_page
def worker_edit(request, worker_id: int):
    require_page(request, Capability.EDIT_WORKERS)
    worker = get_worker_for_user(request.user, worker_id)
    stored = worker_input_from(worker)
    if request.method != "POST":
        initial = {
            key: value
            for key, value in stored.__dict__.items()
            if key != "heirs" and key not in IDENTITY_FIELDS
        }
        form = WorkerForm(initial=initial | {"version": worker.version}, user=request.user)
        heirs = HeirFormSet(
            prefix=HEIR_PREFIX,
            initial=[
                {key: value for key, value in heir.__dict__.items() if key not in ("nik", "phone")}
                for heir in stored.heirs
            ],
        )
        _hide_stored_identity(form, heirs, stored)
        return _render_form(request, form, heirs, worker=worker)
    form = WorkerForm(request.POST, user=request.user)
    heirs = HeirFormSet(request.POST, prefix=HEIR_PREFIX)
    _hide_stored_identity(form, heirs, stored)
    if form.is_valid() and heirs.is_valid():
        data = worker_input(form, heirs)
        try:
            update_worker(
                actor=request.user,
                worker_id=worker.pk,
                expected_version=form.cleaned_data["version"] or 0,
                changes=_changes_keeping_identity(data, cleared=form.cleared()),
                heirs=_heirs_keeping_identity(data.heirs, stored.heirs),
            )
        except ConcurrentEdit as error:
            return _render_form(request, form, heirs, worker=worker, concurrent_error=error.message)
        except ValidationError as error:
            apply_service_errors(error, form, heirs)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("registry:worker_detail", worker_id=worker.pk)
    return _render_form(request, form, heirs, worker=worker)


# Stored NIK, KK and phone numbers never appear in the edit page: an empty input keeps them.
def _hide_stored_identity(form, heirs, stored: WorkerInput) -> None:
    form.hide_stored_identity(
        {
            "nik": mask_identity_number(stored.nik),
            "kk_number": mask_identity_number(stored.kk_number),
            "phone": mask_phone(stored.phone),
        }
    )
    stored_heirs = {heir.id: heir for heir in stored.heirs}
    for heir_form in heirs.forms:
        heir_id = heir_form["id"].value()
        heir = stored_heirs.get(int(heir_id)) if str(heir_id or "").isdigit() else None
        if heir is not None:
            heir_form.hide_stored_identity(
                {"nik": mask_identity_number(heir.nik), "phone": mask_phone(heir.phone)}
            )


def _changes_keeping_identity(data: WorkerInput, *, cleared: set[str]) -> dict:
    changes = {
        key: value
        for key, value in data.__dict__.items()
        if key != "heirs" and not (key in IDENTITY_FIELDS and not value)
    }
    return changes | dict.fromkeys(cleared, "")


def _heirs_keeping_identity(heirs: list[HeirInput], stored: list[HeirInput]) -> list[HeirInput]:
    stored_heirs = {heir.id: heir for heir in stored}
    kept = []
    for heir in heirs:
        previous = stored_heirs.get(heir.id)
        if previous is not None:
            heir = dataclasses.replace(
                heir, nik=heir.nik or previous.nik, phone=heir.phone or previous.phone
            )
        kept.append(heir)
    return kept


@worker_page
@require_POST
def worker_check_nik(request):
    """The NIK field's message, by the same rules a save applies (including duplicates)."""
    require_page(request, Capability.EDIT_WORKERS)
    nik = request.POST.get("nik", "").strip()
    if not nik:
        return render(request, "registry/partials/nik_check.html", {})
    birth_date = _date_or_none(request.POST.get("birth_date", ""))
    sex = request.POST.get("sex", "")
    current = None
    if request.POST.get("worker_id", "").isdigit():
        current = get_worker_for_user(request.user, int(request.POST["worker_id"]))
    errors: list[str] = []
    try:
        # Other fields are absent here, so only the NIK's own messages are kept.
        clean_worker_values(
            {"nik": nik, "birth_date": birth_date, "sex": sex}, actor=request.user, current=current
        )
    except ValidationError as error:
        errors = error.message_dict.get("nik", [])
    warnings = [] if errors else _mismatch_warnings(nik, birth_date, sex)
    return render(
        request,
        "registry/partials/nik_check.html",
        {"errors": errors, "warnings": warnings, "checked": True},
    )


@worker_page
@require_POST
def worker_check_duplicates(request):
    """The registration form's panel of workers already in the registry who may be the
    person being typed in (``dedup.check``); refreshed as the identity fields change."""
    require_page(request, Capability.EDIT_WORKERS)
    values = {
        field: request.POST.get(field, "").strip()
        for field in ("nik", "full_name", "sex", "village", "kk_number", "phone")
    }
    values["birth_date"] = _date_or_none(request.POST.get("birth_date", ""))
    return render(
        request,
        "dedup/check_panel.html",
        {
            "duplicates": possible_duplicates(user=request.user, values=values),
            # "None found" only once there is enough to look for: a NIK, or name and birth date.
            "duplicates_checked": is_checkable(check_record(values)),
            "confirmed": request.POST.get("confirmed_not_duplicate") == "on",
        },
    )


def _mismatch_warnings(nik: str, birth_date: dt.date | None, sex: str) -> list[str]:
    facts = validation.check_nik(nik, declared_birth_date=birth_date)
    warnings = []
    if birth_date and birth_date != facts.birth_date:
        warnings.append(
            _(
                "The NIK encodes the birth date %(date)s. The worker will be saved "
                "and flagged for verification."
            )
            % {"date": facts.birth_date.strftime("%d-%m-%Y")}
        )
    if sex and sex != facts.sex:
        warnings.append(
            _(
                "The NIK encodes the other sex. The worker will be saved and "
                "flagged for verification."
            )
        )
    return warnings


def _date_or_none(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
