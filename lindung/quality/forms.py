from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.registry.selectors import districts_for_user, villages_for_user


@dataclass(frozen=True)
class AreaFilter:
    district: str = ""
    village: str = ""

    def as_dict(self) -> dict[str, str]:
        return {key: value for key, value in self.__dict__.items() if value}


class AreaFilterForm(forms.Form):
    """District and village of a worklist; a choice outside the user's area is ignored."""

    district = forms.ChoiceField(label=_("District"), required=False)
    village = forms.ChoiceField(label=_("Village"), required=False)

    def __init__(self, data, *, user: User):
        super().__init__(data)
        self.fields["district"].choices = [("", _("All districts"))] + [
            (district.code, district.name) for district in districts_for_user(user)
        ]
        district = data.get("district", "") if data else ""
        if district not in dict(self.fields["district"].choices):
            district = ""
        self.fields["village"].choices = [("", _("All villages"))] + [
            (village.code, village.name if district else village.label)
            for village in villages_for_user(user, district=district)
        ]

    def area(self) -> AreaFilter:
        self.is_valid()
        data = self.cleaned_data
        return AreaFilter(district=data.get("district") or "", village=data.get("village") or "")
