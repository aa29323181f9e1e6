"""Forms of the worker pages.

They only turn text into typed values; whether a value is acceptable is decided by the
services (``cleaning.clean_worker_values``), so the form, the API and imports agree.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.registry.inputs import EDITABLE_FIELDS, HeirInput, WorkerInput
from lindung.registry.models import (
    HeirRelationship,
    InactiveReason,
    LegalBasis,
    Sex,
    WorkerStatus,
)
from lindung.registry.selectors import (
    WorkerFilters,
    active_sectors,
    districts_for_user,
    villages_for_user,
)

KEEP_HELP = _("Shown masked; leave empty to keep the stored number.")
CLEARABLE = ("clear_kk_number", "clear_phone")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _blank(label):
    return [("", label)]


class WorkerFilterForm(forms.Form):
    """The list's search box and filters; a value outside the user's area is ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    district = forms.ChoiceField(label=_("District"), required=False)
    village = forms.ChoiceField(label=_("Village"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(_("All statuses")) + WorkerStatus.choices
    )
    needs_verification = forms.BooleanField(label=_("Needs verification"), required=False)

    def __init__(self, data, *, user: User):
        super().__init__(data)
        self.fields["district"].choices = _blank(_("All districts")) + [
            (district.code, district.name) for district in districts_for_user(user)
        ]
        self.fields["sector"].choices = _blank(_("All sectors")) + [
            (sector.code, sector.name) for sector in active_sectors()
        ]
        # Villages follow the chosen district, so a village of another district is dropped.
        district = data.get("district", "") if data else ""
        if district not in dict(self.fields["district"].choices):
            district = ""
        self.fields["village"].choices = _blank(_("All villages")) + [
            (village.code, village.name if district else village.label)
            for village in villages_for_user(user, district=district)
        ]

    def filters(self) -> WorkerFilters:
        self.is_valid()
        data = self.cleaned_data
        return WorkerFilters(
            q=data.get("q") or "",
            district=data.get("district") or "",
            village=data.get("village") or "",
            sector=data.get("sector") or "",
            status=data.get("status") or "",
            needs_verification=bool(data.get("needs_verification")),
        )


class WorkerForm(forms.Form):
    """One worker. Choice fields are plain text so the service names a wrong choice itself
    (a village outside the user's area says so, rather than "not a valid choice")."""

    nik = forms.CharField(
        label=_("NIK"), required=False, max_length=40, help_text=_("16 digits, as on the e-KTP.")
    )
    full_name = forms.CharField(label=_("Full name"), required=False, max_length=150)
    kk_number = forms.CharField(label=_("Family card (KK) number"), required=False, max_length=40)
    birth_place = forms.CharField(label=_("Place of birth"), required=False, max_length=80)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    sex = forms.CharField(
        label=_("Sex"), required=False, widget=forms.Select(choices=_blank("—") + Sex.choices)
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    rt = forms.CharField(
        label="RT",
        required=False,
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    rw = forms.CharField(
        label="RW",
        required=False,
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    village = forms.CharField(label=_("Village"), required=False, widget=forms.Select)
    occupation = forms.CharField(label=_("Occupation"), required=False, max_length=80)
    sector = forms.CharField(label=_("Sector"), required=False, widget=forms.Select)
    monthly_income = forms.IntegerField(
        label=_("Monthly income (Rp)"),
        required=False,
        min_value=0,
        help_text=_("A whole number of rupiah."),
    )
    welfare_decile = forms.IntegerField(
        label=_("Welfare decile (DTSEN)"), required=False, min_value=1, max_value=10
    )
    source_ref = forms.CharField(label=_("Source reference"), required=False, max_length=60)
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, widget=forms.Select(choices=LegalBasis.choices)
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Asked for only when the registry holds a worker almost surely the same person.
    confirmed_not_duplicate = forms.BooleanField(
        label=_("I checked: this is a different person"), required=False
    )
    # Offered on the edit form beside a stored KK or phone: left empty, a field keeps it.
    clear_kk_number = forms.BooleanField(label=_("Remove the stored number"), required=False)
    clear_phone = forms.BooleanField(label=_("Remove the stored number"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self._clearable = {name: self.fields.pop(name) for name in CLEARABLE}
        for name in ("nik", "full_name", "village"):
            self.fields[name].widget.attrs["required"] = True
        self.fields["nik"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["village"].widget.choices = _blank("—") + _villages_by_district(user)
        self.fields["sector"].widget.choices = _blank(_("— from the occupation —")) + [
            (sector.code, sector.name) for sector in active_sectors()
        ]

    def hide_stored_identity(self, stored: dict[str, str]) -> None:
        """Leave stored numbers out of the page: shown masked, kept when left empty, and a
        stored KK or phone can be removed with its box."""
        for name, masked in stored.items():
            if masked:
                self.fields[name].widget.attrs["placeholder"] = masked
                self.fields[name].help_text = KEEP_HELP
                if f"clear_{name}" in self._clearable:
                    self.fields[f"clear_{name}"] = self._clearable[f"clear_{name}"]
        self.fields["nik"].widget.attrs.pop("required", None)

    def cleared(self) -> set[str]:
        """The stored numbers the user asked to remove."""
        return {name.removeprefix("clear_") for name in CLEARABLE if self.cleaned_data.get(name)}

    def values(self) -> dict:
        """The submitted worker fields, keyed as ``EDITABLE_FIELDS``."""
        return {field: self.cleaned_data.get(field) for field in EDITABLE_FIELDS}


def _villages_by_district(user: User) -> list:
    """Village options grouped under their district (eight village names repeat in Kukar)."""
    groups: dict[str, list] = {}
    for village in villages_for_user(user).order_by("parent__name", "name"):
        groups.setdefault(f"Kec. {village.parent.name}", []).append((village.code, village.name))
    return list(groups.items())


class HeirForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    full_name = forms.CharField(label=_("Name"), required=False, max_length=150)
    relationship = forms.CharField(
        label=_("Relationship"),
        required=False,
        widget=forms.Select(choices=_blank("—") + HeirRelationship.choices),
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    nik = forms.CharField(label=_("NIK"), required=False, max_length=40)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)

    def hide_stored_identity(self, stored: dict[str, str]) -> None:
        for name, masked in stored.items():
            if masked:
                self.fields[name].widget.attrs["placeholder"] = masked
                self.fields[name].help_text = KEEP_HELP

    def is_blank(self) -> bool:
        return not any(
            self.cleaned_data.get(name)
            for name in ("full_name", "relationship", "birth_date", "nik", "phone")
        )


class BaseHeirFormSet(forms.BaseFormSet):
    def heirs(self) -> list[HeirInput]:
        """The heirs as entered, in the order shown; blank and removed rows left out."""
        heirs = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or (form.is_blank() and not data.get("id")):
                continue
            heirs.append(
                HeirInput(
                    id=data.get("id"),
                    full_name=data.get("full_name") or "",
                    relationship=data.get("relationship") or "",
                    birth_date=data.get("birth_date"),
                    nik=data.get("nik") or "",
                    phone=data.get("phone") or "",
                )
            )
        return heirs

    def add_errors(self, messages: list[str]) -> None:
        """Service messages about heirs ("Heir 2: …") shown above the heir rows."""
        self.non_form_errors().extend(messages)


HeirFormSet = formset_factory(
    HeirForm, formset=BaseHeirFormSet, extra=0, can_delete=True, max_num=20, validate_max=True
)


def worker_input(form: WorkerForm, heirs: BaseHeirFormSet) -> WorkerInput:
    values = {key: ("" if value is None else value) for key, value in form.values().items()}
    values["birth_date"] = form.cleaned_data.get("birth_date")
    values["monthly_income"] = form.cleaned_data.get("monthly_income")
    values["welfare_decile"] = form.cleaned_data.get("welfare_decile")
    return WorkerInput(**values, heirs=heirs.heirs())


def apply_service_errors(
    error: ValidationError, form: forms.Form, heirs: BaseHeirFormSet | None = None
) -> None:
    """Put each message of the service next to the field it is about."""
    for field, messages in error.message_dict.items():
        if field == "heirs" and heirs is not None:
            heirs.add_errors(messages)
            continue
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=WorkerStatus.choices)
    reason = forms.ChoiceField(
        label=_("Reason (when inactive)"),
        required=False,
        choices=_blank("—") + InactiveReason.choices,
    )
    note = forms.CharField(
        label=_("Note (required when rejecting)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, next_statuses: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (value, label) for value, label in WorkerStatus.choices if value in next_statuses
        ]
