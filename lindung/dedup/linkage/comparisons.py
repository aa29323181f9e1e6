"""What the linkage compares, level by level, written once for DuckDB and once for Python.

Each comparison is a list of levels tried in order; the first that holds gives the pair its
level for that comparison, and the level's match weight (from ``model.json``) its evidence.
The SQL reads the columns the engine prepares (``x_l`` and ``x_r`` are the two workers'
values of ``x``); the Python reads ``Side``, built from a ``LinkageRecord`` with the same
derivations. The tests score the same pairs both ways to keep the two in step.

Fellegi–Sunter adds the weights of the comparisons as if they were independent. Fields
that tell the same story are therefore compared *together*: the NIK with the declared
birth date (the NIK encodes it), and the family card with the phone (a household shares
both). Scored apart, a pair of neighbours born the same day, or of brothers, would be
counted as agreeing twice.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_noop as _  # labels go to the catalogue as they are
from rapidfuzz.distance import JaroWinkler

from lindung.dedup.linkage.records import LinkageRecord, clean_nik, name_core

_WORD_ALIKE = 0.9  # Jaro-Winkler from which two words count as one spelt differently

# Defined on the engine's connection: Splink would read a lambda's variables as columns.
SQL_MACROS = f"""
CREATE OR REPLACE MACRO words_alike(a, b) AS list_bool_and(
    [list_max([jaro_winkler_similarity(x, y) for y in b]) >= {_WORD_ALIKE} for x in a]
);
"""


@dataclass(frozen=True)
class Side:
    """One worker's comparable values (``None`` where the registry has nothing)."""

    nik: str | None
    kk_number: str | None
    name: str | None
    name_core: str
    name_words: frozenset[str]
    birth_date: dt.date | None
    sex: str | None
    village_id: str | None
    district_id: str | None
    phone: str | None
    name_frequency: float | None

    @classmethod
    def of(cls, record: LinkageRecord) -> "Side":
        core = name_core(record.name_normalized)
        return cls(
            nik=clean_nik(record.nik),
            kk_number=clean_nik(record.kk_number),
            name=record.name_normalized or None,
            name_core=core,
            name_words=frozenset(core.split()),
            birth_date=record.birth_date,
            sex=record.sex or None,
            village_id=record.village_id or None,
            district_id=record.district_id or None,
            phone=record.phone or None,
            name_frequency=record.name_frequency,
        )


Test = Callable[[Side, Side], bool]


@dataclass(frozen=True)
class Cond:
    """A condition on a pair, as SQL and as Python; ``&`` joins two."""

    sql: str
    test: Test

    def __and__(self, other: "Cond") -> "Cond":
        return Cond(
            f"({self.sql}) AND ({other.sql})", lambda a, b: self.test(a, b) and other.test(a, b)
        )

    def __invert__(self) -> "Cond":
        return Cond(f"NOT coalesce({self.sql}, FALSE)", lambda a, b: not self.test(a, b))

    def __or__(self, other: "Cond") -> "Cond":
        return Cond(
            f"({self.sql}) OR ({other.sql})", lambda a, b: self.test(a, b) or other.test(a, b)
        )


@dataclass(frozen=True)
class Level:
    label: str  # what an operator reads in the evidence (English; the pages translate it)
    when: Cond
    is_null: bool = False  # "nothing to compare": weight 0
    term_frequency: bool = False  # the weight depends on how common the value is

    @property
    def sql(self) -> str:
        return self.when.sql

    def test(self, a: Side, b: Side) -> bool:
        return self.when.test(a, b)


@dataclass(frozen=True)
class Comparison:
    field: str  # the ``Evidence.field``
    levels: tuple[Level, ...]  # the last one holds for any pair

    def level_of(self, a: Side, b: Side) -> int:
        for index, level in enumerate(self.levels):
            if level.test(a, b):
                return index
        raise AssertionError("the last level of a comparison always holds")


ALWAYS = Cond("TRUE", lambda a, b: True)


def _equal(column: str) -> Cond:
    """Both known and equal (SQL's ``=`` is NULL, so false, when one side is missing)."""

    def test(a: Side, b: Side) -> bool:
        left = getattr(a, column)
        return left is not None and left == getattr(b, column)

    return Cond(f"{column}_l = {column}_r", test)


def _differ(column: str) -> Cond:
    """Both known and different."""

    def test(a: Side, b: Side) -> bool:
        left, right = getattr(a, column), getattr(b, column)
        return left is not None and right is not None and left != right

    return Cond(f"{column}_l <> {column}_r", test)


def _missing(*columns: str) -> Cond:
    """One side lacks each of ``columns``."""
    sql = " AND ".join(f"({c}_l IS NULL OR {c}_r IS NULL)" for c in columns)
    return Cond(
        sql,
        lambda a, b: all(getattr(a, c) is None or getattr(b, c) is None for c in columns),
    )


# -- NIK and birth date --------------------------------------------------------------------


def _hamming(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


def _nik_parts_equal(*parts: slice) -> Test:
    return lambda a, b: all(a.nik[part] == b.nik[part] for part in parts)  # type: ignore[index]


def _nik_digits_differ(count: int) -> Cond:
    return Cond(
        f"hamming(nik_l, nik_r) = {count}",
        lambda a, b: _hamming(a.nik, b.nik) == count,  # type: ignore[arg-type]
    )


def _swapped(a: Side, b: Side) -> bool:
    """Two neighbouring digits exchanged, nothing else (`1234` / `1324`)."""
    left, right = a.nik or "", b.nik or ""
    diff = [i for i, (x, y) in enumerate(zip(left, right, strict=True)) if x != y]
    if len(diff) != 2 or diff[1] != diff[0] + 1:
        return False
    first, second = diff
    return left[first] == right[second] and left[second] == right[first]


_REGION, _DATE, _SERIAL = slice(0, 6), slice(6, 12), slice(12, 16)
_SAME_REGION = Cond("nik_region_l = nik_region_r", _nik_parts_equal(_REGION))
_SAME_NIK_DATE = Cond("nik_date_l = nik_date_r", _nik_parts_equal(_DATE))
_SAME_SERIAL = Cond("nik_serial_l = nik_serial_r", _nik_parts_equal(_SERIAL))
_ONE_DIGIT, _TWO_DIGITS = _nik_digits_differ(1), _nik_digits_differ(2)
_SAME_LAST_DIGIT = Cond("right(nik_l, 1) = right(nik_r, 1)", _nik_parts_equal(slice(15, 16)))
_NIK_SWAP = _TWO_DIGITS & Cond("damerau_levenshtein(nik_l, nik_r) = 1", _swapped)


def _birth_parts(side: Side) -> tuple[int, int, int]:
    born = side.birth_date
    return (born.year, born.month, born.day)  # type: ignore[union-attr]


def _birth_near(a: Side, b: Side) -> bool:
    """One of day, month and year differs, or day and month are swapped."""
    if a.birth_date is None or b.birth_date is None:
        return False
    (ya, ma, da), (yb, mb, db) = _birth_parts(a), _birth_parts(b)
    one_part = (ya == yb) + (ma == mb) + (da == db) == 2
    return one_part or (ya == yb and ma == db and da == mb)


_SAME_BIRTH = _equal("birth_date")
_BIRTH_NEAR = Cond(
    "(birth_year_l = birth_year_r)::INT + (birth_month_l = birth_month_r)::INT"
    " + (birth_day_l = birth_day_r)::INT = 2"
    " OR (birth_year_l = birth_year_r AND birth_month_l = birth_day_r"
    " AND birth_day_l = birth_month_r)",
    _birth_near,
)


def nik_fits_birth(nik: str | None, born: dt.date | None, sex: str | None) -> bool:
    """The NIK's date part is the declared birth date (day + 40 for a woman)."""
    if nik is None or born is None:
        return False
    day = born.day + (40 if sex == "F" else 0)
    return nik[6:12] == f"{day:02d}{born:%m%y}"


# Two people born a few days or months apart have NIKs that differ just as their birth
# dates do; a person registered twice with a slip in each has a NIK that no longer fits.
_BOTH_FIT = Cond(
    "nik_fits_birth_l AND nik_fits_birth_r",
    lambda a, b: (
        nik_fits_birth(a.nik, a.birth_date, a.sex) and nik_fits_birth(b.nik, b.birth_date, b.sex)
    ),
)


# Most people's NIK was issued in the district they live in: two workers whose NIK regions
# differ but each match their own district are more likely neighbours than a typo.
_BOTH_LOCAL = Cond(
    "nik_fits_district_l AND nik_fits_district_r",
    lambda a, b: _fits_district(a) and _fits_district(b),
)


def _fits_district(side: Side) -> bool:
    if side.nik is None or side.district_id is None:
        return False
    return side.nik[:6] == side.district_id.replace(".", "")


def _nik_levels() -> tuple[Level, ...]:
    # NIK = region (6) + birth date (6) + serial (4). People born the same day in the same
    # district have serials a few apart, and serials are small numbers, so a neighbour's
    # NIK often differs in one serial digit, and one born the same day in a district whose
    # code is one digit away in one region digit. A slip in the date part while the
    # declared birth dates agree is what a clerk's typo looks like. So is a slip in one of
    # the serial's leading digits: the next person registered that day differs in the last
    # (and 0001 and 0010 look like a swap).
    return (
        Level(_("missing"), _missing("nik"), is_null=True),
        Level(_("same NIK"), _equal("nik")),
        Level(_("one digit of the NIK's birth date differs, same birth date"),
              _SAME_REGION & _SAME_SERIAL & _ONE_DIGIT & _SAME_BIRTH),
        Level(_("one digit of the NIK's region differs, same birth date"),
              _SAME_NIK_DATE & _SAME_SERIAL & _ONE_DIGIT & _SAME_BIRTH & ~_BOTH_LOCAL),
        Level(_("NIK regions one digit apart, each the worker's district, same birth date"),
              _SAME_NIK_DATE & _SAME_SERIAL & _ONE_DIGIT & _SAME_BIRTH),
        Level(_("two neighbouring NIK digits swapped"), _NIK_SWAP & _SAME_SERIAL),
        Level(_("one digit of the NIK's serial differs, same birth date"),
              _ONE_DIGIT & _SAME_LAST_DIGIT & _SAME_BIRTH),
        Level(_("last digit of the NIK differs, same birth date"), _ONE_DIGIT & _SAME_BIRTH),
        Level(_("two NIK digits differ outside the serial, same birth date"),
              _TWO_DIGITS & _SAME_SERIAL & _SAME_BIRTH),
        Level(_("two NIK digits differ, same birth date"), _TWO_DIGITS & _SAME_BIRTH),
        Level(_("same NIK region and birth date, other serial"),
              _SAME_REGION & _SAME_NIK_DATE & _SAME_BIRTH),
        Level(_("NIK and birth date differ alike, each NIK fitting its birth date"),
              (_ONE_DIGIT | _TWO_DIGITS) & _BIRTH_NEAR & _BOTH_FIT),
        Level(_("NIK one or two digits off, birth date slightly different"),
              (_ONE_DIGIT | _TWO_DIGITS) & _BIRTH_NEAR),
        Level(_("other NIK, same birth date"), _SAME_BIRTH),
        Level(_("other NIK, birth date slightly different"), _BIRTH_NEAR),
        Level(_("other NIK and birth date"), ALWAYS),
    )  # fmt: skip


# -- name ----------------------------------------------------------------------------------


def _fuzzy_words(a: Side, b: Side) -> bool:
    """Every word of ``a`` is spelt almost like a word of ``b`` (`asmah` in `assmah effendi`)."""
    return all(
        max(JaroWinkler.similarity(x, y) for y in b.name_words) >= _WORD_ALIKE for x in a.name_words
    )


def _jaro_winkler(threshold: float) -> Cond:
    return Cond(
        f"jaro_winkler_similarity(name_core_l, name_core_r) >= {threshold}",
        lambda a, b: JaroWinkler.similarity(a.name_core, b.name_core) >= threshold,
    )


_both_longer_than_one_word = Cond(
    "len(name_words_l) > 1 AND len(name_words_r) > 1",
    lambda a, b: len(a.name_words) > 1 and len(b.name_words) > 1,
)


def _name_levels() -> tuple[Level, ...]:
    contained = Cond(
        "list_has_all(name_words_l, name_words_r) OR list_has_all(name_words_r, name_words_l)",
        lambda a, b: a.name_words <= b.name_words or b.name_words <= a.name_words,
    )
    alike = Cond(
        "words_alike(name_words_l, name_words_r) OR words_alike(name_words_r, name_words_l)",
        lambda a, b: _fuzzy_words(a, b) or _fuzzy_words(b, a),
    )
    return (
        Level(_("missing"), _missing("name"), is_null=True),
        Level(_("same name"), _equal("name"), term_frequency=True),
        Level(_("same name apart from Muhammad, Siti or an initial"), _equal("name_core")),
        Level(_("spelt almost the same"), _jaro_winkler(0.94)),
        Level(
            _("one name has a word the other lacks"),
            contained & _both_longer_than_one_word,
        ),
        Level(_("a one-word name is a word of the other"), contained),
        Level(_("each word of one name is like a word of the other"), alike),
        Level(_("similar spelling"), _jaro_winkler(0.85)),
        Level(_("different"), ALWAYS),
    )


# -- the rest ------------------------------------------------------------------------------


def _sex_levels() -> tuple[Level, ...]:
    return (
        Level(_("missing"), _missing("sex"), is_null=True),
        Level(_("same"), _equal("sex")),
        Level(_("different"), ALWAYS),
    )


def _village_levels() -> tuple[Level, ...]:
    return (
        Level(_("missing"), _missing("village_id"), is_null=True),
        Level(_("same village"), _equal("village_id")),
        Level(_("same district, other village"), _equal("district_id")),
        Level(_("other district"), ALWAYS),
    )


def _household_levels() -> tuple[Level, ...]:
    kk_slip = Cond(
        "hamming(kk_number_l, kk_number_r) = 1",
        lambda a, b: (
            a.kk_number is not None
            and b.kk_number is not None
            and _hamming(a.kk_number, b.kk_number) == 1
        ),
    )
    same_kk, same_phone = _equal("kk_number"), _equal("phone")
    return (
        Level(_("missing"), _missing("kk_number", "phone"), is_null=True),
        Level(_("same family card"), same_kk),
        Level(_("family card one digit off"), kk_slip),
        Level(_("same phone"), same_phone),
        Level(_("other family card and phone"), _differ("kk_number") & _differ("phone")),
        Level(_("other family card or phone"), ALWAYS),
    )


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("nik_birth_date", _nik_levels()),
    Comparison("name", _name_levels()),
    Comparison("sex", _sex_levels()),
    Comparison("village", _village_levels()),
    Comparison("kk_number_phone", _household_levels()),
)
