"""The demo generator: families of workers with their heirs and status history."""

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from lindung.regions.models import Region
from lindung.registry.data import names
from lindung.registry.data.demo_population import (
    FEMALE_OCCUPATIONS,
    INACTIVE_REASONS,
    MALE_OCCUPATIONS,
    REJECTION_NOTES,
    WOMEN_RELIGIOUS_WORK,
)
from lindung.registry.data.sectors import OCCUPATIONS
from lindung.registry.demo.numbers import Serials, draw_phone, kk_prefix, nik_prefix
from lindung.registry.demo.people import (
    Person,
    clamp_age,
    draw_birth_date,
    draw_name,
    draw_typo_date,
    other_sex,
    years_before,
)
from lindung.registry.demo.places import Places
from lindung.registry.models import HeirRelationship, LegalBasis, WorkerStatus
from lindung.registry.names import normalize_name
from lindung.registry.validation import age_on

PROGRAMME_START = dt.datetime(2021, 10, 1, tzinfo=dt.UTC)  # the first Kukar cohort


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
        self.serials = Serials(self.rng, existing_niks=existing_niks, existing_kks=existing_kks)
        self.places = Places(self.rng, self.villages, sector_codes)

    # -- workers ---------------------------------------------------------------------------

    def workers(self, count: int) -> Iterator[DemoWorker]:
        """``count`` workers; the first families go one to each village, so all have some."""
        made = 0
        family_number = 0
        while made < count:
            village = (
                self.villages[family_number]
                if family_number < len(self.villages)
                else self.places.village()
            )
            for worker in self._family_workers(village)[: count - made]:
                made += 1
                yield worker
            family_number += 1

    def _family_workers(self, village: Region) -> list[DemoWorker]:
        """One to three workers on the same family card, with their heirs."""
        family = self._family(village)
        head, spouse, children, members = self._members(family)
        for member in members:
            member.nik = member.nik or self._nik(
                self.places.issuing_district(village), member.birth_date, member.sex
            )
        if spouse and not spouse.nik and self.rng.random() < 0.35:
            spouse.nik = self._nik(
                self.places.issuing_district(village), spouse.birth_date, spouse.sex
            )
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
            spouse = self._person(family, other_sex(head_sex), spouse_age, own_surname=True)
        children = self._children(family, head, spouse) if spouse else []
        members = [head] + ([spouse] if size >= 2 and spouse else [])
        if size == 3:  # a grown-up child, or a brother or sister living with them
            third = next((child for child in children if self._age(child) >= 18), None)
            sibling_age = clamp_age(self._age(head) + rng.randint(-5, 5))
            members.append(
                third or self._person(family, rng.choice("MF"), sibling_age, own_surname=False)
            )
        return head, spouse, children, members

    def _family(self, village: Region) -> _Family:
        rng = self.rng
        district = village.parent_id
        community = self.places.community(district)
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
            declared_birth = draw_typo_date(rng, person.birth_date, today=self.today)
        sex_mismatch = rng.random() < 0.003
        if sex_mismatch:
            declared_sex = other_sex(person.sex)
        sector = self.places.sector(village.parent_id)
        occupation = self._occupation(sector, person.sex, family.christian)
        values = {
            "nik": person.nik, "kk_number": family.kk_number, "full_name": person.full_name,
            "birth_place": self._birth_place(family), "birth_date": declared_birth,
            "sex": declared_sex, "phone": draw_phone(rng) if rng.random() < 0.85 else "",
            "address": family.address, "rt": family.rt, "rw": family.rw,
            "village": village.code, "occupation": occupation, "sector": sector,
            "monthly_income": self._income(), "welfare_decile": self._decile(),
            "source_ref": self._source_ref(), "legal_basis": LegalBasis.PUBLIC_TASK,
        }  # fmt: skip
        # Registered at 18 or older, after the programme started.
        adult = dt.datetime.combine(years_before(person.birth_date, -18), dt.time(), tzinfo=dt.UTC)
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
        birth_date = draw_birth_date(self.rng, age, today=self.today)
        community = family.community
        surname = family.surname
        if own_surname:  # someone who married in keeps their name, and may be from elsewhere
            code = self.rng.choice((community.code, community.code, "banjar", "kutai"))
            community, surname = names.COMMUNITIES[code], ""
        name = draw_name(self.rng, community, sex, age, family.christian, surname)
        return Person(full_name=name, sex=sex, birth_date=birth_date)

    def _adult_age(self) -> int:
        return round(self.rng.triangular(18, 70, 40))

    def _spouse_age(self, partner: Person, partner_sex: str) -> int:
        gap = self.rng.randint(0, 8)
        return clamp_age(self._age(partner) + (-gap if partner_sex == "M" else gap))

    def _age(self, person: Person) -> int:
        return age_on(person.birth_date, self.today)

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
                "phone": draw_phone(self.rng) if with_phone else ""}  # fmt: skip

    # -- numbers ---------------------------------------------------------------------------

    def _nik(self, district: str, birth_date: dt.date, sex: str) -> str:
        return self.serials.next_number(nik_prefix(district, birth_date, sex))

    def _kk_number(self, district: str) -> str:
        issued = self.today - dt.timedelta(days=self.rng.randint(30, 17 * 365))
        return self.serials.next_number(kk_prefix(district, issued))


def _heirs(partner: Person | None, children: list[Person]) -> list[tuple[str, Person]]:
    heirs: list[tuple[str, Person]] = [(HeirRelationship.SPOUSE, partner)] if partner else []
    return heirs + [(HeirRelationship.CHILD, child) for child in children]
