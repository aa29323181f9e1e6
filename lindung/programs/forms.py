"""Forms of the programme pages: they turn text into typed values; the services decide
whether the values are acceptable, so the pages and the API agree."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.programs.inputs import FundingSourceInput, ProgramInput, RateInput
from lindung.programs.models import FunderKind, FundingShare, FundingSource, Program
from lindung.regions.selectors import regency_districts, regency_villages


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _village_choices():
    return [(v.code, v.label) for v in regency_villages()]


class FundingSourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=FunderKind.choices)
    village = forms.ChoiceField(
        label=_("Village"), required=False, help_text=_("For a village budget only.")
    )
    membership_kind = forms.CharField(
        label=_("BPJS membership kind"),
        max_length=8,
        required=False,
        help_text=_("As BPJS registers the members it pays for, e.g. SG."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    contact_email = forms.CharField(label=_("Contact email"), max_length=254, required=False)
    agreement_reference = forms.CharField(
        label=_("Agreement reference"), max_length=120, required=False
    )
    agreement_start = forms.DateField(label=_("Agreement from"), required=False, widget=DateInput)
    agreement_end = forms.DateField(label=_("Agreement until"), required=False, widget=DateInput)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "—"), *_village_choices()]

    @classmethod
    def initial_for(cls, source: FundingSource) -> dict:
        names = [name for name in cls.base_fields if name not in ("village",)]
        return {name: getattr(source, name) for name in names} | {"village": source.village_id}

    def to_input(self) -> FundingSourceInput:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return FundingSourceInput(**data)


class BudgetForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    amount = forms.IntegerField(label=_("Budget (Rp)"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    owning_office = forms.CharField(label=_("Owning office"), max_length=150)
    first_fiscal_year = forms.IntegerField(label=_("First fiscal year"), min_value=2000)
    last_fiscal_year = forms.IntegerField(
        label=_("Last fiscal year"),
        min_value=2000,
        required=False,
        help_text=_("Empty while it goes on."),
    )
    reported_income = forms.IntegerField(
        label=_("Reported income (Rp)"), min_value=1, initial=1_000_000
    )
    includes_jht = forms.BooleanField(label=_("Includes old-age savings (JHT)"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, program: Program) -> dict:
        return {name: getattr(program, name) for name in cls.base_fields}

    def to_input(self) -> ProgramInput:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return ProgramInput(**data)


class RateForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput,
        help_text=_("Only for a rate with a known end, such as a temporary discount."),
    )
    jkk_percent = forms.DecimalField(
        label=_("JKK (percent of the reported income)"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("1.00"),
    )
    jkm_amount = forms.IntegerField(label=_("JKM (Rp a month)"), min_value=0, initial=6_800)
    jht_percent = forms.DecimalField(
        label=_("JHT (percent of the reported income)"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("2.00"),
    )
    discount_percent = forms.DecimalField(
        label=_("Discount on JKK and JKM (%)"), max_digits=5, decimal_places=2, initial=Decimal(0)
    )
    payer_kinds = forms.MultipleChoiceField(
        label=_("For payers"),
        choices=FunderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every payer."),
    )
    legal_reference = forms.CharField(label=_("Legal reference"), max_length=120)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    national = forms.BooleanField(label=_("National rate for every programme"), required=False)

    def to_input(self) -> RateInput:
        data = {k: v for k, v in self.cleaned_data.items() if k != "national"}
        return RateInput(**data)


class SharesForm(forms.Form):
    """One percentage field per active funder, for the area chosen on the page."""

    def __init__(self, *args, funders: list[FundingSource], current: list[FundingShare], **kw):
        super().__init__(*args, **kw)
        now = {share.funding_source_id: share.percent for share in current}
        self.funders = funders
        for funder in funders:
            self.fields[f"funder_{funder.pk}"] = forms.DecimalField(
                label=funder.name,
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
                initial=now.get(funder.pk),
            )

    def shares(self) -> dict[int, Decimal]:
        return {
            funder.pk: value
            for funder in self.funders
            if (value := self.cleaned_data.get(f"funder_{funder.pk}"))
        }


def area_choices() -> list[tuple[str, str]]:
    choices = [("", str(_("Whole programme (default)")))]
    for district in regency_districts():
        choices.append((district.code, f"Kec. {district.name}"))
    choices += [(v.code, v.label) for v in regency_villages()]
    return choices
