"""Administrators keep the lists of sectors and occupation names up to date."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import Capability, has_capability
from lindung.core.exceptions import NotFound
from lindung.registry.models import Occupation, Sector
from lindung.registry.sector_services import map_occupation, save_sector, unmap_occupation


class SectorForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=80, required=False)
    sort_order = forms.IntegerField(label=gettext_lazy("Order"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


class OccupationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Occupation"), max_length=80)
    sector = forms.ChoiceField(label=gettext_lazy("Sector"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [(s.code, s.name) for s in Sector.objects.all()]


def _require_manager(request) -> None:
    if not has_capability(request.user, Capability.MANAGE_REFERENCE_DATA):
        raise HttpForbidden


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


@login_required
def sector_list(request):
    _require_manager(request)
    sector_form = SectorForm(prefix="sector")
    occupation_form = OccupationForm(prefix="occupation")
    if request.method == "POST" and "sector-name" in request.POST:
        sector_form = SectorForm(request.POST, prefix="sector")
        if sector_form.is_valid():
            try:
                save_sector(actor=request.user, sector_id=None, **sector_form.cleaned_data)
            except ValidationError as error:
                _apply_errors(sector_form, error)
            else:
                messages.success(request, _("Sector added."))
                return redirect("registry:sector_list")
    elif request.method == "POST":
        occupation_form = OccupationForm(request.POST, prefix="occupation")
        if occupation_form.is_valid():
            try:
                map_occupation(
                    actor=request.user,
                    name=occupation_form.cleaned_data["name"],
                    sector_code=occupation_form.cleaned_data["sector"],
                )
            except ValidationError as error:
                _apply_errors(occupation_form, error)
            else:
                messages.success(request, _("Occupation saved."))
                return redirect("registry:sector_list")
    return render(
        request,
        "registry/sectors/list.html",
        {
            "sectors": Sector.objects.all(),
            "occupations": Occupation.objects.select_related("sector"),
            "sector_form": sector_form,
            "occupation_form": occupation_form,
        },
    )


@login_required
def sector_edit(request, sector_id: int):
    _require_manager(request)
    sector = Sector.objects.filter(pk=sector_id).first()
    if sector is None:
        raise Http404
    form = SectorForm(
        request.POST or None,
        initial={
            "name": sector.name,
            "name_en": sector.name_en,
            "sort_order": sector.sort_order,
            "is_active": sector.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_sector(actor=request.user, sector_id=sector.pk, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Sector saved."))
            return redirect("registry:sector_list")
    return render(request, "registry/sectors/edit.html", {"sector": sector, "form": form})


@login_required
@require_POST
def occupation_delete(request, occupation_id: int):
    _require_manager(request)
    try:
        unmap_occupation(actor=request.user, occupation_id=occupation_id)
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("Occupation removed."))
    return redirect("registry:sector_list")
