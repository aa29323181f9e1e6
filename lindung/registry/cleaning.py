"""Turning submitted worker values into clean ones, with every problem named per field.

The form, the API and (later) each import row go through ``clean_worker_values``, so a value
is accepted or refused for the same reason whichever way it arrives.
"""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.scope import villages_in_scope
from lindung.regions.models import Region
from lindung.regions.selectors import regency_villages
from lindung.registry import validation
from lindung.registry.inputs import HeirInput
from lindung.registry.models import (
    RELATIONSHIP_RANK,
    HeirRelationship,
    LegalBasis,
    Occupation,
    Sector,
    Sex,
    Worker,
)
from lindung.registry.names import clean_display_name, normalize_name

_RT_RW = re.compile(r"^\d{1,3}$")
# ``Choices.values`` builds a new list on every call; an import asks once per row.
_SEXES = frozenset(Sex.values)
_LEGAL_BASES = frozenset(LegalBasis.values)


class FieldErrors:
    """Collects messages per field, so one submission reports every problem at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(str(message))

    def check(self, field: str, check, *args, **kwargs) -> Any:
        try:
            return check(*args, **kwargs)
        except ValidationError as error:
            for message in error.messages:
                self.add(field, message)
            return None

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


class ReferenceData:
    """What cleaning looks up: villages, the actor's area, sectors, NIK holders.

    A form submission makes one and throws it away; an import keeps one for the whole file,
    so thousands of rows cost a handful of queries (``remember_holders`` preloads the workers
    of a chunk's NIKs).
    """

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self._villages: dict[str, Region] | None = None
        self._scope: set[str] | None = None
        self._sectors: dict[str, Sector] | None = None
        self._occupations: dict[str, Sector] | None = None
        self._holders: dict[str, Worker] | None = None

    def village(self, code: str) -> Region | None:
        if self._villages is None:
            self._villages = {v.code: v for v in regency_villages(include_expired=True)}
        return self._villages.get(code)

    def in_scope(self, code: str) -> bool:
        if self._scope is None:
            self._scope = set(villages_in_scope(self.actor).values_list("code", flat=True))
        return code in self._scope

    def sector(self, code: str) -> Sector | None:
        if self._sectors is None:
            self._sectors = {s.code: s for s in Sector.objects.filter(is_active=True)}
        return self._sectors.get(code)

    def sector_for_occupation(self, occupation: str) -> Sector | None:
        if self._occupations is None:
            self._occupations = {
                o.name: o.sector for o in Occupation.objects.select_related("sector")
            }
        return self._occupations.get(" ".join(occupation.lower().split()))

    def remember_holders(self, workers: list[Worker]) -> None:
        """From now on, answer NIK holders from these workers instead of the database."""
        self._holders = {worker.nik: worker for worker in workers}

    def nik_holder(self, nik: str, *, other_than: Worker | None) -> Worker | None:
        if self._holders is not None:
            holder = self._holders.get(nik)
        else:
            holders = Worker.objects.filter(nik=nik).select_related("village__parent")
            holder = holders.first()
        if holder is not None and other_than is not None and holder.pk == other_than.pk:
            return None
        return holder


def clean_worker_values(
    values: dict[str, Any],
    *,
    actor: User,
    current: Worker | None = None,
    today: dt.date | None = None,
    reference: ReferenceData | None = None,
) -> dict[str, Any]:
    """Model-ready values for ``Worker`` (village and sector as objects), or ValidationError."""
    today = today or dt.date.today()
    reference = reference or ReferenceData(actor)
    errors = FieldErrors()
    cleaned: dict[str, Any] = {}

    full_name = clean_display_name(str(values.get("full_name") or ""))
    if not full_name or not normalize_name(full_name):
        errors.add("full_name", _("The full name is required."))
    cleaned["full_name"] = full_name
    cleaned["name_normalized"] = normalize_name(full_name)

    _clean_identity(values, cleaned, errors, today=today)
    cleaned["kk_number"] = (
        errors.check("kk_number", validation.check_kk_number, values.get("kk_number") or "") or ""
    )
    cleaned["phone"] = (
        errors.check("phone", validation.check_phone, values.get("phone") or "") or ""
    )
    cleaned["birth_place"] = clean_display_name(str(values.get("birth_place") or ""))
    cleaned["address"] = clean_display_name(str(values.get("address") or ""))
    for field in ("rt", "rw"):
        cleaned[field] = _clean_rt_rw(field, values.get(field), errors)

    village_changed = current is None or values.get("village") != current.village_id
    cleaned["village"] = _clean_village(
        values.get("village"), reference, errors, require_valid=village_changed, today=today
    )
    cleaned["district"] = cleaned["village"].parent if cleaned["village"] else None
    cleaned["occupation"] = clean_display_name(str(values.get("occupation") or ""))
    cleaned["sector"] = _clean_sector(
        values.get("sector"), cleaned["occupation"], reference, errors
    )
    cleaned["monthly_income"] = _clean_income(values.get("monthly_income"), errors)
    cleaned["welfare_decile"] = _clean_decile(values.get("welfare_decile"), errors)
    cleaned["source_ref"] = str(values.get("source_ref") or "").strip()[:60]
    legal_basis = values.get("legal_basis") or LegalBasis.PUBLIC_TASK
    if legal_basis not in _LEGAL_BASES:
        errors.add("legal_basis", _("Unknown legal basis."))
    cleaned["legal_basis"] = legal_basis

    if cleaned.get("nik"):
        _check_nik_is_new(cleaned["nik"], reference, current, errors)
    errors.raise_if_any()
    return cleaned


def _clean_identity(values: dict, cleaned: dict, errors: FieldErrors, *, today: dt.date) -> None:
    """NIK, birth date and sex together: each is checked against the others."""
    declared_birth = values.get("birth_date")
    declared_sex = values.get("sex") or ""
    if declared_sex and declared_sex not in _SEXES:
        errors.add("sex", _("Sex must be M (male) or F (female)."))
        declared_sex = ""
    facts = errors.check(
        "nik", validation.check_nik, values.get("nik") or "", declared_birth_date=declared_birth
    )
    cleaned["nik"] = facts.nik if facts else ""
    birth_date = declared_birth or (facts.birth_date if facts else None)
    if birth_date is None:
        errors.add("birth_date", _("The date of birth is required."))
    else:
        errors.check("birth_date", validation.check_worker_birth_date, birth_date, today=today)
    cleaned["birth_date"] = birth_date
    cleaned["sex"] = declared_sex or (facts.sex if facts else "")
    if not cleaned["sex"]:
        errors.add("sex", _("Sex is required."))
    cleaned["birth_date_mismatch"] = bool(facts and birth_date and birth_date != facts.birth_date)
    cleaned["sex_mismatch"] = bool(facts and cleaned["sex"] and cleaned["sex"] != facts.sex)


def _clean_rt_rw(field: str, value: Any, errors: FieldErrors) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    if not _RT_RW.match(text):
        errors.add(
            field, _("%(field)s is a number of at most three digits.") % {"field": field.upper()}
        )
        return ""
    return text.zfill(3)


def _clean_village(
    value: Any,
    reference: ReferenceData,
    errors: FieldErrors,
    *,
    require_valid: bool,
    today: dt.date,
) -> Region | None:
    code = str(value or "").strip()
    if not code:
        errors.add("village", _("The village is required."))
        return None
    village = reference.village(code)
    if village is None:
        elsewhere = Region.objects.filter(code=code, level=Region.Level.VILLAGE).first()
        if elsewhere is not None:
            errors.add(
                "village", _("%(village)s is not in this regency.") % {"village": elsewhere.name}
            )
        else:
            errors.add("village", _("Village code %(code)s is not known.") % {"code": code})
        return None
    if not reference.in_scope(code):
        errors.add(
            "village", _("%(village)s is outside your working area.") % {"village": village.label}
        )
        return None
    if require_valid and not _valid_on(village, today):
        errors.add(
            "village",
            _("%(village)s is no longer part of the regency.") % {"village": village.label},
        )
        return None
    return village


def _valid_on(region: Region, day: dt.date) -> bool:
    return (region.valid_from is None or region.valid_from <= day) and (
        region.valid_to is None or region.valid_to >= day
    )


def _clean_sector(
    value: Any, occupation: str, reference: ReferenceData, errors: FieldErrors
) -> Sector | None:
    code = str(value or "").strip()
    if code:
        sector = reference.sector(code)
        if sector is None:
            errors.add("sector", _("Sector %(code)s is not known.") % {"code": code})
        return sector
    if occupation:
        sector = reference.sector_for_occupation(occupation)
        if sector is not None:
            return sector
        errors.add(
            "sector",
            _("Choose a sector: the occupation %(occupation)s has no sector yet.")
            % {"occupation": occupation},
        )
        return None
    errors.add("sector", _("The sector is required."))
    return None


def _clean_income(value: Any, errors: FieldErrors) -> int | None:
    if value in (None, ""):
        return None
    try:
        income = int(value)
    except (TypeError, ValueError):
        errors.add("monthly_income", _("The monthly income must be a whole number of rupiah."))
        return None
    if income < 0:
        errors.add("monthly_income", _("The monthly income cannot be negative."))
        return None
    return income


def _clean_decile(value: Any, errors: FieldErrors) -> int | None:
    if value in (None, ""):
        return None
    try:
        decile = int(value)
    except (TypeError, ValueError):
        decile = 0
    if not 1 <= decile <= 10:
        errors.add("welfare_decile", _("The welfare decile is a number from 1 to 10."))
        return None
    return decile


def _check_nik_is_new(
    nik: str, reference: ReferenceData, current: Worker | None, errors: FieldErrors
) -> None:
    holder = reference.nik_holder(nik, other_than=current)
    if holder is None:
        return
    if reference.in_scope(holder.village_id):
        errors.add(
            "nik",
            _("This NIK is already registered to %(name)s (%(village)s, ID %(id)s).")
            % {"name": holder.full_name, "village": holder.village.label, "id": holder.pk},
        )
    else:
        errors.add(
            "nik", _("This NIK is already registered in another area. Contact the regency office.")
        )


def clean_heirs(heirs: list[HeirInput], *, today: dt.date | None = None) -> list[dict]:
    """Heirs as model-ready dicts in legal order; ValidationError names the heir by number."""
    today = today or dt.date.today()
    errors = FieldErrors()
    cleaned = []
    for position, heir in enumerate(heirs):
        label = _("Heir %(number)d") % {"number": position + 1}
        name = clean_display_name(heir.full_name or "")
        if not name:
            errors.add("heirs", f"{label}: " + _("the name is required."))
        if heir.relationship not in HeirRelationship.values:
            errors.add("heirs", f"{label}: " + _("choose the relationship to the worker."))
        if heir.birth_date and heir.birth_date > today:
            errors.add("heirs", f"{label}: " + _("the date of birth is in the future."))
        nik = ""
        if heir.nik:
            facts = FieldErrors()
            result = facts.check("nik", validation.check_nik, heir.nik)
            for message in facts.by_field.get("nik", []):
                errors.add("heirs", f"{label}: {message}")
            nik = result.nik if result else ""
        phone = ""
        if heir.phone:
            phone_errors = FieldErrors()
            phone = phone_errors.check("phone", validation.check_phone, heir.phone) or ""
            for message in phone_errors.by_field.get("phone", []):
                errors.add("heirs", f"{label}: {message}")
        cleaned.append(
            {
                "id": heir.id,
                "full_name": name,
                "relationship": heir.relationship,
                "priority": RELATIONSHIP_RANK.get(heir.relationship, 9),
                "position": position,
                "birth_date": heir.birth_date,
                "nik": nik,
                "phone": phone,
            }
        )
    errors.raise_if_any()
    return sorted(cleaned, key=lambda heir: (heir["priority"], heir["position"]))
