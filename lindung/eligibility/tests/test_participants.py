"""Not already an active BPJS participant elsewhere, from BPJS's participant lists."""

import datetime as dt

import pytest
from django.utils import timezone

from lindung.eligibility.evaluation import criteria_for, evaluated_workers
from lindung.eligibility.models import RuleVersion
from lindung.eligibility.reasons import Reason
from lindung.eligibility.tests.conftest import ON
from lindung.enrolment.models import BpjsFileImport, BpjsParticipant

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant_list(regions):
    source = BpjsFileImport.objects.create(
        kind="participants", file_name="peserta.xlsx", checksum="0" * 64,
        created_at=timezone.now(),
    )  # fmt: skip

    def listed(worker, *, segment, kind="", active=True, as_of=dt.date(2026, 6, 1)):
        payer = "employer" if segment == "PU" else "government"
        BpjsParticipant.objects.create(
            nik=worker.nik, worker=worker, segment=segment, membership_kind=kind,
            payer=payer, is_active=active, as_of=as_of, source=source,
        )  # fmt: skip

    return listed


def _reasons(version, worker) -> int:
    rows = {row["w"]: row["r"] for row in evaluated_workers(criteria_for(version, ON))}
    return rows[worker.pk]


def test_an_active_wage_earner_is_covered_elsewhere(rules, make_worker, participant_list):
    worker = make_worker()
    participant_list(worker, segment="PU")

    assert _reasons(rules, worker) == Reason.ACTIVE_ELSEWHERE


def test_a_member_of_this_programmes_own_membership_kind_is_not_elsewhere(
    rules, make_worker, participant_list
):
    worker = make_worker()
    participant_list(worker, segment="BPU", kind="SG")

    assert _reasons(rules, worker) == 0


def test_a_village_funded_membership_is_elsewhere(rules, make_worker, participant_list):
    worker = make_worker()
    participant_list(worker, segment="BPU", kind="SA")

    assert _reasons(rules, worker) == Reason.ACTIVE_ELSEWHERE


def test_a_membership_whose_latest_list_says_inactive_no_longer_counts(
    rules, make_worker, participant_list
):
    worker = make_worker()
    participant_list(worker, segment="PU", as_of=dt.date(2026, 3, 1))
    participant_list(worker, segment="PU", active=False, as_of=dt.date(2026, 6, 1))

    assert _reasons(rules, worker) == 0


def test_the_condition_can_be_switched_off(rules, make_worker, participant_list):
    worker = make_worker()
    participant_list(worker, segment="PU")
    RuleVersion.objects.filter(pk=rules.pk).update(exclude_active_elsewhere=False)
    rules.refresh_from_db()

    assert _reasons(rules, worker) == 0
