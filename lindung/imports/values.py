"""Understanding the values in a worker list, however the sender typed them.

Each parser returns the clean value, ``None`` for an empty cell, or raises ``ValueError``
with an Indonesian message that names what is wrong with the value.
"""

import datetime as dt
import re

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "pebruari": 2, "february": 2, "peb": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "agu": 8, "agt": 8, "ags": 8, "agustus": 8, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nopember": 11, "november": 11, "nop": 11,
    "des": 12, "desember": 12, "dec": 12, "december": 12,
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$")
_WORD_DATE = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.]+(\d{2,4})$")
_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)
_NIK_NOISE = re.compile(r"[\s.\-']")

SEX_VALUES = {
    "l": "M", "lk": "M", "laki": "M", "laki laki": "M", "laki-laki": "M", "pria": "M",
    "m": "M", "male": "M", "1": "M",
    "p": "F", "pr": "F", "perempuan": "F", "wanita": "F", "w": "F", "f": "F", "female": "F",
    "2": "F",
}  # fmt: skip


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: object) -> dt.date | None:
    """Date cells, Excel serial numbers, `12-03-1980`, `12/03/1980`, `1980-03-12`,
    `12 Maret 1980`, `12-Mar-1980`. Day-first, as Indonesian offices write them."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 80_000:
            raise ValueError(f"{value} bukan tanggal")
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = str(value).strip().lower()
    if text.replace(".", "", 1).isdigit() and len(text) <= 7:
        return parse_date(float(text))
    if text[:10].count("-") == 2 and "t" in text[10:11]:  # ISO with a time part
        text = text[:10]
    if match := _NUMERIC_DATE.match(text):
        first, second, third = match.groups()
        if len(first) == 4:
            year, month, day = int(first), int(second), int(third)
        else:
            day, month, year = int(first), int(second), _full_year(third)
        return _date_or_error(year, month, day, value)
    if match := _WORD_DATE.match(text):
        day, month_name, year = match.groups()
        month = _MONTHS.get(month_name)
        if month is None:
            raise ValueError(f"nama bulan '{month_name}' tidak dikenal")
        return _date_or_error(_full_year(year), month, int(day), value)
    raise ValueError(f"'{value}' tidak dapat dibaca sebagai tanggal (contoh: 12-03-1980)")


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit years in a worker list are birth years: never in the future.
        return 2000 + year if 2000 + year <= dt.date.today().year else 1900 + year
    return year


def _date_or_error(year: int, month: int, day: int, original: object) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"tanggal '{original}' tidak ada di kalender") from None


def parse_sex(value: object) -> str | None:
    if is_blank(value):
        return None
    text = str(value).strip().lower().rstrip(".")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    sex = SEX_VALUES.get(text) or SEX_VALUES.get(text.replace("-", " "))
    if sex is None:
        raise ValueError(f"'{value}' bukan jenis kelamin (L/P, Laki-laki/Perempuan, 1/2)")
    return sex


def parse_identity_number(value: object, *, label: str = "NIK") -> str | None:
    """A NIK or KK as its digits. A number Excel shortened (`6.40201E+15`) is refused."""
    if is_blank(value):
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = str(int(value))
        if isinstance(value, float) and len(digits) == 16 and digits.endswith("0"):
            # Excel keeps 15 significant digits: a 16-digit number typed into a number cell
            # has its last digit replaced by 0, and nothing can bring it back.
            raise ValueError(
                f"{label} tersimpan sebagai angka di Excel dan digit terakhirnya "
                "hilang; format kolom sebagai teks lalu ketik ulang"
            )
        return digits
    text = str(value).strip()
    if _SCIENTIFIC.match(text.replace(" ", "").replace(",", ".")):
        raise ValueError(
            f"{label} '{text}' telah diubah Excel menjadi angka ilmiah dan "
            "digit terakhirnya hilang; format kolom sebagai teks lalu ketik ulang"
        )
    return _NIK_NOISE.sub("", text)


def parse_text(value: object) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def parse_whole_number(value: object, *, label: str) -> int | None:
    """`1.500.000`, `1,500,000`, `Rp 1.500.000`, 1500000.0 → 1500000."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value) != int(value):
            raise ValueError(f"{label} harus bilangan bulat")
        return int(value)
    text = re.sub(r"(?i)^rp\.?\s*", "", str(value).strip())
    text = re.sub(r"[.,\s](?=\d{3}(\D|$))", "", text)
    if not text.isdigit():
        raise ValueError(f"{label} '{value}' bukan angka")
    return int(text)


def parse_phone_text(value: object) -> str:
    """Phone cells often arrive as numbers (8123456789.0) that lost their leading zero."""
    if is_blank(value):
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return (
            "0" + str(int(value))
            if not str(int(value)).startswith(("0", "62"))
            else str(int(value))
        )
    return str(value).strip()


def split_rt_rw(address: str) -> tuple[str, str, str]:
    """`RT 004/RW 002 Jl. Pesut` → (`Jl. Pesut`, `004`, `002`): offices often type RT in
    the address column."""
    rt = rw = ""
    if match := re.search(r"\brt\.?\s*0*(\d{1,3})", address, re.IGNORECASE):
        rt = match.group(1).zfill(3)
    if match := re.search(r"\brw\.?\s*0*(\d{1,3})", address, re.IGNORECASE):
        rw = match.group(1).zfill(3)
    rest = re.sub(r"(?i)\b(rt|rw)\.?\s*\d{1,3}\s*/?", "", address).strip(" ,/")
    return rest, rt, rw
