import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from lindung.enrolment.models import EndReason, Enrolment, EnrolmentStatus, EnrolmentStatusChange
from lindung.enrolment.services import Move, enrol_candidates, transition
from lindung.enrolment.tests.conftest import COVERAGE_START

S = EnrolmentStatus


def end(reason, on=dt.date(2026, 7, 10), note=""):
    return Move(S.ENDED, on, reason=reason, note=note)


def test_enrolling_a_worker_makes_a_candidate_with_its_history_and_audit_event(
    admin_user, program, tenggarong_worker
):
    outcome = enrol_candidates(
        actor=admin_user,
        program=program,
        worker_ids=[tenggarong_worker.pk],
        on=dt.date(2026, 4, 20),
    )

    enrolment = Enrolment.objects.get()
    assert outcome.created == [enrolment] and outcome.refused == {}
    assert (enrolment.worker, enrolment.program, enrolment.status) == (
        tenggarong_worker,
        program,
        S.CANDIDATE,
    )
    assert enrolment.candidate_since == dt.date(2026, 4, 20)
    change = EnrolmentStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "",
        S.CANDIDATE,
        admin_user,
    )
    event = AuditEvent.objects.get(action="enrolment.create")
    assert event.worker_id == tenggarong_worker.pk
    assert event.context == {"program": program.pk}


def test_enrolling_refuses_workers_outside_the_area_inactive_or_already_enrolled(
    admin_user, loa_kulu_operator, program, loa_kulu_worker, tenggarong_worker, candidate
):
    outcome = enrol_candidates(
        actor=loa_kulu_operator,
        program=program,
        worker_ids=[loa_kulu_worker.pk, tenggarong_worker.pk],
    )

    assert [e.worker_id for e in outcome.created] == [loa_kulu_worker.pk]
    assert outcome.refused == {tenggarong_worker.pk: "Pekerja tidak ditemukan."}
    again = enrol_candidates(actor=admin_user, program=program, worker_ids=[tenggarong_worker.pk])
    assert again.created == []
    assert again.refused == {tenggarong_worker.pk: f"Sudah terdaftar di program {program.name}."}


def test_a_role_that_cannot_edit_workers_cannot_enrol_them(
    bpjs_liaison, program, tenggarong_worker
):
    with pytest.raises(PermissionDenied):
        enrol_candidates(actor=bpjs_liaison, program=program, worker_ids=[tenggarong_worker.pk])

    assert not Enrolment.objects.exists()


def test_a_submitted_enrolment_becomes_active_with_its_kpj_and_coverage_start(
    admin_user, submitted
):
    enrolment = transition(
        actor=admin_user,
        enrolment_id=submitted.pk,
        move=Move(
            S.ACTIVE, COVERAGE_START, kpj_number="26012345678", coverage_start=COVERAGE_START
        ),
        expected_version=submitted.version,
    )

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.kpj_number, enrolment.coverage_start) == (
        S.ACTIVE,
        "26012345678",
        COVERAGE_START,
    )
    assert enrolment.version == submitted.version + 1
    event = AuditEvent.objects.filter(action="enrolment.transition").latest("sequence")
    assert event.changes["status"] == [S.SUBMITTED, S.ACTIVE]
    # The KPJ itself is personal data: the audit trail says it was set, not what it is.
    assert event.changes["kpj_number"] == [None, "***"]


@pytest.mark.parametrize(
    "move, message",
    [
        (Move(S.ACTIVE, COVERAGE_START, coverage_start=COVERAGE_START), "Nomor KPJ"),
        (Move(S.ACTIVE, COVERAGE_START, kpj_number="26012345678"), "Tanggal mulai"),
        (end(EndReason.GRADUATED), "formulir kelulusan"),
        (end(EndReason.REFUSED_BY_BPJS), "alasan penolakan"),
        (Move(S.SUBMITTED, COVERAGE_START), "batch pendaftaran"),
        (Move(S.CANDIDATE, COVERAGE_START), "tidak dapat menjadi"),
    ],
)
def test_a_move_missing_what_it_needs_is_refused_and_changes_nothing(
    admin_user, submitted, move, message
):
    with pytest.raises(DomainError, match=message):
        transition(actor=admin_user, enrolment_id=submitted.pk, move=move)

    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert not AuditEvent.objects.filter(action="enrolment.transition", object_id=submitted.pk)[1:]


@pytest.mark.parametrize(
    "fixture, move, allowed",
    [
        ("candidate", end(EndReason.WITHDREW), True),
        ("candidate", end(EndReason.REFUSED_BY_BPJS, note="x"), False),
        ("candidate", Move(S.ACTIVE, COVERAGE_START, "", "", "1", COVERAGE_START), False),
        ("submitted", end(EndReason.REFUSED_BY_BPJS, note="NIK tidak padan"), True),
        ("submitted", end(EndReason.NOT_ELIGIBLE), True),
        ("active", end(EndReason.DECEASED), True),
        ("active", end(EndReason.MOVED_AWAY), True),
        ("active", end(EndReason.FORMAL_WORKER), True),
        ("active", end(EndReason.REFUSED_BY_BPJS, note="x"), False),
        ("active", Move(S.ACTIVE, COVERAGE_START, "", "", "1", COVERAGE_START), False),
    ],
)
def test_every_transition_is_allowed_or_refused_by_the_table(
    request, admin_user, fixture, move, allowed
):
    enrolment = request.getfixturevalue(fixture)
    before = enrolment.status

    if allowed:
        transition(actor=admin_user, enrolment_id=enrolment.pk, move=move)
        enrolment.refresh_from_db()
        assert enrolment.status == move.to_status
        assert enrolment.status_changes.last().to_status == move.to_status
    else:
        with pytest.raises(DomainError):
            transition(actor=admin_user, enrolment_id=enrolment.pk, move=move)
        enrolment.refresh_from_db()
        assert enrolment.status == before


def test_an_ended_enrolment_cannot_move_again(admin_user, active):
    transition(actor=admin_user, enrolment_id=active.pk, move=end(EndReason.DECEASED))

    with pytest.raises(DomainError, match="tidak dapat menjadi"):
        transition(actor=admin_user, enrolment_id=active.pk, move=end(EndReason.WITHDREW))


def test_ending_records_the_reason_the_date_and_the_note(admin_user, active):
    transition(
        actor=admin_user,
        enrolment_id=active.pk,
        move=end(EndReason.DECEASED, on=dt.date(2026, 6, 1), note="Akta kematian 12/2026"),
    )

    active.refresh_from_db()
    assert (active.status, active.ended_on, active.end_reason, active.end_note) == (
        S.ENDED,
        dt.date(2026, 6, 1),
        EndReason.DECEASED,
        "Akta kematian 12/2026",
    )
    change = active.status_changes.last()
    assert (change.from_status, change.reason, change.effective_on) == (
        S.ACTIVE,
        EndReason.DECEASED,
        dt.date(2026, 6, 1),
    )


def test_an_end_before_the_coverage_start_is_refused(admin_user, active):
    with pytest.raises(DomainError, match="sebelum mulai kepesertaan"):
        transition(
            actor=admin_user,
            enrolment_id=active.pk,
            move=end(EndReason.DECEASED, on=dt.date(2026, 5, 31)),
        )


def test_a_stale_version_is_refused(admin_user, active):
    with pytest.raises(ConcurrentEdit):
        transition(
            actor=admin_user,
            enrolment_id=active.pk,
            move=end(EndReason.WITHDREW),
            expected_version=active.version - 1,
        )


def test_bpjs_liaison_may_record_a_refusal_but_not_end_for_another_reason(bpjs_liaison, submitted):
    with pytest.raises(PermissionDenied):
        transition(actor=bpjs_liaison, enrolment_id=submitted.pk, move=end(EndReason.WITHDREW))

    transition(
        actor=bpjs_liaison,
        enrolment_id=submitted.pk,
        move=end(EndReason.REFUSED_BY_BPJS, note="Data tidak padan Dukcapil"),
    )
    submitted.refresh_from_db()
    assert submitted.end_reason == EndReason.REFUSED_BY_BPJS


def test_an_operator_of_another_district_cannot_see_or_move_the_enrolment(
    loa_kulu_operator, active
):
    with pytest.raises(NotFound):
        transition(actor=loa_kulu_operator, enrolment_id=active.pk, move=end(EndReason.WITHDREW))

    active.refresh_from_db()
    assert active.status == S.ACTIVE


def test_a_worker_has_at_most_one_active_enrolment_even_in_the_database(
    admin_user, program, active, tenggarong_worker
):
    other = Enrolment.objects.create(
        worker=tenggarong_worker,
        program=program,
        status=S.ENDED,
        candidate_since=dt.date(2026, 1, 1),
        ended_on=dt.date(2026, 2, 1),
        end_reason=EndReason.WITHDREW,
        created_at=active.created_at,
        updated_at=active.updated_at,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.filter(pk=other.pk).update(
            status=S.ACTIVE, kpj_number="1", coverage_start=dt.date(2026, 1, 1)
        )


def test_bpjs_may_start_coverage_on_the_first_of_the_submission_month_but_not_earlier(
    admin_user, submitted
):
    # Submitted on 3 May 2026.
    with pytest.raises(DomainError, match="bulan pengajuan"):
        transition(
            actor=admin_user,
            enrolment_id=submitted.pk,
            move=Move(S.ACTIVE, dt.date(2026, 4, 30), "", "", "1", dt.date(2026, 4, 30)),
        )

    transition(
        actor=admin_user,
        enrolment_id=submitted.pk,
        move=Move(S.ACTIVE, dt.date(2026, 5, 1), "", "", "26012345678", dt.date(2026, 5, 1)),
    )
    submitted.refresh_from_db()
    assert submitted.coverage_start == dt.date(2026, 5, 1)
