"""How Lindung writes dates, money and identity numbers for people."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language
from lokal.rupiah import format_rupiah

MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_date(value: dt.date | dt.datetime | None) -> str:
    """`6 Mei 2025` (or `6 May 2025` in English); datetimes are shown in local time."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    months = MONTHS_EN if (get_language() or "id").startswith("en") else MONTHS_ID
    return f"{value.day} {months[value.month - 1]} {value.year}"


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_date(local)} {local:%H.%M}"


def format_money(amount: int | Decimal | None) -> str:
    """`Rp16.800`."""
    if amount is None:
        return ""
    return format_rupiah(amount)


def format_number(value: int | None) -> str:
    """`35.000`: counts use the Indonesian thousands separator in both languages, like money."""
    if value is None:
        return ""
    return f"{value:,}".replace(",", ".")


def mask_identity_number(value: str | None) -> str:
    """NIK/KK as `6402********0003`: the region and the serial stay readable."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """`+62812****7890`."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
