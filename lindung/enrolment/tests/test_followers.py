import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from lindung.audit.models import AuditEvent
from lindung.audit.services import verify_chain
from lindung.core.exceptions import DomainError
from lindung.dedup.followers import FOLLOWERS, move_to_survivor, restore_from_survivor
from lindung.dedup.models import CaseMember, Decision, DuplicateCase, Merge, MergedWorker
from lindung.dedup.services import merge_workers, undo_merge
from lindung.dedup.tests.cast import open_case, scored
from lindung.enrolment.exchange_export import export_registration_batch
from lindung.enrolment.followers import NOTE, REOPEN_CLASH, REOPEN_NOTE
from lindung.enrolment.models import EndReason, Enrolment, EnrolmentStatus, EnrolmentStatusChange
from lindung.enrolment.services import Move, enrol_candidates, transition
from lindung.enrolment.tests.conftest import COVERAGE_START
from lindung.programs.inputs import ProgramInput
from lindung.programs.services import create_program, set_funding_shares
from lindung.registry.models import Heir, Worker, WorkerStatus, WorkerStatusChange

S = EnrolmentStatus


@pytest.fixture
def twin(more_workers):
    return more_workers(1)[0]


@pytest.fixture
def case(tenggarong_worker, twin):
    """The conftest's Siti Aminah and the twin, proposed as one person."""
    return open_case(scored(tenggarong_worker, twin))


def history(enrolment) -> list[tuple]:
    return list(
        enrolment.status_changes.order_by("changed_at", "id").values_list(
            "from_status", "to_status", "effective_on", "reason", "note", "changed_by"
        )
    )


def transitions_by(user) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action="enrolment.transition", actor_id=user.pk).order_by(
            "sequence"
        )
    )


def assert_ended_by_merge(verifier, ended, worker, program, case, today) -> None:
    """The verifier's one transition event: ``ended`` (of ``worker``) ended by the merge."""
    (event,) = transitions_by(verifier)
    assert (event.object_type, event.object_id, event.worker_id) == (
        "enrolment",
        str(ended.pk),
        worker.pk,
    )
    assert event.changes == {
        "status": ["active", "ended"],
        "ended_on": [None, today.isoformat()],
        "end_reason": ["", "duplicate"],
    }
    assert event.context == {
        "program": program.pk,
        "note": NOTE,
        "batch": ended.batch_id,
        "duplicate_case": case.pk,
    }


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
    admin_user, verifier, active, twin, case
):
    version, moves = active.version, history(active)

    moved = move_to_survivor(active.worker, twin, actor=verifier, case_id=case.pk)

    active.refresh_from_db()
    assert (active.worker, active.status, active.version) == (twin, S.ACTIVE, version)

    restore_from_survivor(moved, actor=verifier, case_id=case.pk)
    active.refresh_from_db()
    assert active.worker_id != twin.pk and active.status == S.ACTIVE
    # Only the worker it points to changed: no status move, nothing for the enrolment's audit.
    assert (active.version, history(active), transitions_by(verifier)) == (version, moves, [])


def test_when_both_records_are_active_the_merged_one_ends_as_duplicate_until_undone(
    admin_user, program, active, twin, case
):
    original_worker = active.worker
    survivor_enrolment = activate(admin_user, program, twin, "26019990001")

    moved = move_to_survivor(original_worker, twin, actor=admin_user, case_id=case.pk)

    active.refresh_from_db()
    assert (active.worker, active.status, active.end_reason) == (
        twin,
        S.ENDED,
        EndReason.DUPLICATE,
    )
    assert active.status_changes.last().reason == EndReason.DUPLICATE
    assert Enrolment.objects.get(pk=survivor_enrolment.pk).status == S.ACTIVE

    restore_from_survivor(moved, actor=admin_user, case_id=case.pk)
    active.refresh_from_db()
    assert (active.worker, active.status, active.end_reason, active.ended_on) == (
        original_worker,
        S.ACTIVE,
        "",
        None,
    )
    assert active.status_changes.last().to_status == S.ACTIVE


def test_an_active_enrolment_outranks_the_survivors_candidate_and_comes_back_on_undo(
    admin_user, verifier, program, active, twin, case
):
    # The record that stays was only a candidate; the merged one holds the KPJ and the cover.
    outcome = enrol_candidates(actor=admin_user, program=program, worker_ids=[twin.pk])
    (candidate,) = outcome.created
    merged_worker = active.worker
    today = timezone.localdate()

    moved = move_to_survivor(merged_worker, twin, actor=verifier, case_id=case.pk)

    active.refresh_from_db()
    candidate.refresh_from_db()
    assert (active.worker, active.status) == (twin, S.ACTIVE)
    assert (candidate.status, candidate.end_reason, candidate.version) == (
        S.ENDED,
        EndReason.DUPLICATE,
        2,
    )
    (ended,) = transitions_by(verifier)
    assert (ended.object_id, ended.worker_id, ended.changes) == (
        str(candidate.pk),
        twin.pk,
        {"status": ["candidate", "ended"], "ended_on": [None, today.isoformat()],
         "end_reason": ["", "duplicate"]},
    )  # fmt: skip
    assert ended.context == {"program": program.pk, "note": NOTE, "duplicate_case": case.pk}

    restore_from_survivor(moved, actor=verifier, case_id=case.pk)
    active.refresh_from_db()
    candidate.refresh_from_db()
    assert (active.worker, active.status) == (merged_worker, S.ACTIVE)
    assert (candidate.worker, candidate.status, candidate.end_reason, candidate.version) == (
        twin,
        S.CANDIDATE,
        "",
        3,
    )
    assert [row[:2] for row in history(candidate)] == [
        ("", S.CANDIDATE),
        (S.CANDIDATE, S.ENDED),
        (S.ENDED, S.CANDIDATE),
    ]
    reopened = transitions_by(verifier)[1]
    assert (reopened.object_id, reopened.worker_id, reopened.changes) == (
        str(candidate.pk),
        twin.pk,
        {"status": ["ended", "candidate"], "ended_on": [today.isoformat(), None],
         "end_reason": ["duplicate", ""], "end_note": [NOTE, ""]},
    )  # fmt: skip


# -- through the verifier's decisions ---------------------------------------------------------


@pytest.fixture
def both_active(admin_user, program, active, twin):
    """Siti Aminah is active on one record, and the twin, the record that will stay, on
    another: the merge ends Siti's enrolment as a duplicate."""
    activate(admin_user, program, twin, "26019990001")
    active.refresh_from_db()
    return active


def merge_into_twin(verifier, case, twin):
    return merge_workers(
        user=verifier, case=case, survivor_id=twin.pk, field_choices={}, reason="Satu orang"
    )


def test_an_enrolment_ended_by_a_merge_is_recorded_as_the_verifiers_transition(
    verifier, program, both_active, tenggarong_worker, twin, case
):
    before = both_active.version
    today = timezone.localdate()

    merge_into_twin(verifier, case, twin)

    ended = Enrolment.objects.get(pk=both_active.pk)
    assert (ended.worker, ended.status, ended.ended_on, ended.end_reason, ended.end_note) == (
        twin,
        S.ENDED,
        today,
        EndReason.DUPLICATE,
        NOTE,
    )
    assert ended.version == before + 1
    assert ended.updated_at == ended.status_changes.order_by("id").last().changed_at
    assert history(ended)[-1] == (
        S.ACTIVE, S.ENDED, today, EndReason.DUPLICATE, NOTE, verifier.pk,
    )  # fmt: skip
    assert_ended_by_merge(verifier, ended, tenggarong_worker, program, case, today)
    survivors = Enrolment.objects.filter(worker=twin, status=S.ACTIVE)
    assert [e.kpj_number for e in survivors] == ["26019990001"]
    assert verify_chain().ok


def test_undoing_the_merge_reopens_the_enrolment_and_its_history_keeps_both_moves(
    verifier, program, both_active, tenggarong_worker, twin, case
):
    before = both_active.version
    today = timezone.localdate()
    merge = merge_into_twin(verifier, case, twin)

    undo_merge(user=verifier, merge=merge, reason="Ternyata dua orang")

    reopened = Enrolment.objects.get(pk=both_active.pk)
    assert (
        reopened.worker, reopened.status, reopened.kpj_number, reopened.coverage_start,
        reopened.ended_on, reopened.end_reason, reopened.end_note, reopened.version,
    ) == (
        tenggarong_worker, S.ACTIVE, "26012345678", COVERAGE_START, None, "", "", before + 2,
    )  # fmt: skip
    assert history(reopened)[-2:] == [
        (S.ACTIVE, S.ENDED, today, EndReason.DUPLICATE, NOTE, verifier.pk),
        (S.ENDED, S.ACTIVE, today, "", REOPEN_NOTE, verifier.pk),
    ]
    ended, reopening = transitions_by(verifier)
    assert (reopening.object_id, reopening.worker_id) == (str(reopened.pk), tenggarong_worker.pk)
    assert ended.worker_id == reopening.worker_id
    assert reopening.changes == {
        "status": ["ended", "active"],
        "ended_on": [today.isoformat(), None],
        "end_reason": ["duplicate", ""],
        "end_note": [NOTE, ""],
    }
    assert reopening.context == {
        "program": program.pk,
        "note": REOPEN_NOTE,
        "batch": reopened.batch_id,
        "duplicate_case": case.pk,
    }
    assert reopening.sequence < AuditEvent.objects.get(action="duplicate.undo_merge").sequence
    # The twin kept its own enrolment all along.
    assert Enrolment.objects.get(worker=twin).status == S.ACTIVE
    assert verify_chain().ok


@pytest.fixture
def other_program(admin_user, apbd):
    program = create_program(
        actor=admin_user,
        data=ProgramInput(
            name="Perlindungan Nelayan Kukar",
            owning_office="Dinas Perikanan",
            first_fiscal_year=2025,
        ),
    )
    set_funding_shares(
        actor=admin_user, program_id=program.pk, area_code=None, shares={apbd.pk: Decimal(100)}
    )
    return program


@pytest.fixture
def active_elsewhere(admin_user, program, other_program, active, twin):
    """Siti Aminah is active in the programme; the twin, the record that will stay, is
    active in another programme and only a candidate in this one."""
    # A candidate first: the programme's enrolment takes in no one already active elsewhere.
    (candidate,) = enrol_candidates(actor=admin_user, program=program, worker_ids=[twin.pk]).created
    elsewhere = activate(admin_user, other_program, twin, "26019990002")
    candidate.refresh_from_db()
    active.refresh_from_db()
    return active, elsewhere, candidate


def enrolment_states() -> list[tuple]:
    return list(
        Enrolment.objects.order_by("pk").values_list(
            "pk", "worker_id", "program_id", "status", "ended_on", "end_reason", "end_note",
            "kpj_number", "coverage_start",
        )
    )  # fmt: skip


def test_an_active_enrolment_does_not_outrank_a_candidate_when_the_survivor_is_active_elsewhere(
    verifier, program, other_program, tenggarong_worker, twin, case, active_elsewhere
):
    merged_active, elsewhere, candidate = active_elsewhere
    before = (merged_active.version, candidate.version, elsewhere.version)
    today = timezone.localdate()

    merge_into_twin(verifier, case, twin)

    # One person, covered once: the survivor's cover in the other programme stays.
    assert [e.pk for e in Enrolment.objects.filter(worker=twin, status=S.ACTIVE)] == [elsewhere.pk]
    ended = Enrolment.objects.get(pk=merged_active.pk)
    assert (ended.worker, ended.status, ended.ended_on, ended.end_reason, ended.end_note) == (
        twin, S.ENDED, today, EndReason.DUPLICATE, NOTE,
    )  # fmt: skip
    assert ended.version == before[0] + 1
    assert history(ended)[-1] == (
        S.ACTIVE, S.ENDED, today, EndReason.DUPLICATE, NOTE, verifier.pk,
    )  # fmt: skip
    kept = Enrolment.objects.get(pk=candidate.pk)
    assert (kept.worker, kept.status, kept.end_reason, kept.version) == (
        twin, S.CANDIDATE, "", before[1],
    )  # fmt: skip
    assert Enrolment.objects.get(pk=elsewhere.pk).version == before[2]
    assert_ended_by_merge(verifier, ended, tenggarong_worker, program, case, today)
    assert verify_chain().ok


def test_undoing_a_merge_into_a_record_active_elsewhere_restores_every_enrolment(
    verifier, tenggarong_worker, twin, case, active_elsewhere
):
    merged_active, elsewhere, candidate = active_elsewhere
    enrolments = enrolment_states()
    workers = list(Worker.objects.order_by("pk").values_list("pk", "status"))
    merge = merge_into_twin(verifier, case, twin)

    undo_merge(user=verifier, merge=merge, reason="Ternyata dua orang")

    assert enrolment_states() == enrolments
    assert list(Worker.objects.order_by("pk").values_list("pk", "status")) == workers
    reopened = Enrolment.objects.get(pk=merged_active.pk)
    assert reopened.version == merged_active.version + 2
    assert [row[:2] for row in history(reopened)[-2:]] == [
        (S.ACTIVE, S.ENDED),
        (S.ENDED, S.ACTIVE),
    ]
    ending, reopening = transitions_by(verifier)
    assert ending.object_id == reopening.object_id == str(reopened.pk)
    assert reopening.worker_id == tenggarong_worker.pk
    assert reopening.changes == {
        "status": ["ended", "active"],
        "ended_on": [timezone.localdate().isoformat(), None],
        "end_reason": ["duplicate", ""],
        "end_note": [NOTE, ""],
    }
    assert [
        Enrolment.objects.get(pk=candidate.pk).version,
        Enrolment.objects.get(pk=elsewhere.pk).version,
    ] == [candidate.version, elsewhere.version]
    assert verify_chain().ok


@pytest.fixture
def merged_then_replaced(admin_user, verifier, program, active, twin, case):
    """The twin, the record that stays, was a candidate; the merge ended that candidate and
    brought Siti Aminah's active enrolment over. Since then that enrolment ended (she moved
    away) and the twin became a candidate again."""
    (first_candidate,) = enrol_candidates(
        actor=admin_user, program=program, worker_ids=[twin.pk]
    ).created
    merge = merge_into_twin(verifier, case, twin)
    transition(
        actor=admin_user,
        enrolment_id=active.pk,
        move=Move(S.ENDED, dt.date(2026, 9, 30), reason=EndReason.MOVED_AWAY),
    )
    (new_candidate,) = enrol_candidates(
        actor=admin_user, program=program, worker_ids=[twin.pk]
    ).created
    return merge, first_candidate, new_candidate


def everything_an_undo_touches() -> dict[str, list]:
    return {
        "workers": list(Worker.objects.order_by("pk").values()),
        "worker_history": list(WorkerStatusChange.objects.order_by("pk").values()),
        "heirs": list(Heir.objects.order_by("pk").values()),
        "enrolments": list(Enrolment.objects.order_by("pk").values()),
        "enrolment_history": list(EnrolmentStatusChange.objects.order_by("pk").values()),
        "cases": list(DuplicateCase.objects.order_by("pk").values()),
        "decisions": list(Decision.objects.order_by("pk").values()),
        "merges": list(Merge.objects.order_by("pk").values()),
        "merged_records": list(MergedWorker.objects.order_by("pk").values()),
        "case_members": list(CaseMember.objects.order_by("pk").values()),
        "audit": list(AuditEvent.objects.order_by("sequence").values_list("pk", flat=True)),
    }


def test_a_merge_cannot_be_undone_when_the_enrolment_it_ended_now_clashes_and_nothing_changes(
    verifier, twin, case, merged_then_replaced
):
    merge, first_candidate, new_candidate = merged_then_replaced
    before = everything_an_undo_touches()

    with pytest.raises(DomainError) as refused:
        undo_merge(user=verifier, merge=merge, reason="Ternyata dua orang")

    assert refused.value.message == (
        "Penggabungan tidak dapat dibatalkan: sejak digabung, pekerja ini mendapat "
        "kepesertaan lain yang masih terbuka di program yang sama. Akhiri salah satunya "
        "terlebih dahulu."
    )
    assert everything_an_undo_touches() == before
    merge.refresh_from_db()
    assert merge.undone_by is None
    assert (
        Enrolment.objects.get(pk=first_candidate.pk).status,
        Enrolment.objects.get(pk=new_candidate.pk).status,
    ) == (S.ENDED, S.CANDIDATE)
    assert verify_chain().ok


def test_ending_the_newer_enrolment_lets_the_merge_be_undone(
    admin_user, verifier, tenggarong_worker, twin, case, merged_then_replaced
):
    merge, first_candidate, new_candidate = merged_then_replaced
    transition(
        actor=admin_user,
        enrolment_id=new_candidate.pk,
        move=Move(S.ENDED, timezone.localdate(), reason=EndReason.WITHDREW),
    )

    undo_merge(user=verifier, merge=merge, reason="Ternyata dua orang")

    reopened = Enrolment.objects.get(pk=first_candidate.pk)
    assert (reopened.worker, reopened.status) == (twin, S.CANDIDATE)
    assert Worker.objects.get(pk=tenggarong_worker.pk).status != WorkerStatus.INACTIVE


def test_the_case_page_shows_the_refusal_to_undo_and_nothing_changes(
    client, verifier, case, merged_then_replaced
):
    before = everything_an_undo_touches()
    client.force_login(verifier)

    response = client.post(f"/duplicates/{case.pk}/undo/", {"undo-reason": "Dua orang"})

    assert response.status_code == 200
    assert REOPEN_CLASH in response.content.decode()
    assert everything_an_undo_touches() == before


def test_the_api_answers_400_with_the_refusal_to_undo_and_nothing_changes(
    client, token_for, verifier, case, merged_then_replaced
):
    headers = {"Authorization": f"Bearer {token_for(verifier)}"}  # issuing it is audited
    before = everything_an_undo_touches()

    response = client.post(
        f"/api/v1/duplicates/{case.pk}/undo",
        json.dumps({"reason": "Dua orang"}),
        content_type="application/json",
        headers=headers,
    )

    assert (response.status_code, response.json()) == (400, {"detail": REOPEN_CLASH})
    assert everything_an_undo_touches() == before
