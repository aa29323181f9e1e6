import datetime as dt

import pytest
from django.utils import translation

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import NotFound, PermissionDenied
from lindung.enrolment.coverage import coverage_on, mask_kpj
from lindung.enrolment.models import EndReason, EnrolmentStatus
from lindung.enrolment.services import Move, reveal_kpj, transition
from lindung.enrolment.tests.conftest import COVERAGE_START

S = EnrolmentStatus


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def test_a_worker_never_enrolled_is_not_covered(admin_user, tenggarong_worker):
    coverage = coverage_on(admin_user, tenggarong_worker.pk, dt.date(2026, 6, 1))

    assert not coverage.covered
    assert (coverage.state, coverage.explanation) == (
        "not_enrolled",
        "Not enrolled in any programme.",
    )


def test_a_candidate_is_not_covered_and_says_it_was_not_submitted(admin_user, candidate):
    coverage = coverage_on(admin_user, candidate.worker_id, dt.date(2026, 5, 1))

    assert coverage.state == "candidate"
    assert coverage.explanation == (
        "Candidate for Perlindungan Pekerja Rentan Kukar since 20 April 2026, "
        "not submitted to BPJS yet."
    )


def test_before_the_coverage_start_the_answer_says_when_it_was_submitted(admin_user, active):
    coverage = coverage_on(admin_user, active.worker_id, dt.date(2026, 5, 31))

    assert not coverage.covered
    assert coverage.explanation == (
        "Submitted to BPJS on 3 May 2026 for Perlindungan Pekerja Rentan Kukar, not active yet."
    )


@pytest.mark.parametrize("day", [COVERAGE_START, dt.date(2026, 9, 1)])
def test_from_the_coverage_start_on_the_worker_is_covered_by_the_programme_and_funder(
    admin_user, active, day
):
    coverage = coverage_on(admin_user, active.worker_id, day)

    assert coverage.covered
    assert coverage.program.name == "Perlindungan Pekerja Rentan Kukar"
    assert coverage.funder_names == "APBD Kukar (100%)"
    assert coverage.kpj_masked == "*******5678"
    assert coverage.explanation == (
        "Covered by Perlindungan Pekerja Rentan Kukar since 1 June 2026."
    )


def test_the_day_of_death_is_covered_and_the_day_after_is_not(admin_user, active):
    transition(
        actor=admin_user,
        enrolment_id=active.pk,
        move=Move(S.ENDED, dt.date(2026, 8, 14), reason=EndReason.DECEASED),
    )

    assert coverage_on(admin_user, active.worker_id, dt.date(2026, 8, 14)).covered
    after = coverage_on(admin_user, active.worker_id, dt.date(2026, 8, 15))
    assert not after.covered
    assert after.explanation == (
        "Ended on 14 August 2026: Deceased (Perlindungan Pekerja Rentan Kukar)."
    )


def test_a_refusal_by_bpjs_gives_bpjs_reason(admin_user, submitted):
    transition(
        actor=admin_user,
        enrolment_id=submitted.pk,
        move=Move(
            S.ENDED, dt.date(2026, 5, 20), reason=EndReason.REFUSED_BY_BPJS, note="NIK ganda"
        ),
    )

    coverage = coverage_on(admin_user, submitted.worker_id, dt.date(2026, 6, 1))
    assert coverage.explanation == (
        "Ended on 20 May 2026: Refused by BPJS (NIK ganda) (Perlindungan Pekerja Rentan Kukar)."
    )


def test_a_date_before_the_enrolment_existed_is_not_enrolled(admin_user, active):
    coverage = coverage_on(admin_user, active.worker_id, dt.date(2025, 1, 1))
    assert coverage.state == "not_enrolled"


def test_coverage_of_a_worker_outside_the_area_is_not_found(loa_kulu_operator, active):
    with pytest.raises(NotFound):
        coverage_on(loa_kulu_operator, active.worker_id, COVERAGE_START)


def test_a_coverage_lookup_takes_two_queries(admin_user, active, django_assert_num_queries):
    with django_assert_num_queries(2):  # the worker (in the area), the enrolments
        coverage_on(admin_user, active.worker_id, COVERAGE_START)


def test_the_kpj_shows_only_its_last_four_digits():
    assert mask_kpj("26012345678") == "*******5678"
    assert mask_kpj("") == ""


def test_revealing_the_kpj_is_audited(tenggarong_operator, active):
    assert reveal_kpj(actor=tenggarong_operator, enrolment_id=active.pk) == "26012345678"

    event = AuditEvent.objects.get(action="enrolment.reveal")
    assert (event.actor_id, event.worker_id, event.context) == (
        tenggarong_operator.pk,
        active.worker_id,
        {"field": "kpj_number"},
    )


def test_a_leader_cannot_reveal_the_kpj(leader, active):
    with pytest.raises(PermissionDenied):
        reveal_kpj(actor=leader, enrolment_id=active.pk)
    assert not AuditEvent.objects.filter(action="enrolment.reveal").exists()
