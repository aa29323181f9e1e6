"""Worklists and their counts never reach past the user's area, not even as a hint."""

import pytest

from conftest import LOA_KULU, LOA_KULU_VILLAGE, PASSWORD, TENGGARONG_OTHER_VILLAGE
from lindung.accounts.models import Role
from lindung.accounts.services import create_user
from lindung.quality.selectors import quality_summary, worklist_workers
from lindung.regions.models import Region

pytestmark = pytest.mark.django_db

KK = "6402060101200001"


def _total(user, code: str) -> int:
    return next(c.total for c in quality_summary(user).worklists if c.worklist.code == code)


def test_a_kk_is_crowded_only_by_the_workers_the_user_may_see(
    admin_user, tenggarong_operator, loa_kulu_operator, make_worker
):
    for n in range(3):
        make_worker(full_name=f"Tenggarong {n}", kk_number=KK)
    for n in range(2):
        make_worker(full_name=f"Loa Kulu {n}", kk_number=KK, village=LOA_KULU_VILLAGE)

    assert worklist_workers(admin_user, "crowded_kk").count() == 5
    assert _total(admin_user, "crowded_kk") == 5
    # Three in their district are not "more than four": the other two stay unseen.
    for operator in (tenggarong_operator, loa_kulu_operator):
        assert worklist_workers(operator, "crowded_kk").count() == 0
        assert _total(operator, "crowded_kk") == 0


def test_a_district_operator_never_sees_another_districts_workers_on_any_list(
    loa_kulu_operator, make_worker
):
    make_worker(full_name="Tenggarong", heirs=[], phone="", kk_number="")
    make_worker(full_name="Loa Kulu", heirs=[], phone="", village=LOA_KULU_VILLAGE)
    summary = quality_summary(loa_kulu_operator)
    assert {area.parent_id for area in summary.areas} == {LOA_KULU}
    for counts in summary.worklists:
        assert set(counts.by_area) <= {LOA_KULU_VILLAGE}
        names = {w.full_name for w in worklist_workers(loa_kulu_operator, counts.worklist.code)}
        assert "Tenggarong" not in names


def test_a_village_operator_sees_only_their_village(village_operator, make_worker):
    make_worker(full_name="Jahab", heirs=[])
    make_worker(full_name="Loa Ipuh", heirs=[], village=TENGGARONG_OTHER_VILLAGE)
    assert [w.full_name for w in worklist_workers(village_operator, "no_heir")] == ["Jahab"]
    assert _total(village_operator, "no_heir") == 1
    assert (
        worklist_workers(village_operator, "no_heir", village=TENGGARONG_OTHER_VILLAGE).count() == 0
    )


def test_a_leader_of_one_district_counts_only_that_district(regions, make_worker):
    leader = create_user(
        actor=None, username="camat", role=Role.LEADER, password=PASSWORD, area_code=LOA_KULU
    )
    make_worker(full_name="Tenggarong", heirs=[])
    make_worker(full_name="Loa Kulu", heirs=[], village=LOA_KULU_VILLAGE)
    summary = quality_summary(leader)
    assert summary.level == Region.Level.VILLAGE
    assert _total(leader, "no_heir") == 1
