"""Forms of the eligibility pages: they turn text into typed values; the services decide
whether the values are acceptable, so the pages and the API agree."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.eligibility.inputs import RULE_FIELDS, RulesInput
from lindung.eligibility.models import IncomeLimit, OverrideKind, RuleVersion
from lindung.eligibility.selectors import decision_sectors
from lindung.regions.selectors import regency_districts
from lindung.registry.selectors import active_sectors


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RulesForm(forms.Form):
    """A draft's rules; one quota field per district and one risk rank per sector."""

    min_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=120)
    max_age = forms.IntegerField(label=_("Maximum age"), min_value=0, max_value=120)
    max_welfare_decile = forms.IntegerField(
        label=_("Highest welfare decile (DTSEN)"),
        min_value=1,
        max_value=10,
        required=False,
        help_text=_("Empty means no limit. A verifier may waive it for one worker, with a reason."),
    )
    sector_codes = forms.MultipleChoiceField(
        label=_("Sectors included"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means every sector."),
    )
    income_limit = forms.ChoiceField(label=_("Income limit"), choices=IncomeLimit.choices)
    income_limit_amount = forms.IntegerField(
        label=_("Fixed income limit (Rp a month)"), min_value=1, required=False
    )
    require_residence = forms.BooleanField(
        label=_("Resident of the regency (by the village of the address, not the NIK)"),
        required=False,
    )
    exclude_active_elsewhere = forms.BooleanField(
        label=_("Not already an active BPJS participant elsewhere (BPJS participant lists)"),
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sectors = list(active_sectors())
        self.fields["sector_codes"].choices = [(s.code, s.name) for s in self.sectors]
        self.districts = list(regency_districts())
        for district in self.districts:
            self.fields[f"quota_{district.code}"] = forms.IntegerField(
                label=district.name, min_value=0, required=False
            )
        for sector in self.sectors:
            self.fields[f"risk_{sector.code}"] = forms.IntegerField(
                label=sector.name, min_value=1, max_value=99, required=False
            )

    @classmethod
    def initial_for(cls, version: RuleVersion) -> dict:
        initial = {name: getattr(version, name) for name in RULE_FIELDS}
        initial["version"] = version.version
        for code, quota in version.district_quotas.items():
            initial[f"quota_{code}"] = quota
        for rank, code in enumerate(version.sector_risk_order, start=1):
            initial[f"risk_{code}"] = rank
        return initial

    @property
    def quota_fields(self):
        return [self[f"quota_{district.code}"] for district in self.districts]

    @property
    def risk_fields(self):
        return [self[f"risk_{sector.code}"] for sector in self.sectors]

    @property
    def main_fields(self):
        return [self[name] for name in self.base_fields if name != "version"]

    def to_input(self) -> RulesInput:
        data = self.cleaned_data
        quotas = {
            district.code: data[f"quota_{district.code}"]
            for district in self.districts
            if data.get(f"quota_{district.code}") is not None
        }
        ranked = [
            (data[f"risk_{sector.code}"], sector.sort_order, sector.code)
            for sector in self.sectors
            if data.get(f"risk_{sector.code}") is not None
        ]
        return RulesInput(
            **{name: data[name] for name in RULE_FIELDS if name in data},
            district_quotas=quotas,
            sector_risk_order=[code for _rank, _order, code in sorted(ranked)],
        )


class MinimumWageForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.IntegerField(label=_("UMK (Rp a month)"), min_value=1)
    legal_reference = forms.CharField(label=_("Legal reference"), max_length=120, required=False)


class AdoptForm(forms.Form):
    effective_from = forms.DateField(label=_("In effect from"), widget=DateInput)


class OverrideForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=OverrideKind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was checked, where and when; it is kept in the audit trail."),
    )


class DecisionFilterForm(forms.Form):
    district = forms.ChoiceField(label=_("District"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    eligible = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", _("All")), ("yes", _("Eligible")), ("no", _("Not eligible"))],
    )
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    cut = forms.ChoiceField(
        label=_("Cut"),
        required=False,
        choices=[
            ("", _("All")),
            ("inside", _("Inside the cut")),
            ("outside", _("Outside the cut")),
            ("quota", _("Outside a district quota")),
            ("budget", _("Outside the budget")),
        ],
    )

    def __init__(self, *args, districts, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("All")), *((d.code, d.name) for d in districts)]
        sectors = decision_sectors()
        self.fields["sector"].choices = [("", _("All")), *((s.code, s.name) for s in sectors)]
        self.fields["reason"].choices = [("", _("All")), *reasons]
