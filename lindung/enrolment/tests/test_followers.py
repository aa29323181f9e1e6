import datetime as dt

import pytest

from lindung.dedup.followers import FOLLOWERS, move_to_survivor, restore_from_survivor
from lindung.enrolment.exchange_export import export_registration_batch
from lindung.enrolment.models import EndReason, Enrolment, EnrolmentStatus
from lindung.enrolment.services import Move, enrol_candidates, transition

S = EnrolmentStatus


@pytest.fixture
def twin(more_workers):
    return more_workers(1)[0]


def activate(admin_user, program, worker, kpj):
    enrol_candidates(actor=admin_user, program=program, worker_ids=[worker.pk])
    export_registration_batch(actor=admin_user, program=program, on=dt.date(2026, 5, 3))
    enrolment = Enrolment.objects.get(worker=worker, status=S.SUBMITTED)
    start = dt.date(2026, 6, 1)
    return transition(
        actor=admin_user,
        enrolment_id=enrolment.pk,
        move=Move(S.ACTIVE, start, kpj_number=kpj, coverage_start=start),
    )


def test_enrolments_are_a_follower_of_merges():
    assert "enrolments" in [follower.name for follower in FOLLOWERS]


def test_a_merged_records_enrolment_follows_the_survivor_and_goes_back_on_undo(
    admin_user, active, twin
):
    moved = move_to_survivor(active.worker, twin)

    active.refresh_from_db()
    assert (active.worker, active.status) == (twin, S.ACTIVE)

    restore_from_survivor(moved)
    active.refresh_from_db()
    assert active.worker_id != twin.pk and active.status == S.ACTIVE


def test_when_both_records_are_active_the_merged_one_ends_as_duplicate_until_undone(
    admin_user, program, active, twin
):
    original_worker = active.worker
    survivor_enrolment = activate(admin_user, program, twin, "26019990001")

    moved = move_to_survivor(original_worker, twin)

    active.refresh_from_db()
    assert (active.worker, active.status, active.end_reason) == (
        twin,
        S.ENDED,
        EndReason.DUPLICATE,
    )
    assert active.status_changes.last().reason == EndReason.DUPLICATE
    assert Enrolment.objects.get(pk=survivor_enrolment.pk).status == S.ACTIVE

    restore_from_survivor(moved)
    active.refresh_from_db()
    assert (active.worker, active.status, active.end_reason, active.ended_on) == (
        original_worker,
        S.ACTIVE,
        "",
        None,
    )
    assert active.status_changes.last().to_status == S.ACTIVE


def test_an_active_enrolment_outranks_the_survivors_candidate_and_comes_back_on_undo(
    admin_user, program, active, twin
):
    # The record that stays was only a candidate; the merged one holds the KPJ and the cover.
    outcome = enrol_candidates(actor=admin_user, program=program, worker_ids=[twin.pk])
    (candidate,) = outcome.created
    merged_worker = active.worker

    moved = move_to_survivor(merged_worker, twin)

    active.refresh_from_db()
    candidate.refresh_from_db()
    assert (active.worker, active.status) == (twin, S.ACTIVE)
    assert (candidate.status, candidate.end_reason) == (S.ENDED, EndReason.DUPLICATE)

    restore_from_survivor(moved)
    active.refresh_from_db()
    candidate.refresh_from_db()
    assert (active.worker, active.status) == (merged_worker, S.ACTIVE)
    assert (candidate.worker, candidate.status, candidate.end_reason) == (twin, S.CANDIDATE, "")
