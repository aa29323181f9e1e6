"""Forms of the import pages: the upload and the column mapping.

They only turn the request into typed values; whether a mapping is acceptable (required
fields present, no field twice) is decided by ``services.set_import_mapping``.
"""

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.imports.columns import FIELD_LABELS
from lindung.imports.models import ImportJob
from lindung.imports.selectors import import_profiles

ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")
ACCEPT_ATTRIBUTE = ".xlsx,.xls,.ods,.csv"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Worker list"),
        help_text=_("Excel (.xlsx, .xls), OpenDocument (.ods) or CSV."),
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=100,
        help_text=_("Leave empty: the sheet holding the list is found by its column names."),
    )
    profile = forms.ModelChoiceField(
        label=_("Saved mapping"),
        required=False,
        queryset=import_profiles().none(),
        empty_label=_("— guess from the column names —"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["profile"].queryset = import_profiles()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(
                _("Choose an Excel, OpenDocument or CSV file (%(suffixes)s).")
                % {"suffixes": ACCEPT_ATTRIBUTE.replace(",", ", ")}
            )
        return upload


class MappingForm(forms.Form):
    """One select per column of the file (``col_<index>``), plus an optional profile name."""

    profile_name = forms.CharField(
        label=_("Save this mapping as"),
        required=False,
        max_length=80,
        help_text=_("Optional: a name such as “DTSEN export” to reuse it for the next file."),
    )

    def __init__(self, job: ImportJob, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.job = job
        choices = [("", _("— ignore —")), *FIELD_LABELS.items()]
        for index, header in enumerate(job.headers):
            self.fields[column_key(index)] = forms.ChoiceField(
                label=header or _("Column %(letter)s") % {"letter": column_letter(index)},
                choices=choices,
                required=False,
                initial=job.mapping.get(str(index), ""),
            )

    def column_fields(self) -> list[forms.BoundField]:
        return [self[column_key(index)] for index in range(len(self.job.headers))]

    def mapping(self) -> dict[str, str]:
        return {
            str(index): self.cleaned_data[column_key(index)]
            for index in range(len(self.job.headers))
            if self.cleaned_data[column_key(index)]
        }


def column_key(index: int) -> str:
    return f"col_{index}"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the letters a spreadsheet shows above its columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
