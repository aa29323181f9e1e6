"""Realistic synthetic workers for demonstrations and benchmarks (`lindung seed_demo`).

Values are generated directly in the cleaned form ``clean_worker_values`` produces (phone as
`+62…`, RT as `004`, NIK consistent with birth date, sex and a Kukar district), so tens of
thousands of rows can be written with ``bulk_create`` instead of one service call each. The
tests run a sample back through ``clean_worker_values`` to keep the two in step.

The same seed and the same ``now`` always give the same people.
"""

import datetime as dt
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import DomainError
from lindung.regions.models import Region
from lindung.regions.selectors import regency_villages
from lindung.registry.data import names
from lindung.registry.data.demo_population import (
    COMMUNITY_WEIGHTS,
    DEFAULT_PROFILE,
    DISTRICT_PROFILES,
    FEMALE_OCCUPATIONS,
    INACTIVE_REASONS,
    MALE_OCCUPATIONS,
    PHONE_PREFIXES,
    REJECTION_NOTES,
    SECTOR_WEIGHTS,
    WOMEN_RELIGIOUS_WORK,
)
from lindung.registry.data.sectors import OCCUPATIONS
from lindung.registry.models import (
    RELATIONSHIP_RANK,
    Heir,
    HeirRelationship,
    LegalBasis,
    Sector,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)
from lindung.registry.name_index import index_names
from lindung.registry.names import normalize_name

BATCH_SIZE = 5000
_SITI_LIKE = ("Siti", "Nur", "Nor", "Noor")
PROGRAMME_START = dt.datetime(2021, 10, 1, tzinfo=dt.UTC)  # the first Kukar cohort


@dataclass
class Person:
    full_name: str
    sex: str
    birth_date: dt.date
    nik: str = ""


@dataclass
class DemoWorker:
    """One generated worker: ``values`` in the shape ``clean_worker_values`` takes."""

    values: dict[str, Any]
    name_normalized: str
    birth_date_mismatch: bool
    sex_mismatch: bool
    created_at: dt.datetime
    heirs: list[dict[str, Any]] = field(default_factory=list)
    # (from status, to status, inactive reason, note, when); the first is the registration.
    history: list[tuple[str, str, str, str, dt.datetime]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.history[-1][1]


@dataclass
class _Family:
    """The people of one family card (KK) and what they share."""

    village: Region
    community: names.Community
    christian: bool
    surname: str
    kk_number: str
    address: str
    rt: str
    rw: str


class DemoGenerator:
    """Draws workers family by family from a seeded random generator.

    ``existing_niks``/``existing_kks`` are the numbers already in the registry: new serials
    start above the highest one per NIK/KK prefix, so seeding twice never collides.
    """

    def __init__(
        self,
        *,
        seed: int,
        now: dt.datetime,
        villages: list[Region],
        sector_codes: list[str],
        existing_niks: set[str] = frozenset(),
        existing_kks: set[str] = frozenset(),
    ) -> None:
        if not villages:
            raise ValueError("no villages to place workers in")
        self.rng = random.Random(seed)
        self.now = now
        self.today = timezone.localtime(now).date()
        self.villages = sorted(villages, key=lambda village: village.code)
        self._used = set(existing_niks) | set(existing_kks)
        self._serials = _highest_serials(existing_niks, 12) | _highest_serials(existing_kks, 12)
        self._setup_weights(sector_codes)

    def _setup_weights(self, sector_codes: list[str]) -> None:
        by_district: dict[str, list[Region]] = {}
        for village in self.villages:
            by_district.setdefault(village.parent_id, []).append(village)
        self.districts = sorted(by_district)
        self._villages_of = by_district
        self._district_cum = _cumulative(_profile(code)[0] for code in self.districts)
        # Towns (kelurahan) are denser; each village gets its own size, fixed by the seed.
        self._village_cum = {
            code: _cumulative(
                (1.5 if v.kind == Region.Kind.KELURAHAN else 1.0) * (0.5 + self.rng.random())
                for v in villages
            )
            for code, villages in by_district.items()
        }
        communities = list(COMMUNITY_WEIGHTS)
        sectors = [code for code in SECTOR_WEIGHTS if code in sector_codes]
        if not sectors:
            raise ValueError("none of the demo sectors exists")
        self._community_cum, self._sector_cum = {}, {}
        for district in self.districts:
            _weight, community_weights, sector_factors = _profile(district)
            self._community_cum[district] = (
                communities,
                _cumulative(community_weights.get(c, COMMUNITY_WEIGHTS[c]) for c in communities),
            )
            self._sector_cum[district] = (
                sectors,
                _cumulative(SECTOR_WEIGHTS[s] * sector_factors.get(s, 1) for s in sectors),
            )

    # -- workers ---------------------------------------------------------------------------

    def workers(self, count: int) -> Iterator[DemoWorker]:
        """``count`` workers; the first families go one to each village, so all have some."""
        made = 0
        family_number = 0
        while made < count:
            village = (
                self.villages[family_number]
                if family_number < len(self.villages)
                else self._pick_village()
            )
            for worker in self._family_workers(village)[: count - made]:
                made += 1
                yield worker
            family_number += 1

    def _pick_village(self) -> Region:
        district = self.rng.choices(self.districts, cum_weights=self._district_cum)[0]
        return self.rng.choices(
            self._villages_of[district], cum_weights=self._village_cum[district]
        )[0]

    def _family_workers(self, village: Region) -> list[DemoWorker]:
        """One to three workers on the same family card, with their heirs."""
        family = self._family(village)
        head, spouse, children, members = self._members(family)
        for member in members:
            member.nik = member.nik or self._nik(
                self._issuing_district(village), member.birth_date, member.sex
            )
        if spouse and not spouse.nik and self.rng.random() < 0.35:
            spouse.nik = self._nik(self._issuing_district(village), spouse.birth_date, spouse.sex)
        workers = []
        for member in members:
            if member is head:
                heirs = _heirs(spouse, children) or self._parent_heirs(family, head)
            elif member is spouse:
                heirs = _heirs(head, children)
            else:
                heirs = self._heirs_of_third(member, head, children)
            heirs = heirs[: self.rng.choice((1, 2, 3, 3))]
            workers.append(self._worker(family, member, heirs))
        return workers

    def _members(self, family: _Family) -> tuple[Person, Person | None, list[Person], list]:
        """The head, spouse and children of a family, and which of them are registered."""
        rng = self.rng
        size = rng.choices((1, 2, 3), cum_weights=(70, 92, 100))[0]
        head_sex = rng.choice("MF")
        head = self._person(family, head_sex, self._adult_age(), own_surname=False)
        spouse = None
        if size >= 2 or (self._age(head) >= 23 and rng.random() < 0.75):
            spouse_age = self._spouse_age(head, head_sex)
            spouse = self._person(family, _other(head_sex), spouse_age, own_surname=True)
        children = self._children(family, head, spouse) if spouse else []
        members = [head] + ([spouse] if size >= 2 and spouse else [])
        if size == 3:  # a grown-up child, or a brother or sister living with them
            third = next((child for child in children if self._age(child) >= 18), None)
            sibling_age = _clamp(self._age(head) + rng.randint(-5, 5))
            members.append(
                third or self._person(family, rng.choice("MF"), sibling_age, own_surname=False)
            )
        return head, spouse, children, members

    def _family(self, village: Region) -> _Family:
        rng = self.rng
        district = village.parent_id
        codes, cum = self._community_cum[district]
        community = names.COMMUNITIES[rng.choices(codes, cum_weights=cum)[0]]
        christian = rng.random() < community.christian_share
        surname = ""
        if community.family_names and christian and rng.random() < 0.85:
            surname = rng.choice(community.family_names)
        elif community.code == "jawa" and rng.random() < 0.3:
            surname = rng.choice(community.second_names)
        town = village.kind == Region.Kind.KELURAHAN
        if town or rng.random() < 0.3:
            address = f"{rng.choice(names.STREETS)} No. {rng.randint(1, 120)}"
        else:
            address = rng.choice(names.HAMLETS)
        return _Family(
            village=village,
            community=community,
            christian=christian,
            surname=surname,
            kk_number=self._kk_number(district),
            address=address,
            rt=f"{rng.randint(1, 35):03d}",
            rw=f"{rng.randint(1, 12):03d}" if town else "",
        )

    def _worker(
        self, family: _Family, person: Person, heirs: list[tuple[str, Person]]
    ) -> DemoWorker:
        rng = self.rng
        village = family.village
        declared_birth, declared_sex = person.birth_date, person.sex
        birth_mismatch = rng.random() < 0.01
        if birth_mismatch:
            declared_birth = self._typo_date(person.birth_date)
        sex_mismatch = rng.random() < 0.003
        if sex_mismatch:
            declared_sex = _other(person.sex)
        sectors, cum = self._sector_cum[village.parent_id]
        sector = rng.choices(sectors, cum_weights=cum)[0]
        occupation = self._occupation(sector, person.sex, family.christian)
        values = {
            "nik": person.nik, "kk_number": family.kk_number, "full_name": person.full_name,
            "birth_place": self._birth_place(family), "birth_date": declared_birth,
            "sex": declared_sex, "phone": self._phone() if rng.random() < 0.85 else "",
            "address": family.address, "rt": family.rt, "rw": family.rw,
            "village": village.code, "occupation": occupation, "sector": sector,
            "monthly_income": self._income(), "welfare_decile": self._decile(),
            "source_ref": self._source_ref(), "legal_basis": LegalBasis.PUBLIC_TASK,
        }  # fmt: skip
        # Registered at 18 or older, after the programme started.
        adult = dt.datetime.combine(_years_before(person.birth_date, -18), dt.time(), tzinfo=dt.UTC)
        start = max(PROGRAMME_START, adult)
        created_at = start + (self.now - start) * rng.random()
        return DemoWorker(
            values=values,
            name_normalized=normalize_name(person.full_name),
            birth_date_mismatch=birth_mismatch,
            sex_mismatch=sex_mismatch,
            created_at=created_at,
            heirs=[self._heir_values(heir) for heir in heirs],
            history=self._history(created_at, flagged=birth_mismatch or sex_mismatch),
        )

    def _birth_place(self, family: _Family) -> str:
        if self.rng.random() < 0.55:
            return family.village.parent.name
        return self.rng.choice(family.community.birth_places)

    def _income(self) -> int | None:
        if self.rng.random() < 0.06:
            return None
        return int(self.rng.triangular(300_000, 4_000_000, 1_200_000)) // 50_000 * 50_000

    def _decile(self) -> int | None:
        if self.rng.random() < 0.12:
            return None
        return self.rng.choices(range(1, 7), weights=(22, 22, 20, 16, 12, 8))[0]

    def _source_ref(self) -> str:
        """The welfare database's row, or the Kukar Idaman app's registration number."""
        if self.rng.random() < 0.6:
            return f"DTKS23-{self.rng.randint(1, 9_999_999):07d}"
        return f"KIDAMAN-{self.rng.randint(1, 999_999):06d}"

    def _occupation(self, sector: str, sex: str, christian: bool) -> str:
        """An occupation of the sector that fits the person (mostly: people surprise us)."""
        choices = OCCUPATIONS.get(sector, [])
        if sector == "keagamaan":  # a mosque's marbot is a Muslim man, a church's keeper not
            faith = [o for o in choices if ("gereja" in o) == christian]
            choices = faith if sex == "M" else [o for o in faith if o in WOMEN_RELIGIOUS_WORK]
        occupation = ""
        unlikely = MALE_OCCUPATIONS if sex == "F" else FEMALE_OCCUPATIONS
        for _attempt in range(3):
            occupation = self.rng.choice(choices) if choices else ""
            if occupation not in unlikely:
                break
        return occupation.capitalize()

    def _history(self, created_at: dt.datetime, *, flagged: bool) -> list[tuple]:
        """Registration, then (for some) verification, rejection or leaving the programme."""
        rng = self.rng
        history = [("", WorkerStatus.REGISTERED, "", "", created_at)]
        draw = rng.random()
        if flagged or draw >= 0.43:
            return history
        at = min(self.now, created_at + dt.timedelta(days=rng.randint(3, 120)))
        if draw < 0.03:
            note = rng.choice(REJECTION_NOTES)
            history.append((WorkerStatus.REGISTERED, WorkerStatus.REJECTED, "", note, at))
            return history
        history.append((WorkerStatus.REGISTERED, WorkerStatus.VERIFIED, "", "", at))
        if draw < 0.07:
            reasons, weights = zip(*INACTIVE_REASONS, strict=True)
            reason = rng.choices(reasons, weights=weights)[0]
            later = min(self.now, at + dt.timedelta(days=rng.randint(30, 700)))
            history.append((WorkerStatus.VERIFIED, WorkerStatus.INACTIVE, reason, "", later))
        return history

    # -- people ----------------------------------------------------------------------------

    def _person(self, family: _Family, sex: str, age: int, *, own_surname: bool) -> Person:
        birth_date = self._birth_date(age)
        community = family.community
        surname = family.surname
        if own_surname:  # someone who married in keeps their name, and may be from elsewhere
            code = self.rng.choice((community.code, community.code, "banjar", "kutai"))
            community, surname = names.COMMUNITIES[code], ""
        name = self._name(community, sex, age, family.christian, surname)
        return Person(full_name=name, sex=sex, birth_date=birth_date)

    def _name(
        self, community: names.Community, sex: str, age: int, christian: bool, surname: str
    ) -> str:
        rng = self.rng
        male = sex == "M"
        parts: list[str] = []
        if christian:
            parts.append(rng.choice(names.CHRISTIAN_MALE if male else names.CHRISTIAN_FEMALE))
            if rng.random() < 0.4:
                parts.append(rng.choice(community.male if male else community.female))
        else:
            given = rng.choice(community.male if male else community.female)
            noble = community.noble_male if male else community.noble_female
            if noble and rng.random() < 0.06:
                parts.append(noble)
            elif male and rng.random() < 0.22 and not given.startswith(("Muh", "Moch")):
                spellings, weights = zip(*names.MUHAMMAD_SPELLINGS, strict=True)
                parts.append(rng.choices(spellings, weights=weights)[0])
            elif not male and rng.random() < 0.15 and not given.startswith(_SITI_LIKE):
                parts.append(names.SITI_SPELLINGS.get(community.code, "Siti"))
            parts.append(given)
            if age >= 50 and rng.random() < 0.2:
                parts.insert(0, "H." if male else "Hj.")
        if surname:
            parts.append(surname)
        elif not christian and rng.random() < 0.4:
            second = community.second_names + (() if male else community.female_second_names)
            parts.append(rng.choice(second))
        return " ".join(parts)

    def _adult_age(self) -> int:
        return round(self.rng.triangular(18, 70, 40))

    def _spouse_age(self, partner: Person, partner_sex: str) -> int:
        gap = self.rng.randint(0, 8)
        return _clamp(self._age(partner) + (-gap if partner_sex == "M" else gap))

    def _age(self, person: Person) -> int:
        today, born = self.today, person.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def _birth_date(self, age: int) -> dt.date:
        """A day on which someone would be exactly ``age`` years old today."""
        latest = _years_before(self.today, age)
        earliest = _years_before(self.today, age + 1) + dt.timedelta(days=1)
        return earliest + dt.timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def _typo_date(self, birth_date: dt.date) -> dt.date:
        """A declared birth date that differs from the NIK's, as clerks mistype them."""
        shift = self.rng.choice((1, -1, 10, 31, -31, 365, -365))
        typo = birth_date + dt.timedelta(days=shift)
        if not 18 <= self._age(Person("", "M", typo)) <= 70:
            typo = birth_date - dt.timedelta(days=shift)
        return typo

    def _children(self, family: _Family, head: Person, spouse: Person | None) -> list[Person]:
        """Children born when the younger parent was 20 to 42, none in the future."""
        younger = min((self._age(p) for p in (head, spouse) if p), default=self._age(head))
        if younger < 21:
            return []
        children = []
        for _number in range(self.rng.choice((0, 1, 1, 2, 2, 3))):
            age = younger - self.rng.randint(20, min(42, younger))
            child = self._person(family, self.rng.choice("MF"), max(age, 0), own_surname=False)
            if self.rng.random() < 0.3:
                child.nik = self._nik(family.village.parent_id, child.birth_date, child.sex)
            children.append(child)
        return sorted(children, key=lambda child: child.birth_date)

    def _parent_heirs(self, family: _Family, person: Person) -> list[tuple[str, Person]]:
        """An unmarried worker names a parent, when the parent is likely alive."""
        if self._age(person) > 45 or self.rng.random() < 0.3:
            return []
        age = self._age(person) + self.rng.randint(20, 35)
        parent = self._person(family, self.rng.choice("MF"), age, own_surname=False)
        return [(HeirRelationship.PARENT, parent)]

    def _heirs_of_third(
        self, member: Person, head: Person, children: list[Person]
    ) -> list[tuple[str, Person]]:
        # A grown-up child names the parent, then the brothers and sisters.
        if any(member is child for child in children):
            return [(HeirRelationship.PARENT, head)] + [
                (HeirRelationship.SIBLING, child) for child in children if child is not member
            ]
        return [(HeirRelationship.SIBLING, head)]

    def _heir_values(self, heir: tuple[str, Person]) -> dict[str, Any]:
        relationship, person = heir
        with_phone = relationship == HeirRelationship.SPOUSE and self.rng.random() < 0.15
        return {"full_name": person.full_name, "relationship": relationship,
                "birth_date": person.birth_date, "nik": person.nik,
                "phone": self._phone() if with_phone else ""}  # fmt: skip

    # -- numbers ---------------------------------------------------------------------------

    def _issuing_district(self, village: Region) -> str:
        """Most people got their NIK where they live; some moved within the regency."""
        if self.rng.random() < 0.85:
            return village.parent_id
        return self.rng.choices(self.districts, cum_weights=self._district_cum)[0]

    def _nik(self, district: str, birth_date: dt.date, sex: str) -> str:
        day = birth_date.day + (40 if sex == "F" else 0)
        return self._next_number(f"{district.replace('.', '')}{day:02d}{birth_date:%m%y}")

    def _kk_number(self, district: str) -> str:
        issued = self.today - dt.timedelta(days=self.rng.randint(30, 17 * 365))
        return self._next_number(f"{district.replace('.', '')}{issued:%d%m%y}")

    def _next_number(self, prefix: str) -> str:
        """The next free serial for a 12-digit prefix, above any already in the registry."""
        serial = self._serials.get(prefix) or self.rng.randint(0, 8)
        while True:
            serial += 1
            if serial > 9999:
                raise DomainError(
                    _("No free serial numbers left for %(prefix)s.") % {"prefix": prefix}
                )
            number = f"{prefix}{serial:04d}"
            if number not in self._used:
                break
        self._serials[prefix] = serial
        self._used.add(number)
        return number

    def _phone(self) -> str:
        """Stored as `+62…`, as ``check_phone`` leaves a number typed as `08…`."""
        digits = self.rng.choice((7, 8, 8, 8, 9))
        number = f"{self.rng.choice(PHONE_PREFIXES)}{self.rng.randrange(10**digits):0{digits}d}"
        return "+62" + number[1:]


def _heirs(partner: Person | None, children: list[Person]) -> list[tuple[str, Person]]:
    heirs: list[tuple[str, Person]] = [(HeirRelationship.SPOUSE, partner)] if partner else []
    return heirs + [(HeirRelationship.CHILD, child) for child in children]


def _other(sex: str) -> str:
    return "F" if sex == "M" else "M"


def _clamp(age: int) -> int:
    return max(18, min(70, age))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _profile(district: str) -> tuple[int, dict[str, int], dict[str, float]]:
    return DISTRICT_PROFILES.get(district, DEFAULT_PROFILE)


def _cumulative(weights: Iterable[float]) -> list[float]:
    return list(accumulate(weights))


def _highest_serials(numbers: set[str], prefix_length: int) -> dict[str, int]:
    highest: dict[str, int] = {}
    for number in numbers:
        prefix, serial = number[:prefix_length], number[prefix_length:]
        if serial.isdigit():
            highest[prefix] = max(highest.get(prefix, 0), int(serial))
    return highest


def seed_demo_workers(
    *, actor: User | None, count: int, seed: int, now: dt.datetime | None = None
) -> int:
    """Add ``count`` synthetic workers (with heirs and status history); return how many.

    A bulk system action: one ``demo.seed`` audit event, not one per worker. ``actor`` is
    None when run from the command line.
    """
    if actor is not None:
        require(actor, Capability.MANAGE_REFERENCE_DATA)
    if count < 1:
        raise DomainError(_("The number of demo workers must be at least 1."))
    villages = list(regency_villages())
    if not villages:
        raise DomainError(_("No villages are loaded. Run `lindung load_regions` first."))
    sector_ids = dict(Sector.objects.filter(is_active=True).values_list("code", "pk"))
    now = now or timezone.now()
    with transaction.atomic():
        try:
            generator = DemoGenerator(
                seed=seed,
                now=now,
                villages=villages,
                sector_codes=list(sector_ids),
                existing_niks=set(Worker.objects.values_list("nik", flat=True)),
                existing_kks=set(
                    Worker.objects.exclude(kk_number="").values_list("kk_number", flat=True)
                ),
            )
        except ValueError as error:
            raise DomainError(
                _("Demo data cannot be made: %(problem)s.") % {"problem": error}
            ) from error
        batch: list[DemoWorker] = []
        for demo_worker in generator.workers(count):
            batch.append(demo_worker)
            if len(batch) == BATCH_SIZE:
                _insert(batch, actor=actor, sector_ids=sector_ids)
                batch = []
        _insert(batch, actor=actor, sector_ids=sector_ids)
        record_event(
            actor=actor,
            action="demo.seed",
            object_type="worker",
            context={"count": count, "seed": seed},
        )
    return count


def _insert(batch: list[DemoWorker], *, actor: User | None, sector_ids: dict[str, int]) -> None:
    if not batch:
        return
    workers = Worker.objects.bulk_create(
        [_worker_row(demo, actor=actor, sector_ids=sector_ids) for demo in batch],
        batch_size=BATCH_SIZE,
    )
    heirs, changes = [], []
    for worker, demo in zip(workers, batch, strict=True):
        heirs.extend(
            Heir(
                worker_id=worker.pk,
                priority=RELATIONSHIP_RANK[heir["relationship"]],
                position=position,
                **heir,
            )
            for position, heir in enumerate(demo.heirs)
        )
        changes.extend(
            WorkerStatusChange(
                worker_id=worker.pk,
                from_status=from_status,
                to_status=to_status,
                reason=reason,
                note=note,
                changed_by=actor,
                changed_at=at,
            )
            for from_status, to_status, reason, note, at in demo.history
        )
    Heir.objects.bulk_create(heirs, batch_size=BATCH_SIZE)
    index_names(workers, replace=False)
    WorkerStatusChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)


def _worker_row(demo: DemoWorker, *, actor: User | None, sector_ids: dict[str, int]) -> Worker:
    values = {key: value for key, value in demo.values.items() if key not in ("village", "sector")}
    last = demo.history[-1]
    return Worker(
        **values,
        village_id=demo.values["village"],
        district_id=demo.values["village"].rsplit(".", 1)[0],
        sector_id=sector_ids[demo.values["sector"]],
        name_normalized=demo.name_normalized,
        status=last[1],
        inactive_reason=last[2],
        birth_date_mismatch=demo.birth_date_mismatch,
        sex_mismatch=demo.sex_mismatch,
        # Every status change after registration is a new version, as in the services.
        version=len(demo.history),
        created_at=demo.created_at,
        created_by=actor,
        updated_at=last[4],
        updated_by=actor,
    )
