"""Forms of the enrolment pages: they bind and check the shape of input; services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.enrolment.models import EndReason
from lindung.programs.selectors import active_programs

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def program_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("Programme"), queryset=active_programs())


class EnrolForm(forms.Form):
    program = program_field()
    niks = forms.CharField(
        label=_("NIKs of the workers"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("One NIK a line. Leave empty to enrol the workers within the cut of the "
                    "programme's latest eligibility run."),
    )  # fmt: skip

    def nik_list(self) -> list[str]:
        text = self.cleaned_data.get("niks") or ""
        return [line.strip().replace(" ", "") for line in text.splitlines() if line.strip()]


class BatchForm(forms.Form):
    program = program_field()
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "XLSX"), ("csv", "CSV")], initial="xlsx"
    )


class BpjsFileForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("File"),
        choices=[
            ("answer", _("BPJS answer to a registration")),
            ("participants", _("BPJS participant list")),
        ],
    )
    file = forms.FileField(label=_("File (XLSX or CSV)"))
    as_of = forms.DateField(
        label=_("List date (participant lists)"), required=False, widget=DATE_INPUT
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "participants" and not cleaned.get("as_of"):
            self.add_error("as_of", _("Give the date of the participant list."))
        return cleaned


class ActivateForm(forms.Form):
    kpj_number = forms.CharField(label=_("KPJ number"), max_length=20)
    coverage_start = forms.DateField(label=_("Coverage start"), widget=DATE_INPUT)
    version = forms.IntegerField(widget=forms.HiddenInput)


class EndForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(value, label) for value, label in EndReason.choices if value != "graduated"],
    )
    on = forms.DateField(
        label=_("Last day covered / date ended"), widget=DATE_INPUT, initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class GraduateForm(forms.Form):
    on = forms.DateField(label=_("Pays own contributions from"), widget=DATE_INPUT)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CoverageForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=20, required=False)
    on = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
