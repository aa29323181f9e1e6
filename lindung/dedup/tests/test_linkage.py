"""The linkage engine on workers saved in the database: what it pairs, what it leaves alone."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import TENGGARONG_OTHER_VILLAGE, worker_input
from lindung.dedup.linkage import LinkageRecord, find_pairs, relative_name_frequencies, score_pair
from lindung.dedup.linkage.synthetic import generate_registry, true_pairs
from lindung.dedup.pairs import MatchLevel
from lindung.regions.selectors import regency_villages
from lindung.registry.models import Worker, WorkerStatus
from lindung.registry.services import change_worker_status, register_worker

SITI_KK = "6402061203150004"


def register(actor, **values) -> Worker:
    return register_worker(actor=actor, data=worker_input(heirs=[], **values))


@pytest.fixture
def siti(admin_user):
    """Siti Aminah of Jahab, Tenggarong, born 2 March 1985 (NIK 640206 420385 0003)."""
    return register(admin_user, kk_number=SITI_KK)


@pytest.fixture
def siti_again(admin_user, siti):
    """Siti registered again in the next village: a slip in the NIK's month, `Hj.` and
    capitals in the name, another phone; the same family card."""
    return register(
        admin_user,
        nik="6402064208850003",
        full_name="HJ. SITI AMINAH",
        village=TENGGARONG_OTHER_VILLAGE,
        phone="085200001111",
        kk_number=SITI_KK,
        source_ref="TGR-0002",
    )


@pytest.fixture
def look_alikes(admin_user, siti):
    """Siti's twin sister on her family card, and a father and son of one name."""
    twin = register(admin_user, nik="6402064203850004", full_name="Siti Aisyah", kk_number=SITI_KK)
    father = register(
        admin_user,
        nik="6402061508600001",
        full_name="H. Muhammad Yusuf",
        birth_date=dt.date(1960, 8, 15),
        sex="M",
        kk_number="6402062002050001",
        phone="081255556666",
    )
    son = register(
        admin_user,
        nik="6402062107880002",
        full_name="Muhammad Yusuf",
        birth_date=dt.date(1988, 7, 21),
        sex="M",
        kk_number="6402062002050001",
        phone="081255556666",
    )
    return twin, father, son


def pair_ids(pairs) -> set[tuple[int, int]]:
    return {(pair.left_id, pair.right_id) for pair in pairs}


def ordered(a: Worker, b: Worker) -> tuple[int, int]:
    return (min(a.pk, b.pk), max(a.pk, b.pk))


def test_the_same_person_registered_twice_is_a_duplicate_with_its_evidence(siti, siti_again):
    [pair] = find_pairs()

    assert (pair.left_id, pair.right_id) == ordered(siti, siti_again)
    assert pair.level == MatchLevel.DUPLICATE
    assert pair.probability > 0.999
    assert [(e.field, e.level) for e in pair.evidence] == [
        ("nik_birth_date", "one digit of the NIK's birth date differs, same birth date"),
        ("name", "same name"),
        ("sex", "same"),
        ("village", "same district, other village"),
        ("kk_number_phone", "same family card"),
    ]
    weights = {e.field: e.weight for e in pair.evidence}
    assert weights["nik_birth_date"] > 5
    assert pair.match_weight == pytest.approx(shipped_prior() + sum(weights.values()), abs=0.05)


def test_twins_and_a_father_and_son_of_one_name_are_not_paired(siti, look_alikes):
    assert find_pairs() == []


def test_a_namesake_born_the_same_day_in_the_same_village_is_only_possible(admin_user, siti):
    """Same name, birthday and village, the next NIK serial: a person must look."""
    namesake = register(
        admin_user, nik="6402064203850005", kk_number="6402060101100002", phone="081300002222"
    )

    [pair] = find_pairs()

    assert (pair.left_id, pair.right_id) == ordered(siti, namesake)
    assert pair.level == MatchLevel.POSSIBLE
    assert pair.evidence[0].level == "last digit of the NIK differs, same birth date"
    assert pair.evidence[-1].level == "other family card and phone"
    assert pair.evidence[-1].weight < 0


def test_inactive_and_rejected_workers_are_left_out(admin_user, siti, siti_again):
    change_worker_status(
        actor=admin_user,
        worker_id=siti_again.pk,
        expected_version=siti_again.version,
        to_status=WorkerStatus.REJECTED,
        note="Terdaftar dua kali",
    )

    assert find_pairs() == []


def test_changed_since_returns_only_pairs_with_a_worker_changed_since(admin_user, siti, siti_again):
    since = timezone.now()
    yusuf = register(
        admin_user,
        nik="6402061508600001",
        full_name="Muhammad Yusuf",
        birth_date=dt.date(1960, 8, 15),
        sex="M",
        phone="081255556666",
    )
    yusuf_again = register(
        admin_user,
        nik="6402061508600010",
        full_name="Moh. Yusuf",
        birth_date=dt.date(1960, 8, 15),
        sex="M",
        phone="081255556666",
        source_ref="TGR-0009",
    )
    Worker.objects.filter(pk=yusuf.pk).update(updated_at=since - dt.timedelta(days=1))
    Worker.objects.filter(pk=yusuf.pk).update(created_at=since - dt.timedelta(days=1))

    assert pair_ids(find_pairs()) == {ordered(siti, siti_again), ordered(yusuf, yusuf_again)}
    assert pair_ids(find_pairs(changed_since=since)) == {ordered(yusuf, yusuf_again)}
    assert find_pairs(changed_since=timezone.now()) == []


def test_progress_is_reported_up_to_the_end(siti, siti_again):
    calls = []

    find_pairs(progress=lambda done, total: calls.append((done, total)))

    assert calls[0] == (0, 4)
    assert calls[-1] == (4, 4)
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)


def test_score_pair_agrees_with_the_batch_engine(siti, siti_again, look_alikes):
    workers = list(Worker.objects.all())
    frequencies = relative_name_frequencies([w.name_normalized for w in workers])
    records = {w.pk: linkage_record(w, frequencies) for w in workers}

    batch = {(p.left_id, p.right_id): p for p in find_pairs()}
    single = {
        (p.left_id, p.right_id): p
        for a in records.values()
        for b in records.values()
        if a.id < b.id and (p := score_pair(a, b)) is not None
    }

    assert single.keys() == batch.keys()
    for key, pair in batch.items():
        assert single[key].level == pair.level
        assert single[key].match_weight == pytest.approx(pair.match_weight, abs=0.02)
        assert [e.level for e in single[key].evidence] == [e.level for e in pair.evidence]


def test_score_pair_gives_none_below_possible_and_weighs_a_common_name_less():
    born = dt.date(1985, 3, 2)
    siti = record(1, "6402064203850003", "siti aminah", born)
    stranger = record(2, "6402071108900001", "rusdi effendi", dt.date(1990, 8, 11), sex="M")
    slip = record(3, "6402064208850003", "siti aminah", born)
    common = record(3, "6402064208850003", "siti aminah", born, name_frequency=40.0)

    assert score_pair(siti, stranger) is None
    rare, usual = score_pair(siti, slip), score_pair(siti, common)
    assert rare is not None and usual is not None
    assert usual.match_weight < rare.match_weight
    # 40 times as common as a typical name: log2(40) = 5.32 bits less.
    assert usual.evidence[1].level == rare.evidence[1].level == "same name"
    assert usual.evidence[1].weight == pytest.approx(rare.evidence[1].weight - 5.32, abs=0.01)


def test_a_generated_registry_gives_its_planted_duplicates_and_not_its_look_alikes(
    admin_user,
):
    generated = generate_registry(size=150, villages=list(regency_villages()), seed=5)
    saved = {}
    for item in generated:
        values = {k: v for k, v in item.values.items() if k in WORKER_FIELDS}
        saved[item.id] = register(
            admin_user,
            **values | {
                "nik": item.nik, "kk_number": item.kk_number, "full_name": item.full_name,
                "birth_date": item.birth_date, "sex": item.sex, "village": item.village_id,
                "phone": item.phone,
            },
        ).pk  # fmt: skip
    truth = {tuple(sorted((saved[a], saved[b]))) for a, b in true_pairs(generated)}

    duplicates = pair_ids(p for p in find_pairs() if p.level == MatchLevel.DUPLICATE)

    assert len(duplicates & truth) >= 0.8 * len(truth)
    assert duplicates <= truth


WORKER_FIELDS = {"birth_place", "address", "rt", "rw", "occupation", "sector", "source_ref"}


def shipped_prior() -> float:
    from lindung.dedup.linkage.model import shipped_model

    return shipped_model().prior_weight


def linkage_record(worker: Worker, frequencies: dict[str, float]) -> LinkageRecord:
    return LinkageRecord(
        id=worker.pk,
        nik=worker.nik,
        kk_number=worker.kk_number,
        name_normalized=worker.name_normalized,
        full_name=worker.full_name,
        birth_date=worker.birth_date,
        sex=worker.sex,
        village_id=worker.village_id,
        district_id=worker.district_id,
        phone=worker.phone,
        name_frequency=frequencies.get(worker.name_normalized),
    )


def record(id_, nik, name, born, *, sex="F", name_frequency=None) -> LinkageRecord:
    return LinkageRecord(
        id=id_,
        nik=nik,
        kk_number="",
        name_normalized=name,
        full_name=name.title(),
        birth_date=born,
        sex=sex,
        village_id="64.02.06.1001",
        district_id="64.02.06",
        phone="",
        name_frequency=name_frequency,
    )
