"""Reads of workers: search, filters, summaries, and the user's scope on every one of them."""

import datetime as dt

import pytest

from conftest import (
    LOA_KULU,
    TENGGARONG,
    TENGGARONG_OTHER_VILLAGE,
    TENGGARONG_VILLAGE,
    worker_input,
)
from lindung.core.exceptions import NotFound, PermissionDenied
from lindung.registry import selectors
from lindung.registry.models import WorkerStatus
from lindung.registry.selectors import (
    WorkerFilters,
    districts_for_user,
    get_worker_for_user,
    registry_summary,
    search_workers,
    villages_for_user,
    worker_history,
    workers_for_user,
)
from lindung.registry.services import change_worker_status, register_worker, update_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def workers(admin_user, tenggarong_worker, loa_kulu_worker):
    """Four workers: three in Tenggarong (two villages), one in Loa Kulu."""
    ali = register_worker(
        actor=admin_user,
        data=worker_input(
            nik="6402061506800002",
            full_name="Muhammad Ali",
            birth_date=dt.date(1980, 6, 15),
            sex="M",
            village=TENGGARONG_OTHER_VILLAGE,
            occupation="Nelayan",
            sector="",
            kk_number="6402061003230009",
            source_ref="DTKS23-0000042",
            heirs=[],
        ),
    )
    nurhayati = register_worker(
        actor=admin_user,
        data=worker_input(
            nik="6402065507750001",
            full_name="Hj. Nurhayati",
            birth_date=dt.date(1975, 7, 15),
            sex="F",
            kk_number="6402061003230010",
            source_ref="KIDAMAN-000007",
            heirs=[],
        ),
    )
    change_worker_status(
        actor=admin_user, worker_id=ali.pk, expected_version=1, to_status=WorkerStatus.VERIFIED
    )
    return {"siti": tenggarong_worker, "ali": ali, "nurhayati": nurhayati, "yusuf": loa_kulu_worker}


def _names(user, **filters) -> list[str]:
    return [worker.full_name for worker in search_workers(user, WorkerFilters(**filters))]


# -- free text --------------------------------------------------------------------------------


def test_without_a_query_an_administrator_sees_every_worker_in_name_order(workers, admin_user):
    assert _names(admin_user) == ["Muhammad Ali", "Muhammad Yusuf", "Hj. Nurhayati", "Siti Aminah"]


@pytest.mark.parametrize("query", ["ami", "Aminah", "SITI", "siti ami", "ami siti"])
def test_a_name_is_found_by_the_start_of_any_of_its_words(workers, admin_user, query):
    assert _names(admin_user, q=query) == ["Siti Aminah"]


def test_the_middle_of_a_word_does_not_match(workers, admin_user):
    assert _names(admin_user, q="minah") == []


@pytest.mark.parametrize("query", ["moh ali", "Moh. Ali", "muhamad ali", "M ali"])
def test_a_spelling_variant_finds_the_normalised_name(workers, admin_user, query):
    assert _names(admin_user, q=query) == ["Muhammad Ali"]


def test_an_honorific_in_the_query_is_ignored(workers, admin_user):
    assert _names(admin_user, q="Hj. Nurhayati") == ["Hj. Nurhayati"]


def test_every_word_of_the_query_must_match(workers, admin_user):
    assert _names(admin_user, q="muhammad") == ["Muhammad Ali", "Muhammad Yusuf"]
    assert _names(admin_user, q="muhammad yus") == ["Muhammad Yusuf"]


@pytest.mark.parametrize("narrow_up_to", [0, 1, 20_000])
def test_a_name_search_lists_in_name_order_whether_it_sorts_its_matches_or_walks_the_index(
    workers, admin_user, monkeypatch, narrow_up_to
):
    # A search sorts its matches while they are at most NARROW_MATCHES, else walks the
    # name index; both must give the same page.
    monkeypatch.setattr(selectors, "NARROW_MATCHES", narrow_up_to)
    assert _names(admin_user, q="m") == ["Muhammad Ali", "Muhammad Yusuf"]
    assert _names(admin_user, q="muhammad", district=TENGGARONG) == ["Muhammad Ali"]


@pytest.mark.parametrize(
    "query", ["6402064203", "6402 0642 03", "6402064203850003", "6402.0642.0385.0003"]
)
def test_a_nik_is_found_by_its_prefix_or_in_full(workers, admin_user, query):
    assert _names(admin_user, q=query) == ["Siti Aminah"]


def test_a_short_number_searches_every_nik_starting_with_it(workers, admin_user):
    assert _names(admin_user, q="640206") == ["Muhammad Ali", "Hj. Nurhayati", "Siti Aminah"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("6402061003230009", ["Muhammad Ali"]),
        ("640206100323", ["Muhammad Ali", "Hj. Nurhayati"]),
    ],
)
def test_a_kk_number_is_found_in_full_or_by_prefix(workers, admin_user, query, found):
    assert _names(admin_user, q=query) == found


@pytest.mark.parametrize("query", ["DTKS23-0000042", "dtks23-0000042"])
def test_a_source_reference_is_found_whatever_its_case(workers, admin_user, query):
    assert _names(admin_user, q=query) == ["Muhammad Ali"]


def test_a_query_matching_nothing_finds_nothing(workers, admin_user):
    assert _names(admin_user, q="zainab") == []
    assert _names(admin_user, q="7101") == []


# -- filters ----------------------------------------------------------------------------------


def test_filter_by_district(workers, admin_user):
    assert _names(admin_user, district=LOA_KULU) == ["Muhammad Yusuf"]


def test_filter_by_village(workers, admin_user):
    assert _names(admin_user, village=TENGGARONG_OTHER_VILLAGE) == ["Muhammad Ali"]


def test_filter_by_sector(workers, admin_user):
    assert _names(admin_user, sector="perikanan") == ["Muhammad Ali"]


def test_filter_by_status(workers, admin_user):
    assert _names(admin_user, status=WorkerStatus.VERIFIED) == ["Muhammad Ali"]
    assert _names(admin_user, status=WorkerStatus.REJECTED) == []


def test_filter_for_workers_whose_data_disagrees_with_their_nik(workers, admin_user):
    update_worker(
        actor=admin_user, worker_id=workers["siti"].pk, expected_version=1, changes={"sex": "M"}
    )
    assert _names(admin_user, needs_verification=True) == ["Siti Aminah"]


def test_filters_and_query_combine(workers, admin_user):
    assert _names(admin_user, q="muhammad", district=TENGGARONG) == ["Muhammad Ali"]


def test_filters_as_a_dict_leave_out_empty_ones():
    assert WorkerFilters(q="ali", status="verified").as_dict() == {"q": "ali", "status": "verified"}


def test_search_results_carry_village_district_and_sector_in_one_query(
    workers, admin_user, django_assert_num_queries
):
    with django_assert_num_queries(1):
        labels = [
            (w.village.label, w.sector.name) for w in search_workers(admin_user, WorkerFilters())
        ]
    assert labels[0] == ("Loa Ipuh, Kec. Tenggarong", "Perikanan")


# -- scope ------------------------------------------------------------------------------------


def test_a_district_operator_sees_only_their_district(
    workers, tenggarong_operator, loa_kulu_operator
):
    assert _names(tenggarong_operator) == ["Muhammad Ali", "Hj. Nurhayati", "Siti Aminah"]
    assert _names(loa_kulu_operator) == ["Muhammad Yusuf"]


def test_a_query_cannot_reach_outside_the_scope(workers, loa_kulu_operator):
    assert _names(loa_kulu_operator, q="siti") == []
    assert _names(loa_kulu_operator, q="6402064203850003") == []
    assert _names(loa_kulu_operator, district=TENGGARONG) == []
    assert _names(loa_kulu_operator, village=TENGGARONG_VILLAGE) == []


def test_a_village_operator_sees_only_their_village(workers, village_operator):
    assert _names(village_operator) == ["Hj. Nurhayati", "Siti Aminah"]
    assert _names(village_operator, q="ali") == []


@pytest.mark.parametrize("role", ["verifier", "bpjs_liaison"])
def test_regency_roles_see_every_worker(request, workers, role):
    assert len(_names(request.getfixturevalue(role))) == 4


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_roles_without_access_to_workers_cannot_list_them(request, workers, role):
    with pytest.raises(PermissionDenied):
        workers_for_user(request.getfixturevalue(role))


def test_the_getter_finds_a_worker_in_scope(workers, tenggarong_operator):
    assert get_worker_for_user(tenggarong_operator, workers["siti"].pk) == workers["siti"]


def test_a_worker_outside_the_scope_looks_the_same_as_one_that_does_not_exist(
    workers, loa_kulu_operator
):
    with pytest.raises(NotFound) as outside:
        get_worker_for_user(loa_kulu_operator, workers["siti"].pk)
    with pytest.raises(NotFound) as missing:
        get_worker_for_user(loa_kulu_operator, 999_999)
    assert outside.value.message == missing.value.message


def test_districts_and_villages_offered_follow_the_scope(
    regions, admin_user, tenggarong_operator, village_operator
):
    assert districts_for_user(admin_user).count() == 20
    assert [d.code for d in districts_for_user(tenggarong_operator)] == [TENGGARONG]
    assert villages_for_user(admin_user).count() == 237
    assert villages_for_user(admin_user, district=LOA_KULU).count() == 15
    assert villages_for_user(tenggarong_operator).count() == 14
    assert villages_for_user(tenggarong_operator, district=LOA_KULU).count() == 0
    assert [v.code for v in villages_for_user(village_operator)] == [TENGGARONG_VILLAGE]


# -- summary and history ----------------------------------------------------------------------


def test_the_summary_of_an_administrator_covers_the_regency(workers, admin_user):
    summary = registry_summary(admin_user)
    assert summary.total == 4
    assert summary.by_status == {"registered": 3, "verified": 1, "rejected": 0, "inactive": 0}
    assert [(d.code, n) for d, n in summary.by_district[:2]] == [(TENGGARONG, 3), (LOA_KULU, 1)]
    assert len(summary.by_district) == 20
    assert all(n == 0 for _district, n in summary.by_district[2:])
    assert [(s.code, n) for s, n in summary.by_sector] == [("pertanian", 3), ("perikanan", 1)]
    assert summary.needs_verification == 0


def test_the_summary_of_a_district_operator_covers_their_district_only(
    workers, tenggarong_operator
):
    summary = registry_summary(tenggarong_operator)
    assert summary.total == 3
    assert summary.by_status == {"registered": 2, "verified": 1, "rejected": 0, "inactive": 0}
    assert [(d.code, n) for d, n in summary.by_district] == [(TENGGARONG, 3)]
    assert [(s.code, n) for s, n in summary.by_sector] == [("pertanian", 2), ("perikanan", 1)]


def test_the_summary_counts_workers_to_verify(workers, admin_user):
    update_worker(
        actor=admin_user,
        worker_id=workers["yusuf"].pk,
        expected_version=1,
        changes={"birth_date": dt.date(1970, 8, 16)},
    )
    assert registry_summary(admin_user).needs_verification == 1


def test_a_leader_sees_the_summary_but_not_the_workers(workers, leader):
    assert registry_summary(leader).total == 4
    with pytest.raises(PermissionDenied):
        search_workers(leader, WorkerFilters())


def test_an_auditor_gets_no_summary(workers, auditor):
    with pytest.raises(PermissionDenied):
        registry_summary(auditor)


def test_a_workers_history_lists_their_events_newest_first(workers, admin_user):
    history = worker_history(admin_user, workers["ali"])
    assert [event.action for event in history] == ["worker.status", "worker.register"]


def test_the_history_of_a_worker_outside_the_scope_is_not_found(workers, loa_kulu_operator):
    with pytest.raises(NotFound):
        worker_history(loa_kulu_operator, workers["siti"])
