"""Demo people: who they are called and when they were born."""

import datetime as dt
import random
from dataclasses import dataclass

from lindung.registry.data import names
from lindung.registry.validation import age_on

_SITI_LIKE = ("Siti", "Nur", "Nor", "Noor")


@dataclass
class Person:
    full_name: str
    sex: str
    birth_date: dt.date
    nik: str = ""


def draw_name(
    rng: random.Random,
    community: names.Community,
    sex: str,
    age: int,
    christian: bool,
    surname: str,
) -> str:
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


def draw_birth_date(rng: random.Random, age: int, *, today: dt.date) -> dt.date:
    """A day on which someone would be exactly ``age`` years old ``today``."""
    latest = years_before(today, age)
    earliest = years_before(today, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))


def draw_typo_date(rng: random.Random, birth_date: dt.date, *, today: dt.date) -> dt.date:
    """A declared birth date that differs from the NIK's, as clerks mistype them."""
    shift = rng.choice((1, -1, 10, 31, -31, 365, -365))
    typo = birth_date + dt.timedelta(days=shift)
    if not 18 <= age_on(typo, today) <= 70:
        typo = birth_date - dt.timedelta(days=shift)
    return typo


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def other_sex(sex: str) -> str:
    return "F" if sex == "M" else "M"


def clamp_age(age: int) -> int:
    return max(18, min(70, age))
