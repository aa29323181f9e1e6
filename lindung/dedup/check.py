"""The instant duplicate check: workers already in the registry who may be the person about to
be registered (a form being filled in, an API call, the rows of an import).

Candidates are found by the batch's blocking keys (``linkage.model.BLOCKING_RULES``), each an
indexed condition of one query, and scored by ``linkage.score_pair``: the same model and
thresholds as the batch, so a pair the check shows is a pair the next batch run would put in
the review queue.
One key is left out: "NIK region + serial + birth date" (a slip in the NIK's date part,
which the "birth date + district" key catches whenever the worker still lives in the district
the NIK was issued in; an index of its own would slow every import for very little). An
import compares its rows by the NIK only, for the slip most second registrations make (see
"an import chunk" below).

Candidates outside the user's area are still found — a person registered in two districts is
exactly what must be caught — but are described only by their district, score and level.
Inactive workers are found too and carry their status: registering a dead person again is
the fraud to catch. A record merged into another is left out: its survivor is found instead.
No writes happen here.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, F, Func, Q, QuerySet
from django.utils.translation import gettext

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.core.exceptions import DomainError
from lindung.core.formatting import mask_identity_number
from lindung.dedup.evidence import evidence_phrase
from lindung.dedup.linkage import LinkageRecord, score_pair
from lindung.dedup.linkage.model import shipped_model
from lindung.dedup.linkage.records import clean_nik, name_core, name_key
from lindung.dedup.models import Level
from lindung.dedup.pairs import Evidence, MatchLevel
from lindung.regions.models import Region
from lindung.registry import validation
from lindung.registry.models import InactiveReason, Worker, WorkerStatus
from lindung.registry.names import normalize_name


class _NikPart(Func):
    """``SUBSTRING(nik, start, length)`` with the numbers written into the SQL. SQLite uses an
    expression index only for the very expression it was built on, and a bound parameter is
    not the number 1: with ``Substr`` every lookup scanned the whole table."""

    function = "SUBSTRING"  # as Django's ``Substr`` writes it, so PostgreSQL's index matches
    output_field = CharField()

    def __init__(self, start: int, length: int) -> None:
        super().__init__(F("nik"))
        self.template = f"%(function)s(%(expressions)s, {int(start)}, {int(length)})"

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="SUBSTR", **extra_context)


# The NIK's region + birth date (digits 1–12) and birth date + serial (digits 7–16): the
# expressions of two indexes on ``Worker`` (migration registry 0007).
NIK_HEAD = _NikPart(1, 12)
NIK_TAIL = _NikPart(7, 10)
_FUNDED = (WorkerStatus.REGISTERED, WorkerStatus.VERIFIED)
# The values of a worker the check reads (``village`` as a code or a region).
CHECKED_FIELDS = (
    "nik", "full_name", "name_normalized", "birth_date", "sex", "village", "kk_number", "phone",
)  # fmt: skip
_COLUMNS = (
    "id", "nik", "kk_number", "name_normalized", "full_name", "birth_date", "sex",
    "village_id", "district_id", "phone", "status", "inactive_reason", "village__name",
    "district__name",
)  # fmt: skip
_STORED_PHONE = re.compile(r"\+62\d{6,13}")
# Workers from which the registry's size says how common a name is (see ``_name_frequency``).
NAME_FREQUENCY_FROM = 20_000


@dataclass(frozen=True)
class PossibleDuplicate:
    """A worker who may be the person being registered. Outside the user's area only the
    district, score and level are filled in: the evidence or the status would tell an
    operator whether a NIK, KK or phone they typed belongs to someone in another district."""

    worker_id: int
    in_scope: bool
    district_name: str
    score: float  # the probability that both are one person, in percent
    match_weight: float
    level: MatchLevel
    evidence: tuple[Evidence, ...]
    status: str
    inactive_reason: str = ""
    full_name: str = ""
    village_name: str = ""
    birth_date: dt.date | None = None
    nik_masked: str = ""

    @property
    def is_duplicate(self) -> bool:
        return self.level == MatchLevel.DUPLICATE

    @property
    def is_active(self) -> bool:
        return self.status in _FUNDED

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)

    @property
    def status_label(self) -> str:
        if not self.status:
            return ""
        if self.status == WorkerStatus.INACTIVE and self.inactive_reason:
            return str(InactiveReason(self.inactive_reason).label)
        return str(WorkerStatus(self.status).label)

    @property
    def reasons(self) -> list[str]:
        """What makes the two look like one person, strongest first, in short phrases."""
        supporting = sorted((e for e in self.evidence if e.weight > 0), key=lambda e: -e.weight)
        return [evidence_phrase(e) for e in supporting]

    def short_text(self) -> str:
        """One line for an import report: who (masked by scope), the score and the level."""
        score = f"{self.score:.1f}".replace(".", ",")
        if not self.in_scope:
            who = f"pekerja di Kecamatan {self.district_name} (ID {self.worker_id})"
        else:
            who = f"{self.full_name} (ID {self.worker_id}, {self.village_name})"
        return f"kemungkinan duplikat dari {who}, skor {score}%"

    def as_dict(self) -> dict[str, Any]:
        """The API's view of the candidate, masked by scope."""
        body: dict[str, Any] = {
            "worker_id": self.worker_id,
            "in_scope": self.in_scope,
            "district": self.district_name,
            "score": self.score,
            "match_weight": self.match_weight,
            "level": str(self.level),
        }
        if self.in_scope:
            body |= {
                "status": self.status,
                "reasons": self.reasons,
                "evidence": [
                    {"field": e.field, "level": e.level, "weight": e.weight} for e in self.evidence
                ],
                "full_name": self.full_name,
                "village": self.village_name,
                "birth_date": self.birth_date,
                "nik_masked": self.nik_masked,
            }
        return body


class DuplicateSuspected(DomainError):
    """A registration refused because the registry already holds, almost surely, the same
    person; the user may confirm that it is someone else and save again."""

    def __init__(self, candidates: list[PossibleDuplicate]) -> None:
        super().__init__(
            gettext(
                "This person may already be registered. Check the possible duplicates and "
                "confirm that this is a different person to save."
            )
        )
        self.candidates = candidates


def possible_duplicates(
    *, user: User, values: dict[str, Any], exclude_id: int | None = None, limit: int = 5
) -> list[PossibleDuplicate]:
    """Workers who may be the person ``values`` describe, best first (at most ``limit``).

    ``values`` are a worker's values as typed or cleaned (any of them may be missing): the
    NIK, full name, birth date, sex, village (a code or a region), KK number and phone. A
    worker with the same NIK is not a candidate: that is the same record, reported by the
    NIK check itself."""
    require(user, Capability.EDIT_WORKERS)
    record = check_record(values)
    if not is_checkable(record):
        return []
    rows = _candidate_rows(record, exclude_id=exclude_id)
    found = _scored(record, rows, frequency=_name_frequency(record, rows))
    return _described(user, found)[:limit]


def is_checkable(record: LinkageRecord) -> bool:
    """A NIK, or a name with a birth date: less than that matches too many to mean much."""
    return bool(clean_nik(record.nik) or (record.name_normalized and record.birth_date))


def check_record(values: dict[str, Any], *, id: int = 0) -> LinkageRecord:
    """The record being registered as the linkage sees it (``id`` 0: not saved yet)."""
    village = values.get("village")
    village_code = village.code if isinstance(village, Region) else str(village or "").strip()
    name = values.get("name_normalized") or normalize_name(str(values.get("full_name") or ""))
    birth_date = values.get("birth_date")
    return LinkageRecord(
        id=id,
        nik=validation.digits_only(str(values.get("nik") or "")),
        kk_number=validation.digits_only(str(values.get("kk_number") or "")),
        name_normalized=name,
        full_name=str(values.get("full_name") or ""),
        birth_date=birth_date if isinstance(birth_date, dt.date) else None,
        sex=str(values.get("sex") or ""),
        village_id=village_code,
        district_id=village_code.rsplit(".", 1)[0] if village_code.count(".") == 3 else "",
        phone=_phone(values.get("phone")),
    )


def _phone(value: Any) -> str:
    text = str(value or "").strip()
    if _STORED_PHONE.fullmatch(text):
        return text  # cleaned already (an import row): parsing it again costs more than it tells
    try:
        return validation.check_phone(text)
    except ValidationError:
        return ""


# -- finding candidates --------------------------------------------------------------------


def _workers() -> QuerySet[Worker]:
    return Worker.objects.exclude(
        status=WorkerStatus.INACTIVE, inactive_reason=InactiveReason.DUPLICATE
    ).order_by()


def _candidate_rows(record: LinkageRecord, *, exclude_id: int | None) -> list[dict]:
    """Workers sharing a blocking key with ``record``, in one query of indexed conditions."""
    keys = []
    nik = clean_nik(record.nik)
    if nik:
        keys += [Q(nik_head=nik[:12]), Q(nik_tail=nik[6:])]
    if record.birth_date:
        # Both "birth date + district" and "longest name word + birth date": the few
        # workers born that day are sorted out in Python (``shares_blocking_key``).
        keys.append(Q(birth_date=record.birth_date))
        core = name_core(record.name_normalized)
        if core:
            year = record.birth_date.year
            keys.append(
                Q(
                    name_normalized__in=_name_forms(core) | {record.name_normalized},
                    birth_date__gte=dt.date(year, 1, 1),
                    birth_date__lte=dt.date(year, 12, 31),
                )
            )
    keys += _household_keys([record])
    if not keys:
        return []
    workers = _workers().alias(nik_head=NIK_HEAD, nik_tail=NIK_TAIL)
    rows = workers.filter(reduce(or_, keys)).values(*_COLUMNS)
    unique = {row["id"]: row for row in rows if row["id"] != exclude_id}
    return [
        row
        for row in unique.values()
        if not (nik and row["nik"] == nik) and shares_blocking_key(record, _record(row))
    ]


def _name_forms(core: str) -> set[str]:
    """How a name with this core is commonly written (normalised): with or without a leading
    Muhammad, Siti or initial, and `bin`/`binti` before the father's name.

    The batch's key "same name core + birth year" is looked up through these forms, by the
    name index: through the word index, a common word (`rahman`) in a birth year still
    matches hundreds of workers in a registry of a million, too slow for a form being typed.
    A rarer form (two initials, a title the normalisation keeps) is found by the other
    keys when the birth date, NIK or phone agrees."""
    words = core.split()
    bodies = {core}
    if len(words) > 1:
        rest = " ".join(words[1:])
        bodies |= {f"{words[0]} {link} {rest}" for link in ("bin", "binti")}
    return {f"{lead}{body}" for lead in ("", "muhammad ", "siti ", "m ") for body in bodies}


def _household_keys(records: Iterable[LinkageRecord]) -> list[Q]:
    phones = {r.phone for r in records if r.phone}
    kks = {r.kk_number for r in records if clean_nik(r.kk_number)}
    keys = []
    if phones:
        # The phone index covers the funded workers only (it serves the quality worklists).
        keys.append(Q(phone__in=phones, status__in=_FUNDED) & ~Q(phone=""))
    if kks:
        keys.append(Q(kk_number__in=kks))
    return keys


def shares_blocking_key(a: LinkageRecord, b: LinkageRecord) -> bool:
    """Whether the batch would compare the two (``BLOCKING_RULES``, less the one about the
    NIK's region, serial and birth date)."""
    nik_a, nik_b = clean_nik(a.nik), clean_nik(b.nik)
    if nik_a and nik_b and (nik_a[:12] == nik_b[:12] or nik_a[6:] == nik_b[6:]):
        return True
    if a.birth_date and a.birth_date == b.birth_date and a.district_id == b.district_id:
        return True
    core_a, core_b = name_core(a.name_normalized), name_core(b.name_normalized)
    if a.birth_date and b.birth_date and core_a:
        if core_a == core_b and a.birth_date.year == b.birth_date.year:
            return True
        if a.birth_date == b.birth_date and name_key(core_a) == name_key(core_b):
            return True
    if a.phone and a.phone == b.phone:
        return True
    return bool(clean_nik(a.kk_number) and a.kk_number == b.kk_number)


def _record(row: dict, *, frequency: float | None = None) -> LinkageRecord:
    return LinkageRecord(
        id=row["id"],
        nik=row["nik"],
        kk_number=row["kk_number"],
        name_normalized=row["name_normalized"],
        full_name=row["full_name"],
        birth_date=row["birth_date"],
        sex=row["sex"],
        village_id=row["village_id"],
        district_id=row["district_id"],
        phone=row["phone"],
        name_frequency=frequency,
    )


def _name_frequency(record: LinkageRecord, rows: list[dict]) -> float | None:
    """How common the record's name is, as the batch's term-frequency adjustment reads it
    (see ``linkage.records.relative_name_frequencies``), when a candidate has the very same
    name (the only level the adjustment touches).

    Counting exactly costs one index range (the name index). The registry's size is taken
    from the highest worker id (workers are deactivated, not deleted), and the chance that
    two random workers share a name from the model (``name_agreement``, estimated on a
    registry of Kukar's names) rather than from a scan of every name. That
    estimate holds for a registry of some size only: in a small one every name is "common",
    so there the name gets neither bonus nor penalty (``None``)."""
    name = record.name_normalized
    if not name or not any(row["name_normalized"] == name for row in rows):
        return None
    size = (Worker.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    if size < NAME_FREQUENCY_FROM:
        return None
    count = Worker.objects.filter(name_normalized=name).count() + 1
    model = shipped_model()
    # A typical name's share of the registry: the chance two random workers share a name.
    typical = model.name_agreement or model.same_name_u()
    return count / size / typical


# -- scoring and describing ----------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    row: dict
    score: Any  # ScoredPair


def _scored(record: LinkageRecord, rows: list[dict], *, frequency: float | None) -> list[_Found]:
    found = []
    for row in rows:
        same_name = frequency if row["name_normalized"] == record.name_normalized else None
        candidate = _record(row, frequency=same_name)
        scored = score_pair(_with_frequency(record, same_name), candidate)
        if scored is not None:
            found.append(_Found(row, scored))
    return sorted(found, key=lambda f: (-f.score.match_weight, f.row["id"]))


def _with_frequency(record: LinkageRecord, frequency: float | None) -> LinkageRecord:
    if record.name_frequency == frequency:
        return record
    return LinkageRecord(**{**record.__dict__, "name_frequency": frequency})


def _described(user: User, found: list[_Found]) -> list[PossibleDuplicate]:
    visible = _visible(user)
    return [_duplicate(f.row, f.score, in_scope=visible(f.row)) for f in found]


def _visible(user: User):
    """Whether a worker row lies in the user's area (as ``accounts.scope.area_scope``)."""
    area = user.area if user.area_id else None
    if area is not None and area.level == Region.Level.VILLAGE:
        return lambda row: row["village_id"] == area.code
    if area is not None and area.level == Region.Level.DISTRICT:
        return lambda row: row["district_id"] == area.code
    return lambda row: True


def _duplicate(row: dict, scored, *, in_scope: bool) -> PossibleDuplicate:
    common = dict(
        worker_id=row["id"],
        in_scope=in_scope,
        district_name=row["district__name"] or "",
        score=percent(scored.probability),
        match_weight=scored.match_weight,
        level=scored.level,
    )
    if not in_scope:
        return PossibleDuplicate(**common, evidence=(), status="")
    return PossibleDuplicate(
        **common,
        evidence=scored.evidence,
        status=row["status"],
        inactive_reason=row["inactive_reason"],
        full_name=row["full_name"],
        village_name=row["village__name"] or "",
        birth_date=row["birth_date"],
        nik_masked=mask_identity_number(row["nik"]),
    )


def percent(probability: float) -> float:
    """0.99996 → 99.9, not 100.0: a score is never certainty."""
    return min(99.9, round(100 * probability, 1))


def audit_summary(candidates: list[PossibleDuplicate]) -> list[list]:
    """`[[worker id, score], …]`, as the registration's audit event records them."""
    return [[c.worker_id, c.score] for c in candidates]


# -- an import chunk -----------------------------------------------------------------------
#
# An import compares each new row with the registry and with the rows before it in its chunk
# for the slip that makes most second registrations: the NIK typed with one or two digits
# wrong (or two neighbours swapped). Candidates share a half of the NIK (the two indexes) and
# differ from it in at most two digits; the other keys are left to the batch run. Looked up
# for 10,000 rows at once, each of them matches a few unrelated workers per row in a
# registry of a million (people born the same day in the same district, holders of the same
# NIK half), and scoring those in Python would double the time of a large import for the
# rare pair they add.


def import_flags(*, user: User, rows: dict[int, dict[str, Any]]) -> dict[int, str]:
    """For the new rows of an import chunk (cleaned values by row number): the message of
    each row that may be a worker already registered or an earlier row of the chunk (the
    registry first), in two queries for the whole chunk."""
    records = _LazyRecords(rows)
    in_registry = duplicates_of_rows(user=user, records=records)
    in_file = duplicates_within_rows(records)
    flags = {number: found[0].short_text() for number, found in in_registry.items()}
    return {number: pair.short_text() for number, pair in in_file.items()} | flags


class _LazyRecords(dict):
    """Row number → ``LinkageRecord``, built when first asked for: most rows of an import
    have no NIK near another one and are never scored."""

    def __init__(self, rows: dict[int, dict[str, Any]]) -> None:
        super().__init__()
        self.rows = rows
        self.niks = {
            number: nik
            for number, values in rows.items()
            if (nik := clean_nik(validation.digits_only(str(values.get("nik") or ""))))
        }

    def __missing__(self, number: int) -> LinkageRecord:
        record = self[number] = check_record(self.rows[number], id=-number)
        return record


def duplicates_of_rows(
    *, user: User, records: dict[int, LinkageRecord]
) -> dict[int, list[PossibleDuplicate]]:
    """Each record's possible duplicates in the registry with a NIK one or two digits off,
    best first: one query for the NIKs sharing a half, one for the near ones' values."""
    niks = _niks(records)
    if not niks:
        return {}
    halves = _workers().alias(nik_head=NIK_HEAD, nik_tail=NIK_TAIL)
    halves = halves.filter(
        Q(nik_head__in={nik[:12] for nik in niks.values()})
        | Q(nik_tail__in={nik[6:] for nik in niks.values()})
    )
    found_halves = {
        worker_id: (nik, district, phone, kk)
        for nik, worker_id, district, phone, kk in halves.values_list(
            "nik", "id", "district_id", "phone", "kk_number"
        )
    }
    by_half = _by_half((holder[0], worker_id) for worker_id, holder in found_halves.items())
    near = {
        number: {
            worker_id
            for worker_id in _near_ids(nik, by_half, exclude=nik)
            if not _issued_apart(records[number], found_halves[worker_id])
        }
        for number, nik in niks.items()
    }
    wanted = {worker_id for ids in near.values() for worker_id in ids}
    if not wanted:
        return {}
    rows = {row["id"]: row for row in _workers().filter(pk__in=wanted).values(*_COLUMNS)}
    visible = _visible(user)
    result: dict[int, list[PossibleDuplicate]] = {}
    for number, ids in near.items():
        if not ids:
            continue
        found = _scored(records[number], [rows[i] for i in ids if i in rows], frequency=None)
        if found:
            result[number] = [_duplicate(f.row, f.score, in_scope=visible(f.row)) for f in found]
    return result


@dataclass(frozen=True)
class RowPair:
    """Two rows of one import that may be one person: ``row`` and the earlier ``first``."""

    row: int
    first: int
    score: float  # percent
    level: MatchLevel

    def short_text(self) -> str:
        score = f"{self.score:.1f}".replace(".", ",")
        return f"kemungkinan duplikat dari baris {self.first}, skor {score}%"


def duplicates_within_rows(records: dict[int, LinkageRecord]) -> dict[int, RowPair]:
    """Rows that may be the same person as an earlier row (the best one for each), with a
    NIK one or two digits off. Rows of different chunks are not compared: the batch run
    finds those."""
    niks = _niks(records)
    by_half = _by_half((nik, number) for number, nik in niks.items())
    best: dict[int, RowPair] = {}
    for later, nik in niks.items():
        for first in sorted(_near_ids(nik, by_half, exclude=nik)):
            if first >= later:
                break
            scored = score_pair(records[first], records[later])
            if scored is None:
                continue
            pair = RowPair(later, first, percent(scored.probability), scored.level)
            if later not in best or pair.score > best[later].score:
                best[later] = pair
    return best


def _niks(records: dict[int, LinkageRecord]) -> dict[int, str]:
    if isinstance(records, _LazyRecords):
        return records.niks
    return {number: nik for number, record in records.items() if (nik := clean_nik(record.nik))}


def _by_half(niks: Iterable[tuple[str, int]]) -> dict[str, list[tuple[str, int]]]:
    """NIKs by their first twelve and last ten digits (prefixed to keep the two apart)."""
    by_half: dict[str, list[tuple[str, int]]] = {}
    for nik, key in niks:
        by_half.setdefault("h" + nik[:12], []).append((nik, key))
        by_half.setdefault("t" + nik[6:], []).append((nik, key))
    return by_half


def _issued_apart(record: LinkageRecord, holder: tuple[str, str, str, str]) -> bool:
    """A registered worker whose NIK differs from the record's in its region, each the
    region of its holder's district, and who shares neither phone nor family card: two
    people born the same day who got the same serial in their own districts (every
    district's first registration of a day is `0001`), not a typing slip. With the model's
    weights such a pair cannot reach "possible" (the NIK level "regions one digit apart,
    each the worker's district" weighs little, another district weighs against), so it is
    not scored at all: the NIK alone would have every row of a large import scored against
    a dozen such strangers. The batch run still compares them in full."""
    nik, district, phone, kk = holder
    return (
        record.nik[:6] != nik[:6]
        and record.nik[:6] == record.district_id.replace(".", "")
        and nik[:6] == (district or "").replace(".", "")
        and not (phone and phone == record.phone)
        and not (kk and kk == record.kk_number)
    )


def _near_ids(nik: str, by_half: dict[str, list[tuple[str, int]]], *, exclude: str) -> set[int]:
    """The keys of the NIKs sharing a half with ``nik`` and at most two digits off it."""
    candidates = by_half.get("h" + nik[:12], []) + by_half.get("t" + nik[6:], [])
    return {
        key
        for other, key in candidates
        if other != exclude and sum(a != b for a, b in zip(nik, other, strict=True)) <= 2
    }
