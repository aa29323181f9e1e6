"""The instant duplicate check: possible duplicates of a record not saved yet."""

import datetime as dt

import pytest
from django.utils import translation

from conftest import LOA_KULU_VILLAGE, TENGGARONG_OTHER_VILLAGE, TENGGARONG_VILLAGE, worker_input
from lindung.core.exceptions import PermissionDenied
from lindung.dedup.check import check_record, duplicates_of_rows, possible_duplicates
from lindung.dedup.linkage import LinkageRecord, score_pair
from lindung.dedup.pairs import MatchLevel
from lindung.registry.models import InactiveReason, WorkerStatus
from lindung.registry.services import change_worker_status, register_worker

SITI = dict(
    nik="6402064203850003",
    full_name="Siti Aminah",
    birth_date=dt.date(1985, 3, 2),
    sex="F",
    village=TENGGARONG_VILLAGE,
    phone="0812-3456-7890",
)


@pytest.fixture(autouse=True)
def english():
    """The reasons are asserted by their English wording (Indonesian is the default)."""
    with translation.override("en"):
        yield


def check(user, **overrides):
    return possible_duplicates(user=user, values=SITI | overrides)


def register(actor, **overrides):
    return register_worker(actor=actor, data=worker_input(heirs=[], **overrides))


@pytest.mark.django_db
def test_a_typo_in_the_last_nik_digit_is_found_as_a_duplicate(tenggarong_worker, admin_user):
    (found,) = check(admin_user, nik="6402064203850004")

    assert found.worker_id == tenggarong_worker.pk
    assert found.level == MatchLevel.DUPLICATE
    assert found.full_name == "Siti Aminah"
    assert found.village_name == "Jahab"
    assert found.birth_date == dt.date(1985, 3, 2)
    assert found.nik_masked == "6402********0003"
    assert found.score > 99
    assert "last NIK digit differs, same birth date" in found.reasons
    assert "same name" in found.reasons


@pytest.mark.django_db
def test_a_spelling_variant_with_the_same_birth_date_and_another_nik_is_found(
    tenggarong_worker, admin_user
):
    (found,) = check(admin_user, nik="6402060000000000", full_name="Siti Aminnah", phone="")

    assert found.worker_id == tenggarong_worker.pk
    assert found.level in (MatchLevel.POSSIBLE, MatchLevel.DUPLICATE)
    assert "same birth date" in found.reasons
    assert "name spelt almost the same" in found.reasons


@pytest.mark.django_db
def test_a_shared_phone_with_the_same_name_and_a_near_birth_date_is_found(
    tenggarong_worker, admin_user
):
    (found,) = check(admin_user, nik="", birth_date=dt.date(1985, 2, 3), village=LOA_KULU_VILLAGE)

    assert found.worker_id == tenggarong_worker.pk
    assert "same phone" in found.reasons


@pytest.mark.django_db
def test_a_namesake_born_another_day_in_another_village_is_not_found(tenggarong_worker, admin_user):
    found = check(
        admin_user,
        nik="6402065107900001",
        birth_date=dt.date(1990, 7, 11),
        village=TENGGARONG_OTHER_VILLAGE,
        phone="081399998888",
    )

    assert found == []


@pytest.mark.django_db
def test_the_same_nik_is_not_a_candidate_it_is_the_same_record(tenggarong_worker, admin_user):
    assert check(admin_user) == []


@pytest.mark.django_db
def test_a_record_with_neither_nik_nor_name_and_birth_date_is_not_checked(
    tenggarong_worker, admin_user
):
    assert possible_duplicates(user=admin_user, values={"full_name": "Siti Aminah"}) == []


@pytest.mark.django_db
def test_a_candidate_of_another_district_is_shown_without_personal_data(
    tenggarong_worker, loa_kulu_operator
):
    (found,) = check(loa_kulu_operator, nik="6402064203850004", village=LOA_KULU_VILLAGE)

    assert found.worker_id == tenggarong_worker.pk
    assert not found.in_scope
    assert found.district_name == "Tenggarong"
    assert (found.full_name, found.village_name, found.nik_masked) == ("", "", "")
    assert found.birth_date is None
    assert "Siti" not in found.short_text()
    assert found.short_text().startswith("kemungkinan duplikat dari pekerja di Kecamatan")
    # Neither the evidence nor the status: they would tell whether the NIK typed belongs to
    # someone in another district, and whether that person is alive.
    assert (found.evidence, found.reasons, found.status, found.status_label) == ((), [], "", "")
    assert set(found.as_dict()) == {
        "worker_id", "in_scope", "district", "score", "match_weight", "level",
    }  # fmt: skip


@pytest.mark.django_db
def test_a_deceased_worker_is_found_and_marked_with_the_reason(tenggarong_worker, admin_user):
    change_worker_status(
        actor=admin_user,
        worker_id=tenggarong_worker.pk,
        expected_version=tenggarong_worker.version,
        to_status=WorkerStatus.INACTIVE,
        reason=InactiveReason.DECEASED,
    )

    (found,) = check(admin_user, nik="6402064203850004")

    assert found.status == WorkerStatus.INACTIVE
    assert not found.is_active
    assert found.status_label == InactiveReason.DECEASED.label


@pytest.mark.django_db
def test_a_record_merged_away_is_not_a_candidate(tenggarong_worker, admin_user):
    change_worker_status(
        actor=admin_user,
        worker_id=tenggarong_worker.pk,
        expected_version=tenggarong_worker.version,
        to_status=WorkerStatus.INACTIVE,
        reason=InactiveReason.DUPLICATE,
    )

    assert check(admin_user, nik="6402064203850004") == []


@pytest.mark.django_db
def test_the_worker_being_edited_is_left_out(tenggarong_worker, admin_user):
    found = possible_duplicates(
        user=admin_user, values=SITI | {"nik": "6402064203850004"}, exclude_id=tenggarong_worker.pk
    )

    assert found == []


@pytest.mark.django_db
def test_candidates_come_best_first_and_at_most_the_limit(tenggarong_worker, admin_user):
    sister = register(
        admin_user, nik="6402064203850005", full_name="Siti Aminah", phone="", source_ref=""
    )

    found = possible_duplicates(user=admin_user, values=SITI | {"nik": "6402064203850004"}, limit=1)
    both = check(admin_user, nik="6402064203850004")

    assert len(found) == 1
    assert [c.worker_id for c in both] == sorted(
        [tenggarong_worker.pk, sister.pk],
        key=lambda pk: -next(c.match_weight for c in both if c.worker_id == pk),
    )
    assert both[0].match_weight >= both[1].match_weight


@pytest.mark.django_db
def test_the_check_agrees_with_the_single_pair_scorer(tenggarong_worker, admin_user):
    (found,) = check(admin_user, nik="6402064203850004")
    record = LinkageRecord(
        id=0, nik="6402064203850004", kk_number="", name_normalized="siti aminah",
        full_name="Siti Aminah", birth_date=dt.date(1985, 3, 2), sex="F",
        village_id=TENGGARONG_VILLAGE, district_id="64.02.06", phone="+6281234567890",
    )  # fmt: skip
    stored = LinkageRecord(
        id=tenggarong_worker.pk, nik="6402064203850003", kk_number="",
        name_normalized="siti aminah", full_name="Siti Aminah", birth_date=dt.date(1985, 3, 2),
        sex="F", village_id=TENGGARONG_VILLAGE, district_id="64.02.06",
        phone=tenggarong_worker.phone,
    )  # fmt: skip

    expected = score_pair(record, stored)

    assert expected is not None and found.level == expected.level


@pytest.mark.django_db
def test_a_user_who_may_not_register_cannot_check(tenggarong_worker, auditor):
    with pytest.raises(PermissionDenied):
        check(auditor, nik="6402064203850004")


@pytest.mark.django_db
def test_the_check_takes_a_bounded_number_of_queries(
    tenggarong_worker, admin_user, django_assert_max_num_queries
):
    register(admin_user, nik="6402064203850005", full_name="Siti Aminah", source_ref="")
    # The candidates, and the registry's size (for how common the name is).
    with django_assert_max_num_queries(2):
        check(admin_user, nik="6402064203850004")


@pytest.mark.django_db
def test_import_rows_are_checked_in_a_few_queries_for_the_whole_chunk(
    tenggarong_worker, loa_kulu_worker, admin_user, django_assert_max_num_queries
):
    rows = {
        2: SITI | {"nik": "6402064203850004", "name_normalized": "siti aminah"},
        3: SITI | {"nik": "6402065107900001", "full_name": "Rina", "name_normalized": "rina",
                   "birth_date": dt.date(1990, 7, 11), "phone": ""},
    }  # fmt: skip
    with django_assert_max_num_queries(3):
        found = duplicates_of_rows(
            user=admin_user, records={n: check_record(v, id=-n) for n, v in rows.items()}
        )

    assert list(found) == [2]
    assert found[2][0].worker_id == tenggarong_worker.pk


@pytest.mark.django_db
def test_a_name_without_muhammad_born_a_day_later_with_another_nik_is_found(
    loa_kulu_worker, admin_user
):
    found = possible_duplicates(
        user=admin_user,
        values={
            "nik": "6402021608700003",
            "phone": "081234500001",
            "full_name": "Yusuf",
            "birth_date": dt.date(1970, 8, 16),
            "sex": "M",
            "village": LOA_KULU_VILLAGE,
        },
    )

    assert [c.worker_id for c in found] == [loa_kulu_worker.pk]
    assert "same name apart from Muhammad, Siti or an initial" in found[0].reasons


def test_the_nik_halves_are_looked_up_through_their_indexes(db):
    """Each import chunk asks for the NIKs sharing a half: without the expression indexes
    that is a scan of the whole registry per chunk."""
    from django.db import connection
    from django.db.models import Q

    from lindung.dedup.check import NIK_HEAD, NIK_TAIL, _workers

    query = (
        _workers()
        .alias(nik_head=NIK_HEAD, nik_tail=NIK_TAIL)
        .filter(Q(nik_head__in=["640206420385"]) | Q(nik_tail__in=["2038500030"]))
        .values_list("id")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "worker_nik_head_idx" in plan and "worker_nik_tail_idx" in plan
