"""The worker fields the linkage compares, and the derived values both scorers share.

The batch engine computes the same derived values in DuckDB from the same functions
(``name_core`` runs once per record in Python, the rest are plain substrings), so a pair
scored by ``score_pair`` and by the batch lands on the same comparison levels.
"""

import datetime as dt
import re
from dataclasses import dataclass

# Words that carry almost no evidence of who someone is: the Muhammad/Siti that half the
# registry has in front of their name, the patronymic link, and initials (`M. Ali`).
WEAK_WORDS = frozenset({"muhammad", "siti", "bin", "binti"})
_DIGITS_16 = re.compile(r"\d{16}")


@dataclass(frozen=True)
class LinkageRecord:
    """One worker as the linkage sees it.

    ``name_normalized`` is ``lindung.registry.names.normalize_name(full_name)``.
    ``name_frequency`` says how common the exact name is in the registry, relative to a
    typical name (1.0); ``None`` when unknown, which gives the name neither bonus nor penalty.
    The batch engine computes it with ``relative_name_frequencies``.
    """

    id: int
    nik: str
    kk_number: str
    name_normalized: str
    full_name: str
    birth_date: dt.date | None
    sex: str
    village_id: str
    district_id: str
    phone: str
    name_frequency: float | None = None


def name_core(name_normalized: str) -> str:
    """`muhammad ali` → `ali`, `m ali bin yusuf` → `ali yusuf`; a name of weak words only
    stays as it is (`siti` is still someone's whole name)."""
    words = name_normalized.split()
    core = [word for word in words if len(word) > 1 and word not in WEAK_WORDS]
    return " ".join(core) if core else name_normalized


def name_key(core: str) -> str:
    """The longest word of a name's core: what survives a dropped or added word."""
    words = core.split()
    return max(words, key=lambda word: (len(word), word)) if words else ""


def clean_nik(value: str) -> str | None:
    """A NIK the comparisons can read digit by digit, or ``None``."""
    return value if value and _DIGITS_16.fullmatch(value) else None


def relative_name_frequencies(names: list[str]) -> dict[str, float]:
    """Each name's frequency divided by the chance that two random workers share a name.

    In a registry of 50,000, a name held by one worker gets about 0.02 (agreeing on it is
    strong evidence), one held by 250 about 4.5 (weak evidence)."""
    counts: dict[str, int] = {}
    for name in names:
        if name:
            counts[name] = counts.get(name, 0) + 1
    total = sum(counts.values())
    if not total:
        return {}
    agreement = sum(count * count for count in counts.values()) / (total * total)
    return {name: count / total / agreement for name, count in counts.items()}
