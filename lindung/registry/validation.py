"""Checks that know Indonesia: NIK, KK, phone numbers, ages (FACTS §4).

Each check returns the cleaned value or raises ``ValidationError`` with an Indonesian
message that says what is wrong. Callers gather the errors per field.
"""

import contextlib
import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lokal.nik import parse_nik
from lokal.phone import parse_phone
from lokal.provinces import PROVINCES

from lindung.regions.selectors import is_known_regency

_SEPARATORS = re.compile(r"[\s.\-']")
_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")


@dataclass(frozen=True)
class NikFacts:
    nik: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    district_code: str


def digits_only(value: str) -> str:
    return _SEPARATORS.sub("", str(value or "")).strip()


def check_nik(value: str, *, declared_birth_date: dt.date | None = None) -> NikFacts:
    """The NIK's structure, and the birth date and sex it encodes."""
    raw = str(value or "").strip()
    if _SCIENTIFIC.match(raw.replace(" ", "")):
        raise ValidationError(
            _(
                "The NIK was turned into a number by Excel (%(value)s) and its last digits are "
                "lost. Format the column as text and type the NIK again."
            )
            % {"value": raw}
        )
    nik = digits_only(raw)
    if not nik:
        raise ValidationError(_("The NIK is required."))
    if not nik.isdigit() or len(nik) != 16:
        raise ValidationError(
            _("A NIK has exactly 16 digits; this one has %(count)d.") % {"count": len(nik)}
            if nik.isdigit()
            else _("A NIK may contain digits only.")
        )
    if nik[:2] not in PROVINCES:
        raise ValidationError(
            _("The NIK starts with %(code)s, which is not a province code.") % {"code": nik[:2]}
        )
    regency = f"{nik[:2]}.{nik[2:4]}"
    if not is_known_regency(regency):
        raise ValidationError(
            _("The NIK's regency code %(code)s does not exist.") % {"code": regency}
        )
    if nik[12:] == "0000":
        raise ValidationError(_("The NIK's serial number (last four digits) cannot be 0000."))
    info = parse_nik(nik, reference_date=dt.date.today())
    if info.birth_date is None:
        raise ValidationError(
            _("The NIK encodes the birth date %(date)s, which does not exist.")
            % {"date": f"{nik[6:8]}-{nik[8:10]}-{nik[10:12]}"}
        )
    encoded = dt.date.fromisoformat(info.birth_date)
    if encoded > dt.date.today():
        # `011226` read in November 2026 is someone born on 1 December 1926, not next month.
        encoded = encoded.replace(year=encoded.year - 100)
    # The century is not encoded: prefer the one the declared birth date agrees with.
    if declared_birth_date and declared_birth_date.year % 100 == encoded.year % 100:
        with contextlib.suppress(ValueError):  # 29 February in a year that is not a leap year
            encoded = encoded.replace(year=declared_birth_date.year)
    return NikFacts(
        nik=nik,
        birth_date=encoded,
        sex="F" if info.gender == "P" else "M",
        district_code=f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}",
    )


def check_kk_number(value: str) -> str:
    kk = digits_only(value)
    if not kk:
        return ""
    if _SCIENTIFIC.match(str(value).strip()):
        raise ValidationError(
            _(
                "The KK number was turned into a number by Excel and its last "
                "digits are lost. Type it again as text."
            )
        )
    if not kk.isdigit() or len(kk) != 16:
        raise ValidationError(_("A KK number has exactly 16 digits."))
    if kk[:2] not in PROVINCES:
        raise ValidationError(
            _("The KK number starts with %(code)s, which is not a province code.")
            % {"code": kk[:2]}
        )
    return kk


def check_phone(value: str) -> str:
    """Any Indonesian way of writing a number → `+628123456789`."""
    raw = str(value or "").strip()
    if not raw:
        return ""
    info = parse_phone(raw)
    if not info.valid or not info.e164:
        raise ValidationError(
            _("%(value)s is not a valid Indonesian phone number.") % {"value": raw}
        )
    return info.e164


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def check_worker_birth_date(birth_date: dt.date, *, today: dt.date) -> dt.date:
    if birth_date > today:
        raise ValidationError(_("The date of birth is in the future."))
    minimum = settings.LINDUNG_MIN_WORKER_AGE
    age = age_on(birth_date, today)
    if age < minimum:
        raise ValidationError(
            _("The worker is %(age)d years old; the minimum age is %(minimum)d.")
            % {"age": age, "minimum": minimum}
        )
    return birth_date
