"""Deceased workers whose records are still open: duplicate cases nobody has decided."""

import pytest

from lindung.dedup.models import DuplicateCase
from lindung.dedup.pairs import Evidence, MatchLevel, ScoredPair
from lindung.dedup.services import record_candidates, resolve_as_different
from lindung.quality.selectors import quality_summary, worklist_workers
from lindung.registry.models import WorkerStatus

pytestmark = pytest.mark.django_db

CODE = "deceased_open_records"


def _open_case(a, b) -> DuplicateCase:
    left, right = sorted((a.pk, b.pk))
    evidence = (Evidence("name", "same name", 6.1),)
    record_candidates(pairs=[ScoredPair(left, right, 12.0, 0.999, MatchLevel.DUPLICATE, evidence)])
    return DuplicateCase.objects.get(members__worker=a, status="open")


def _listed(user) -> set[str]:
    return {w.full_name for w in worklist_workers(user, CODE)}


def _total(user) -> int:
    return next(c.total for c in quality_summary(user).worklists if c.worklist.code == CODE)


def test_a_deceased_worker_in_an_open_duplicate_case_is_listed_until_the_case_is_decided(
    admin_user, tenggarong_operator, make_worker, set_status
):
    dead = make_worker(full_name="Almarhum Ahmad")
    twin = make_worker(full_name="Ahmad Lagi")
    case = _open_case(dead, twin)
    set_status(dead, WorkerStatus.INACTIVE, "deceased")

    assert _listed(tenggarong_operator) == {"Almarhum Ahmad"}
    assert _total(tenggarong_operator) == 1

    resolve_as_different(user=admin_user, case=case, reason="Orang yang berbeda, KTP dicek.")

    assert _listed(tenggarong_operator) == set()
    assert _total(tenggarong_operator) == 0


def test_an_open_case_does_not_list_workers_inactive_for_another_reason(
    admin_user, make_worker, set_status
):
    moved = make_worker(full_name="Pindah Kota")
    other = make_worker(full_name="Orang Lain")
    _open_case(moved, other)
    set_status(moved, WorkerStatus.INACTIVE, "moved_away")
    assert _listed(admin_user) == set()


def test_a_deceased_worker_without_open_records_is_not_listed(admin_user, make_worker, set_status):
    set_status(make_worker(full_name="Sudah Tenang"), WorkerStatus.INACTIVE, "deceased")
    assert _listed(admin_user) == set()
