"""Planted duplicates of a demonstration registry: registered through the service, each a
slip of an existing worker's record, and found by the linkage engine."""

import io

import pytest
from django.core.management import call_command

from lindung.audit.models import AuditEvent
from lindung.dedup.demo import plant_demo_duplicates
from lindung.dedup.linkage import find_pairs
from lindung.dedup.models import CandidatePair, DuplicateCase, DuplicateRun
from lindung.dedup.services import run_duplicate_search
from lindung.registry.models import Worker
from lindung.registry.validation import check_nik


@pytest.fixture
def demo_registry(admin_user):
    call_command("seed_demo", workers=300, seed=1, stdout=io.StringIO())


def _planted(admin_user, **options):
    return plant_demo_duplicates(actor=admin_user, count=12, seed=7, **options)


def test_each_planted_worker_is_a_second_registration_with_a_valid_slipped_nik(
    demo_registry, admin_user
):
    result = _planted(admin_user)

    assert len(result.planted) == 12
    assert Worker.objects.count() == 312
    for pair in result.planted:
        original, duplicate = pair.original, pair.duplicate
        assert duplicate.nik != original.nik
        assert duplicate.nik[:12] == original.nik[:12]
        assert check_nik(duplicate.nik).nik == duplicate.nik
        assert (duplicate.birth_date, duplicate.sex) == (original.birth_date, original.sex)
        assert (duplicate.village_id, duplicate.kk_number) == (
            original.village_id,
            original.kk_number,
        )
        assert duplicate.created_by == admin_user
    names_changed = [p for p in result.planted if p.duplicate.full_name != p.original.full_name]
    assert len(names_changed) >= 10


def test_planted_registrations_are_audited_as_confirmed_despite_the_duplicate_check(
    demo_registry, admin_user
):
    result = _planted(admin_user)

    events = AuditEvent.objects.filter(
        action="worker.register", object_id__in=[str(p.duplicate.pk) for p in result.planted]
    )
    assert events.count() == 12
    assert all(event.actor == admin_user for event in events)
    confirmed = [e for e in events if e.context.get("confirmed_not_duplicate")]
    assert confirmed, "the check found the originals of at least some planted workers"


def test_the_linkage_engine_finds_the_planted_duplicates(demo_registry, admin_user):
    result = _planted(admin_user)

    found = {tuple(sorted((pair.left_id, pair.right_id))) for pair in find_pairs()}
    planted = {tuple(sorted((p.original.pk, p.duplicate.pk))) for p in result.planted}
    assert len(planted & found) >= 10, f"found {len(planted & found)} of {len(planted)}"


def test_a_full_duplicate_search_is_queued_and_audited(demo_registry, admin_user):
    result = _planted(admin_user)

    run = DuplicateRun.objects.get()
    assert result.run == run
    assert (run.status, run.changed_since, run.started_by) == (
        DuplicateRun.Status.QUEUED,
        None,
        admin_user,
    )
    assert AuditEvent.objects.filter(action="duplicate.run", object_id=str(run.pk)).exists()


def test_the_queued_search_opens_a_case_for_the_planted_pairs(demo_registry, admin_user):
    result = _planted(admin_user)

    run = run_duplicate_search(result.run.pk)

    recorded = {(pair.left_id, pair.right_id) for pair in CandidatePair.objects.all()}
    planted = {tuple(sorted((p.original.pk, p.duplicate.pk))) for p in result.planted}
    assert run.status == DuplicateRun.Status.DONE
    assert len(planted & recorded) >= 10
    assert run.cases_opened == DuplicateCase.objects.count() >= 10


def test_planting_twice_adds_more_duplicates_without_queueing_a_second_search(
    demo_registry, admin_user
):
    _planted(admin_user)
    second = _planted(admin_user)

    assert len(second.planted) == 12
    assert second.run is None
    assert Worker.objects.count() == 324
    assert DuplicateRun.objects.count() == 1
