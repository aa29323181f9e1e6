"""Forms of the duplicate review pages: they turn text into typed values; the services
decide whether a decision is acceptable."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.dedup.models import CaseStatus, Level
from lindung.dedup.selectors import CaseFilters, case_districts
from lindung.registry.models import Worker


def _blank(label):
    return [("", label)]


class CaseFilterForm(forms.Form):
    district = forms.ChoiceField(label=_("District"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=_blank(_("All levels")) + Level.choices
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(_("All statuses")) + CaseStatus.choices
    )

    def __init__(self, data, *, user: User):
        # The queue opens on what still needs a decision.
        data = data.copy() if data else {}
        data.setdefault("status", CaseStatus.OPEN)
        super().__init__(data)
        self.fields["district"].choices = _blank(_("All districts")) + [
            (district.code, district.name) for district in case_districts(user)
        ]

    def filters(self) -> CaseFilters:
        self.is_valid()
        data = self.cleaned_data
        return CaseFilters(
            district=data.get("district") or "",
            level=data.get("level") or "",
            status=data.get("status") or "",
        )


def _version_fields(form: forms.Form, workers: list[Worker]) -> None:
    """The versions the verifier compared, so a record changed meanwhile is refused."""
    for worker in workers:
        form.fields[f"version_{worker.pk}"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=worker.version, required=False
        )


def expected_versions(form: forms.Form) -> dict[int, int]:
    return {
        int(name.removeprefix("version_")): value
        for name, value in form.cleaned_data.items()
        if name.startswith("version_") and value is not None
    }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Recorded in the audit trail with your decision."),
    )

    def __init__(self, data=None, *, workers: list[Worker] = (), prefix: str | None = None):
        super().__init__(data, prefix=prefix)
        _version_fields(self, list(workers))


class MergeForm(ReasonForm):
    """The record that stays, and per field that differs, the record whose value it keeps."""

    survivor = forms.TypedChoiceField(label=_("Record that stays"), coerce=int)

    def __init__(
        self,
        data=None,
        *,
        workers: list[Worker],
        differing: list[str],
        default_worker: int,
    ):
        super().__init__(data, workers=workers, prefix="merge")
        choices = [(worker.pk, f"ID {worker.pk}") for worker in workers]
        self.fields["survivor"].choices = choices
        self.fields["survivor"].initial = default_worker
        self.differing = differing
        for field in differing:
            self.fields[f"field_{field}"] = forms.TypedChoiceField(
                choices=choices, coerce=int, initial=default_worker, widget=forms.RadioSelect
            )

    def field_choices(self) -> dict[str, int]:
        return {field: self.cleaned_data[f"field_{field}"] for field in self.differing}


class SeparateForm(ReasonForm):
    """One record of a cluster that is not the person the others are."""

    worker = forms.TypedChoiceField(label=_("Record that is someone else"), coerce=int)

    def __init__(self, data=None, *, workers: list[Worker]):
        super().__init__(data, workers=workers, prefix="separate")
        self.fields["worker"].choices = [
            (worker.pk, f"ID {worker.pk} · {worker.full_name}") for worker in workers
        ]
