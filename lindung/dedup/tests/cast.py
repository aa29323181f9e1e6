"""Workers that look alike, and the engine's verdicts on them, for the duplicate tests.

The tests make ``ScoredPair`` values directly: that is the engine's output format, so the
candidate store is tested without running the engine.
"""

import datetime as dt

import pytest

from conftest import LOA_KULU, LOA_KULU_VILLAGE, PASSWORD, TENGGARONG, worker_input
from lindung.accounts.models import Role
from lindung.accounts.services import create_user
from lindung.dedup.models import DuplicateCase
from lindung.dedup.pairs import Evidence, MatchLevel, ScoredPair
from lindung.dedup.services import record_candidates
from lindung.registry.inputs import HeirInput
from lindung.registry.models import Worker
from lindung.registry.services import register_worker

EVIDENCE = (
    Evidence("nik", "one digit differs", 7.5),
    Evidence("name", "same name", 6.1),
    Evidence("birth_date", "same date", 5.2),
    Evidence("phone", "different", -1.4),
)


def scored(
    a: Worker,
    b: Worker,
    *,
    weight: float = 14.2,
    probability: float = 0.9999,
    level: MatchLevel = MatchLevel.DUPLICATE,
    evidence: tuple[Evidence, ...] = EVIDENCE,
) -> ScoredPair:
    left, right = sorted((a.pk, b.pk))
    return ScoredPair(left, right, weight, probability, level, evidence)


def register(actor, **overrides) -> Worker:
    return register_worker(actor=actor, data=worker_input(**overrides))


def siti_again(actor, **overrides) -> Worker:
    """The conftest's Siti Aminah entered a second time: last NIK digit, phone and source
    differ, and her heir is her husband again plus a child."""
    values = dict(
        nik="6402064203850004",
        phone="081299990000",
        source_ref="DTKS-0042",
        address="Jl. Pesut 4",
        heirs=[
            HeirInput(full_name="Budi Santoso", relationship="spouse"),
            HeirInput(full_name="Rina", relationship="child", birth_date=dt.date(2010, 5, 1)),
        ],
    )
    return register(actor, **(values | overrides))


def siti_in_loa_kulu(actor) -> Worker:
    return register(
        actor,
        nik="6402064203850005",
        village=LOA_KULU_VILLAGE,
        source_ref="LKL-0042",
        phone="",
        heirs=[],
    )


def open_case(*pairs: ScoredPair) -> DuplicateCase:
    record_candidates(pairs=list(pairs))
    cases = DuplicateCase.objects.filter(pairs__left_id=pairs[0].left_id, status="open")
    return cases.distinct().get()


@pytest.fixture
def tenggarong_verifier(regions):
    return create_user(
        actor=None,
        username="verif_tenggarong",
        role=Role.VERIFIER,
        password=PASSWORD,
        area_code=TENGGARONG,
    )


@pytest.fixture
def loa_kulu_verifier(regions):
    return create_user(
        actor=None,
        username="verif_loakulu",
        role=Role.VERIFIER,
        password=PASSWORD,
        area_code=LOA_KULU,
    )


@pytest.fixture
def twins(admin_user, tenggarong_worker):
    """Siti Aminah registered twice in Tenggarong, and their open case."""
    other = siti_again(admin_user)
    case = open_case(scored(tenggarong_worker, other))
    return tenggarong_worker, other, case
