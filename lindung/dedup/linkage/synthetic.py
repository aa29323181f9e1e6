"""Synthetic Kukar registries with known truth, to train, measure and test the linkage.

The people come from the demo generator (``lindung.registry.demo``: Kutai, Banjar, Bugis,
Javanese and Dayak names by district, NIKs consistent with birth date, sex and district,
families on one KK). On top of them this module plants

* duplicates: the same person registered again with the slips real registers contain
  (a NIK typing slip, a forgotten +40 for a woman, a spelling variant, a dropped or added
  word, a `H.`/`Hj.`, upper case, another phone, a neighbouring village, another KK);
* hard negatives: different people who look alike (twins on one KK, a namesake born the
  same day in the same village, a son carrying his father's name).

``person`` is the truth: two records are one person exactly when their ``person`` is equal.
"""

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lindung.dedup.linkage.records import WEAK_WORDS
from lindung.registry.data import names
from lindung.registry.data.demo_population import PHONE_PREFIXES, SECTOR_WEIGHTS
from lindung.registry.demo import DemoGenerator
from lindung.registry.names import normalize_name

_MUHAMMAD = ("Muhammad", "Muhamad", "Moh.", "M.", "Mochammad", "Muh.", "MUHAMMAD")
_MUHAMMAD_WORDS = {"muhammad", "muhamad", "moh.", "mochammad", "muh."}


@dataclass
class SyntheticRecord:
    id: int
    person: int  # the truth
    kind: str  # "original", "duplicate", "twin", "namesake", "junior", "namesake_elsewhere"
    nik: str
    kk_number: str
    full_name: str
    birth_date: dt.date
    sex: str
    village_id: str
    district_id: str
    phone: str
    values: dict[str, Any] = field(repr=False)  # the worker's other fields, as the demo has them

    @property
    def name_normalized(self) -> str:
        return normalize_name(self.full_name)


def generate_registry(
    *,
    size: int,
    villages: list,
    seed: int,
    duplicate_share: float = 0.06,
    hard_negative_share: float = 0.02,
    now: dt.datetime | None = None,
) -> list[SyntheticRecord]:
    """``size`` records: about ``duplicate_share`` of them second registrations of someone
    else in the list, ``hard_negative_share`` look-alikes of someone else."""
    now = now or dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    duplicates = round(size * duplicate_share)
    look_alikes = round(size * hard_negative_share)
    planter = _Planter(seed=seed, now=now, villages=villages)
    originals = planter.originals(size - duplicates - look_alikes)
    return (
        originals
        + planter.look_alikes(originals, look_alikes)
        + planter.duplicates(originals, duplicates)
    )


def true_pairs(records: list[SyntheticRecord]) -> set[tuple[int, int]]:
    """Every pair of records of one person, as (lower id, higher id)."""
    by_person: dict[int, list[int]] = {}
    for record in records:
        by_person.setdefault(record.person, []).append(record.id)
    return {
        (a, b)
        for ids in by_person.values()
        for i, a in enumerate(sorted(ids))
        for b in sorted(ids)[i + 1 :]
    }


class _Planter:
    def __init__(self, *, seed: int, now: dt.datetime, villages: list) -> None:
        self.rng = random.Random(seed + 7919)
        self.demo = DemoGenerator(
            seed=seed, now=now, villages=villages, sector_codes=list(SECTOR_WEIGHTS)
        )
        self.villages_of: dict[str, list[str]] = {}
        for village in villages:
            self.villages_of.setdefault(village.parent_id, []).append(village.code)
        self.districts = sorted(self.villages_of)
        self.used: set[str] = set()
        self.next_id = 1
        self.next_person = 1

    # -- the population ------------------------------------------------------------------

    def originals(self, count: int) -> list[SyntheticRecord]:
        records = []
        family, family_phone = "", ""
        phone_in: dict[str, str] = {}  # the last phone seen in each village
        for demo in self.demo.workers(count):
            values = dict(demo.values)
            village = values["village"]
            if values["kk_number"] != family:
                family, family_phone = values["kk_number"], values["phone"]
            elif family_phone and self.rng.random() < 0.35:  # one phone for the household
                values["phone"] = family_phone
            if phone_in.get(village) and self.rng.random() < 0.03:  # a relative's, a neighbour's
                values["phone"] = phone_in[village]
            phone_in[village] = values["phone"] or phone_in.get(village, "")
            records.append(
                self._record(
                    kind="original",
                    person=self._new_person(),
                    nik=values["nik"],
                    kk_number=values["kk_number"],
                    full_name=values["full_name"],
                    birth_date=values["birth_date"],
                    sex=values["sex"],
                    village_id=village,
                    phone=values["phone"],
                    values=values,
                )
            )
        return records

    def _record(self, **fields) -> SyntheticRecord:
        village = fields["village_id"]
        record = SyntheticRecord(id=self.next_id, district_id=village.rsplit(".", 1)[0], **fields)
        self.next_id += 1
        self.used.add(record.nik)
        return record

    def _new_person(self) -> int:
        self.next_person += 1
        return self.next_person - 1

    def _copy(self, original: SyntheticRecord, **changes) -> SyntheticRecord:
        """A new record from ``original``'s values with ``changes``."""
        fields = {
            name: getattr(original, name)
            for name in ("kind", "person", "nik", "kk_number", "full_name", "birth_date", "sex",
                         "village_id", "phone")
        }  # fmt: skip
        fields |= changes
        return self._record(values=original.values, **fields)

    # -- look-alikes: different people the engine must not pair ---------------------------

    def look_alikes(self, originals: list[SyntheticRecord], count: int) -> list[SyntheticRecord]:
        functions = (self._twin, self._namesake, self._junior, self._namesake_elsewhere)
        weights = (35, 30, 20, 15)
        # Namesakes carry the common names: a name held by one person is rarely held by a
        # second born the same year nearby.
        held = Counter(record.name_normalized for record in originals)
        common = [record for record in originals if held[record.name_normalized] >= 3]
        fathers = [r for r in originals if r.sex == "M" and r.birth_date.year < 1985]
        made: list[SyntheticRecord] = []
        while len(made) < count:
            maker = self.rng.choices(functions, weights=weights)[0]
            if maker in (self._namesake, self._namesake_elsewhere):
                model = self.rng.choice(common or originals)
            elif maker == self._junior:
                model = self.rng.choice(fathers or originals)
            else:
                model = self.rng.choice(originals)
            record = maker(model)
            if record is not None:
                made.append(record)
        return made

    def _twin(self, sibling: SyntheticRecord) -> SyntheticRecord:
        """Born the same day into the same family card: the next serial, another name."""
        sex = self.rng.choice("MF")
        words = sibling.full_name.split()
        # The first word that is really a name (not `H.`, `Muhammad`, `Siti`) is the one
        # parents vary between twins.
        first = next((i for i, word in enumerate(words) if _is_given_name(word)), 0)
        given = words[first]
        while words[first] == given:  # twins never share a name
            words[first] = self._given_name(sex)
        name = " ".join(words)
        return self._copy(
            sibling,
            kind="twin",
            person=self._new_person(),
            nik=self._nik(sibling.nik[:6], sibling.birth_date, sex),
            full_name=name,
            sex=sex,
            phone=sibling.phone if self.rng.random() < 0.5 else self._phone(),
        )

    def _namesake(self, other: SyntheticRecord, *, elsewhere: bool = False) -> SyntheticRecord:
        """Another family, the same name, in the same village or district; born the same
        day a quarter of the time, else in the same year."""
        born = other.birth_date
        if self.rng.random() < 0.75:
            born = born.replace(month=self.rng.randint(1, 12), day=self.rng.randint(1, 28))
        district = other.district_id
        if elsewhere:
            district = self.rng.choice([d for d in self.districts if d != district])
            village = self.rng.choice(self.villages_of[district])
        elif self.rng.random() < 0.6:
            village = other.village_id
        else:
            village = self.rng.choice(self.villages_of[district])
        return self._copy(
            other,
            kind="namesake_elsewhere" if elsewhere else "namesake",
            person=self._new_person(),
            nik=self._nik(district.replace(".", ""), born, other.sex),
            birth_date=born,
            kk_number=self._kk(district),
            village_id=village,
            phone=self._phone() if self.rng.random() < 0.8 else "",
        )

    def _namesake_elsewhere(self, other: SyntheticRecord) -> SyntheticRecord:
        return self._namesake(other, elsewhere=True)

    def _junior(self, father: SyntheticRecord) -> SyntheticRecord | None:
        """A son named after his father, on the same family card."""
        age_gap = self.rng.randint(18, 32)
        born = father.birth_date + dt.timedelta(days=365 * age_gap + self.rng.randint(0, 364))
        if father.sex != "M" or born > dt.date(2008, 1, 1):
            return None
        return self._copy(
            father,
            kind="junior",
            person=self._new_person(),
            nik=self._nik(father.nik[:6], born, "M"),
            birth_date=born,
            phone=father.phone if self.rng.random() < 0.4 else self._phone(),
        )

    # -- duplicates: the same person again ------------------------------------------------

    def duplicates(self, originals: list[SyntheticRecord], count: int) -> list[SyntheticRecord]:
        made: list[SyntheticRecord] = []
        for original in self.rng.sample(originals, min(count, len(originals))):
            copies = 2 if self.rng.random() < 0.04 else 1
            for _copy in range(min(copies, count - len(made))):
                made.append(self._duplicate(original))
            if len(made) >= count:
                break
        return made

    def _duplicate(self, original: SyntheticRecord) -> SyntheticRecord:
        rng = self.rng
        village = original.village_id
        draw = rng.random()
        if draw < 0.18:
            village = rng.choice(self.villages_of[original.district_id])
        elif draw < 0.25:
            village = rng.choice(self.villages_of[rng.choice(self.districts)])
        kk = original.kk_number
        draw = rng.random()
        if draw < 0.20:
            kk = self._kk(village.rsplit(".", 1)[0])
        elif draw < 0.30:
            kk = _slip(rng, kk)
        elif draw < 0.45:
            kk = ""
        draw = rng.random()
        phone = original.phone if draw < 0.45 else (self._phone() if draw < 0.75 else "")
        return self._copy(
            original,
            kind="duplicate",
            nik=self._mistyped_nik(original),
            full_name=self._spelling_variant(original.full_name, original.sex),
            birth_date=self._mistyped_date(original.birth_date),
            sex=original.sex if rng.random() < 0.995 else ("F" if original.sex == "M" else "M"),
            village_id=village,
            kk_number=kk,
            phone=phone,
        )

    def _mistyped_nik(self, original: SyntheticRecord) -> str:
        rng = self.rng
        for _attempt in range(50):
            draw = rng.random()
            if draw < 0.60:
                nik = _slip(rng, original.nik)
            elif draw < 0.80:
                nik = _swap(rng, original.nik)
            elif draw < 0.88 and original.sex == "F":  # the +40 forgotten
                day = int(original.nik[6:8]) - 40
                nik = f"{original.nik[:6]}{day:02d}{original.nik[8:]}"
            else:  # issued again elsewhere, or someone else's number typed in
                district = rng.choice(self.districts)
                nik = self._nik(district.replace(".", ""), original.birth_date, original.sex)
            if nik not in self.used and _plausible_nik(nik):
                return nik
        raise RuntimeError("no free NIK near " + original.nik)

    def _mistyped_date(self, born: dt.date) -> dt.date:
        draw = self.rng.random()
        try:
            if draw < 0.04:
                return born.replace(day=born.month, month=born.day)
            if draw < 0.08:
                return born.replace(day=self.rng.randint(1, 28))
            if draw < 0.11:
                return born.replace(year=born.year + self.rng.choice((-1, 1)))
            if draw < 0.13:
                return born.replace(month=self.rng.randint(1, 12))
        except ValueError:  # 31 February and the like: keep the right date
            pass
        return born

    def _spelling_variant(self, name: str, sex: str) -> str:
        rng = self.rng
        words = name.split()
        if any(word.lower() in _MUHAMMAD_WORDS for word in words) and rng.random() < 0.6:
            words = [rng.choice(_MUHAMMAD) if w.lower() in _MUHAMMAD_WORDS else w for w in words]
        if "Siti" in words and rng.random() < 0.5:
            words = ["St." if word == "Siti" else word for word in words]
        if rng.random() < 0.25:
            index = rng.randrange(len(words))
            words[index] = _double_letter_variant(rng, words[index])
        given = [i for i, word in enumerate(words) if word not in ("H.", "Hj.")]
        if len(given) > 1 and rng.random() < 0.12:
            words.pop(rng.choice((given[0], given[-1])))
        elif rng.random() < 0.10:
            community = rng.choice(list(names.COMMUNITIES.values()))
            words.append(rng.choice(community.second_names))
        if words[0] not in ("H.", "Hj.") and rng.random() < 0.08:
            words.insert(0, "H." if sex == "M" else "Hj.")
        elif words[0] in ("H.", "Hj.") and rng.random() < 0.5:
            words.pop(0)
        variant = " ".join(words)
        return variant.upper() if rng.random() < 0.15 else variant

    # -- numbers -------------------------------------------------------------------------

    def _nik(self, region: str, born: dt.date, sex: str) -> str:
        day = born.day + (40 if sex == "F" else 0)
        return self._next_free(f"{region}{day:02d}{born:%m%y}")

    def _kk(self, district: str) -> str:
        issued = dt.date(2026, 1, 1) - dt.timedelta(days=self.rng.randint(30, 17 * 365))
        return self._next_free(f"{district.replace('.', '')}{issued:%d%m%y}")

    def _next_free(self, prefix: str) -> str:
        """The lowest free serial: people registered on one day in one district get
        consecutive numbers, which is what makes neighbours' NIKs differ by one digit."""
        for serial in range(1, 10000):
            number = f"{prefix}{serial:04d}"
            if number not in self.used:
                self.used.add(number)
                return number
        raise RuntimeError("no free serial for " + prefix)

    def _phone(self) -> str:
        digits = self.rng.choice((8, 8, 9))
        number = f"{self.rng.choice(PHONE_PREFIXES)}{self.rng.randrange(10**digits):0{digits}d}"
        return "+62" + number[1:]

    def _given_name(self, sex: str) -> str:
        community = self.rng.choice(list(names.COMMUNITIES.values()))
        return self.rng.choice(community.male if sex == "M" else community.female).split()[0]


def _slip(rng: random.Random, number: str) -> str:
    """One digit typed wrong."""
    if not number:
        return number
    index = rng.randrange(len(number))
    digit = rng.choice([d for d in "0123456789" if d != number[index]])
    return number[:index] + digit + number[index + 1 :]


def _swap(rng: random.Random, number: str) -> str:
    """Two neighbouring (different) digits exchanged."""
    places = [i for i in range(len(number) - 1) if number[i] != number[i + 1]]
    if not places:
        return _slip(rng, number)
    i = rng.choice(places)
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def _double_letter_variant(rng: random.Random, word: str) -> str:
    """`Nurjannah` → `Nurjanah`, `Rusdi` → `Ruusdi`... as clerks spell by ear."""
    for i in range(1, len(word)):
        if word[i] == word[i - 1] and word[i].isalpha():
            return word[:i] + word[i + 1 :]
    consonants = [i for i in range(1, len(word) - 1) if word[i].lower() in "lmnrst"]
    if consonants:
        i = rng.choice(consonants)
        return word[: i + 1] + word[i] + word[i + 1 :]
    return word


def _is_given_name(word: str) -> bool:
    normalized = normalize_name(word)
    return len(normalized) > 2 and normalized not in WEAK_WORDS


def _plausible_nik(nik: str) -> bool:
    """What the registry's validation accepts: a real date (after -40) and a serial."""
    day = int(nik[6:8])
    day = day - 40 if day > 40 else day
    try:
        dt.date(2000, int(nik[8:10]), day)
    except ValueError:
        return False
    return nik[12:] != "0000"


def records_by_kind(records: list[SyntheticRecord]) -> Iterator[tuple[str, int]]:
    counts: dict[str, int] = {}
    for record in records:
        counts[record.kind] = counts.get(record.kind, 0) + 1
    yield from sorted(counts.items())


def as_columns(records: list[SyntheticRecord]) -> dict[str, list]:
    """The records as the keyword arguments of ``engine.frame_from_columns``."""
    return {
        "ids": [r.id for r in records],
        "niks": [r.nik for r in records],
        "kk_numbers": [r.kk_number for r in records],
        "names": [r.name_normalized for r in records],
        "birth_dates": [r.birth_date for r in records],
        "sexes": [r.sex for r in records],
        "village_ids": [r.village_id for r in records],
        "district_ids": [r.district_id for r in records],
        "phones": [r.phone for r in records],
    }
