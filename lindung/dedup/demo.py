"""Duplicates for a demonstration instance (`lindung serve` on an empty registry): people
registered a second time with the slips clerks make, then a search for duplicates queued so
the duplicate pages have cases to show.

Each second registration goes through ``register_worker`` with the duplicate check on and
confirmed, as an operator sure of a new person would; so it is audited with the candidates
the check found. The same seed plants the same slips in the same registry.
"""

import dataclasses
import random
from dataclasses import dataclass

from lindung.accounts.models import User
from lindung.core.exceptions import DomainError
from lindung.dedup.models import DuplicateRun
from lindung.dedup.services import start_duplicate_search
from lindung.registry.data.demo_population import PHONE_PREFIXES
from lindung.registry.inputs import WorkerInput
from lindung.registry.models import Worker, WorkerStatus
from lindung.registry.services import register_worker, worker_input_from

# `Muhammad` in the spellings registers contain; clerks rarely write it the same way twice.
MUHAMMAD = ("Muhammad", "Moh.", "Muh.", "Muhamad", "Mochammad", "M.")
ABBREVIATIONS = {"Abdul": "Abd.", "Siti": "St.", "Ahmad": "Achmad", "Akhmad": "Ahmad"}


@dataclass(frozen=True)
class PlantedDuplicate:
    original: Worker
    duplicate: Worker


@dataclass(frozen=True)
class PlantedDuplicates:
    planted: list[PlantedDuplicate]
    run: DuplicateRun | None  # None when a search was already queued or running


def plant_demo_duplicates(*, actor: User, count: int = 40, seed: int = 7) -> PlantedDuplicates:
    """Register ``count`` existing workers (registered or verified, picked at random) again
    with a slip in each, then queue a search over the whole registry."""
    rng = random.Random(seed)
    planted = []
    for original in _originals(count, rng):
        data = _second_registration(worker_input_from(original), rng)
        duplicate = register_worker(
            actor=actor, data=data, check_duplicates=True, confirmed_not_duplicate=True
        )
        planted.append(PlantedDuplicate(original, duplicate))
    try:
        run = start_duplicate_search(user=actor)
    except DomainError:  # one is already queued or running: it will find them
        run = None
    return PlantedDuplicates(planted, run)


def _originals(count: int, rng: random.Random) -> list[Worker]:
    candidates = list(
        Worker.objects.filter(status__in=[WorkerStatus.REGISTERED, WorkerStatus.VERIFIED])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = rng.sample(candidates, min(count, len(candidates)))
    workers = Worker.objects.select_related("sector").prefetch_related("heirs").in_bulk(chosen)
    return [workers[pk] for pk in chosen]


def _second_registration(data: WorkerInput, rng: random.Random) -> WorkerInput:
    changes = {"nik": _nik_slip(data.nik, rng), "full_name": _name_variant(data.full_name, rng)}
    if rng.random() < 0.5:
        changes["phone"] = _phone(rng)
    if rng.random() < 0.3:
        changes["address"] = ""  # left out the second time
    heirs = data.heirs if rng.random() < 0.5 else []
    changes["heirs"] = [dataclasses.replace(heir, id=None) for heir in heirs]
    return dataclasses.replace(data, **changes)


def _nik_slip(nik: str, rng: random.Random) -> str:
    """One digit of the serial (the last four) typed wrong, or two of them exchanged: the
    NIK stays valid, its birth date and district untouched, and is not anyone else's."""
    while True:
        serial = list(nik[12:])
        i = rng.randrange(4)
        if rng.random() < 0.3 and i < 3 and serial[i] != serial[i + 1]:
            serial[i], serial[i + 1] = serial[i + 1], serial[i]
        else:
            serial[i] = rng.choice([d for d in "0123456789" if d != serial[i]])
        candidate = nik[:12] + "".join(serial)
        if candidate[12:] != "0000" and not Worker.objects.filter(nik=candidate).exists():
            return candidate


def _name_variant(full_name: str, rng: random.Random) -> str:
    words = full_name.split()
    for i, word in enumerate(words):
        if word in MUHAMMAD:
            words[i] = rng.choice([w for w in MUHAMMAD if w != word])
            return " ".join(words)
        if word in ABBREVIATIONS and rng.random() < 0.7:
            words[i] = ABBREVIATIONS[word]
            return " ".join(words)
    choice = rng.random()
    if len(words) >= 2 and choice < 0.3:
        del words[rng.randrange(1, len(words))]  # the family or second name left out
    elif choice < 0.5:
        return full_name.upper()
    elif choice < 0.6:
        return full_name.lower()
    else:
        i = rng.randrange(len(words))
        words[i] = _double_letter_variant(words[i], rng)
    return " ".join(words)


def _double_letter_variant(word: str, rng: random.Random) -> str:
    """`Nurjannah` → `Nurjanah`, `Rusdi` → `Russdi`: spelt by ear."""
    for i in range(1, len(word)):
        if word[i] == word[i - 1] and word[i].isalpha():
            return word[:i] + word[i + 1 :]
    places = [i for i in range(1, len(word) - 1) if word[i].lower() in "lmnrst"]
    if not places:
        return word.upper()
    i = rng.choice(places)
    return word[: i + 1] + word[i] + word[i + 1 :]


def _phone(rng: random.Random) -> str:
    digits = rng.choice((8, 8, 9))
    return f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**digits):0{digits}d}"
