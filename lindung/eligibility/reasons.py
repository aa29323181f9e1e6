"""Why a worker is not eligible: one bit per condition, rendered in Indonesian when shown.

A decision stores the bits and the values they rest on (age, decile, income), never text, so
a page in either language and an API answer say the same thing, and the wording can change
without re-running anything.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntFlag

from lindung.core.formatting import format_money


class Reason(IntFlag):
    TOO_YOUNG = 1
    TOO_OLD = 2
    NOT_RESIDENT = 4
    DECILE_TOO_HIGH = 8
    DECILE_UNKNOWN = 16
    SECTOR_EXCLUDED = 32
    INCOME_TOO_HIGH = 64
    INCOME_UNKNOWN = 128
    ACTIVE_ELSEWHERE = 256
    NOT_ACTIVE_IN_REGISTRY = 512
    EXCLUDED_BY_OVERRIDE = 1024


# Short codes for the API and the filters of the results page.
REASON_CODES: dict[Reason, str] = {
    Reason.TOO_YOUNG: "age_below",
    Reason.TOO_OLD: "age_above",
    Reason.NOT_RESIDENT: "not_resident",
    Reason.DECILE_TOO_HIGH: "decile_above",
    Reason.DECILE_UNKNOWN: "decile_unknown",
    Reason.SECTOR_EXCLUDED: "sector_excluded",
    Reason.INCOME_TOO_HIGH: "income_above",
    Reason.INCOME_UNKNOWN: "income_unknown",
    Reason.ACTIVE_ELSEWHERE: "active_elsewhere",
    Reason.NOT_ACTIVE_IN_REGISTRY: "worker_inactive",
    Reason.EXCLUDED_BY_OVERRIDE: "excluded_by_override",
}
REASON_BY_CODE = {code: reason for reason, code in REASON_CODES.items()}

# Labels of the results page's reason filter (Indonesian, as the reasons themselves).
REASON_LABELS: dict[Reason, str] = {
    Reason.TOO_YOUNG: "umur di bawah batas",
    Reason.TOO_OLD: "umur di atas batas",
    Reason.NOT_RESIDENT: "bukan penduduk kabupaten",
    Reason.DECILE_TOO_HIGH: "desil kesejahteraan di atas batas",
    Reason.DECILE_UNKNOWN: "desil kesejahteraan tidak diketahui",
    Reason.SECTOR_EXCLUDED: "sektor tidak termasuk",
    Reason.INCOME_TOO_HIGH: "penghasilan tidak di bawah batas",
    Reason.INCOME_UNKNOWN: "penghasilan tidak diketahui",
    Reason.ACTIVE_ELSEWHERE: "sudah peserta aktif BPJS di tempat lain",
    Reason.NOT_ACTIVE_IN_REGISTRY: "status pekerja tidak aktif",
    Reason.EXCLUDED_BY_OVERRIDE: "dikecualikan oleh keputusan verifikator",
}


@dataclass(frozen=True)
class Limits:
    """What the conditions compared with, for the wording ("umur 67 tahun, batas 65")."""

    min_age: int
    max_age: int
    max_decile: int | None
    income_limit: int | None
    sector_name: str = ""


def reasons_of(mask: int) -> list[Reason]:
    return [reason for reason in Reason if mask & reason]


def codes_of(mask: int) -> list[str]:
    return [REASON_CODES[reason] for reason in reasons_of(mask)]


def mask_of(codes: Iterable[str]) -> int:
    mask = 0
    for code in codes:
        mask |= REASON_BY_CODE[code]
    return mask


def describe(
    mask: int,
    limits: Limits,
    *,
    age: int | None,
    decile: int | None,
    income: int | None,
    decile_waived: bool = False,
) -> str:
    """The decision in plain Indonesian: "memenuhi", or "tidak memenuhi: …" with each reason."""
    if not mask:
        return "memenuhi (desil dikecualikan oleh verifikator)" if decile_waived else "memenuhi"
    parts = [
        _phrase(reason, limits, age=age, decile=decile, income=income)
        for reason in reasons_of(mask)
    ]
    return "tidak memenuhi: " + "; ".join(parts)


def _phrase(
    reason: Reason, limits: Limits, *, age: int | None, decile: int | None, income: int | None
) -> str:
    match reason:
        case Reason.TOO_YOUNG:
            return f"umur {age} tahun, paling muda {limits.min_age}"
        case Reason.TOO_OLD:
            return f"umur {age} tahun, batas {limits.max_age}"
        case Reason.NOT_RESIDENT:
            return "alamat (desa/kelurahan) di luar kabupaten"
        case Reason.DECILE_TOO_HIGH:
            return f"desil kesejahteraan {decile}, batas {limits.max_decile}"
        case Reason.DECILE_UNKNOWN:
            return "desil kesejahteraan tidak diketahui"
        case Reason.SECTOR_EXCLUDED:
            sector = f" {limits.sector_name}" if limits.sector_name else ""
            return f"sektor{sector} tidak termasuk program"
        case Reason.INCOME_TOO_HIGH:
            return (
                f"penghasilan {format_money(income)} sebulan, "
                f"harus di bawah {format_money(limits.income_limit)}"
            )
        case Reason.INCOME_UNKNOWN:
            return "penghasilan tidak diketahui"
        case Reason.ACTIVE_ELSEWHERE:
            return "sudah peserta aktif BPJS Ketenagakerjaan di kepesertaan lain"
        case Reason.NOT_ACTIVE_IN_REGISTRY:
            return "status pekerja di daftar tidak aktif"
        case Reason.EXCLUDED_BY_OVERRIDE:
            return "dikecualikan oleh keputusan verifikator"
    return REASON_LABELS[reason]
