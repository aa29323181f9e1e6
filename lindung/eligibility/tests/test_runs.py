"""Applying the rules: decisions stored for every worker, ranked by the priority, and cut by
the district quotas and the budget; audited."""

import datetime as dt

import pytest
from django.utils import timezone

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import DomainError, PermissionDenied
from lindung.eligibility.models import (
    CutReason,
    EligibilityDecision,
    EligibilityRun,
    RuleVersion,
)
from lindung.eligibility.reasons import Reason
from lindung.eligibility.selectors import cut_text
from lindung.eligibility.services import apply_eligibility
from lindung.eligibility.tests.conftest import ON
from lindung.programs.services import set_funding_budget
from lindung.registry.models import Sector

pytestmark = pytest.mark.django_db

TENGGARONG = "64.02.06"
LOA_KULU_VILLAGE = "64.02.02.2003"


def _decisions(run) -> dict[int, EligibilityDecision]:
    return {d.worker_id: d for d in EligibilityDecision.objects.filter(run=run)}


def _registered(days_ago: int) -> dict:
    return {"created_at": timezone.now() - dt.timedelta(days=days_ago)}


def test_applying_the_rules_stores_a_decision_for_every_worker_and_audits_the_run(
    admin_user, rules, make_worker
):
    eligible = make_worker()
    too_old = make_worker(birth_date=dt.date(1959, 1, 10))

    run = apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)

    decisions = _decisions(run)
    assert (decisions[eligible.pk].eligible, decisions[eligible.pk].reasons) == (True, 0)
    assert decisions[eligible.pk].within_cut is True
    assert decisions[eligible.pk].priority == 1
    assert (decisions[too_old.pk].eligible, decisions[too_old.pk].reasons) == (
        False, Reason.TOO_OLD
    )  # fmt: skip
    assert (decisions[too_old.pk].age, decisions[too_old.pk].priority) == (67, None)
    assert run.counts == {"workers": 2, "eligible": 1, "not_eligible": 1, "within_cut": 1}
    assert (run.rule_version_id, run.reference_date, run.umk) == (rules.pk, ON, 3_991_797)
    event = AuditEvent.objects.get(action="eligibility.run")
    assert (event.actor_id, event.object_id) == (admin_user.pk, str(rules.program_id))
    assert event.context["workers"] == 2 and event.context["eligible"] == 1


def test_running_the_same_version_again_replaces_its_decisions(admin_user, rules, make_worker):
    make_worker()
    first = apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)
    second = apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)

    assert not EligibilityDecision.objects.filter(run=first).exists()
    assert EligibilityDecision.objects.filter(run=second).count() == 1
    assert EligibilityRun.objects.count() == 2


def test_eligible_workers_are_ranked_by_decile_then_sector_risk_then_registration(
    admin_user, rules, make_worker
):
    fisheries = Sector.objects.get(code="perikanan")
    trader = Sector.objects.get(code="usaha-kecil")
    decile_2_farmer = make_worker(welfare_decile=2, **_registered(10))
    decile_1_late = make_worker(welfare_decile=1, **_registered(1))
    decile_2_fisher = make_worker(welfare_decile=2, sector=fisheries, **_registered(5))
    decile_2_trader_early = make_worker(welfare_decile=2, sector=trader, **_registered(30))
    decile_1_early = make_worker(welfare_decile=1, **_registered(20))

    run = apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)

    ranked = EligibilityDecision.objects.filter(run=run).order_by("priority")
    assert [d.worker_id for d in ranked] == [
        decile_1_early.pk,
        decile_1_late.pk,
        decile_2_fisher.pk,
        decile_2_farmer.pk,
        decile_2_trader_early.pk,
    ]


def test_a_district_quota_keeps_its_first_workers_and_marks_the_rest_outside(
    admin_user, rules, make_worker
):
    RuleVersion.objects.filter(pk=rules.pk).update(district_quotas={TENGGARONG: 1})
    first = make_worker(welfare_decile=1)
    second = make_worker(welfare_decile=2)
    elsewhere = make_worker(welfare_decile=3, village_id=LOA_KULU_VILLAGE, district_id="64.02.02")

    run = apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)

    decisions = _decisions(run)
    assert (decisions[first.pk].within_cut, decisions[first.pk].cut_reason) == (True, None)
    assert (decisions[second.pk].within_cut, decisions[second.pk].cut_reason) == (
        False, CutReason.QUOTA
    )  # fmt: skip
    assert decisions[second.pk].district_rank == 2
    assert cut_text(decisions[second.pk]) == "di luar kuota Kecamatan Tenggarong"
    assert decisions[elsewhere.pk].within_cut is True
    assert run.counts["within_cut"] == 2
    assert run.cut["outside_quota"] == 1


def test_the_budget_takes_candidates_in_priority_order_until_it_runs_out(
    admin_user, rules, apbd, make_worker
):
    # Rp16.800 a month from August to December: Rp84.000 a member; Rp200.000 pays for two.
    set_funding_budget(
        actor=admin_user, funding_source_id=apbd.pk, fiscal_year=2026, amount=200_000
    )
    workers = [make_worker(welfare_decile=decile) for decile in (3, 1, 2, 4)]

    run = apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)

    decisions = _decisions(run)
    inside = {pk for pk, d in decisions.items() if d.within_cut}
    assert inside == {workers[1].pk, workers[2].pk}
    assert {d.cut_reason for d in decisions.values() if not d.within_cut} == {CutReason.BUDGET}
    assert cut_text(decisions[workers[0].pk]) == "di luar anggaran"
    assert cut_text(decisions[workers[1].pk]) == "di dalam batas"
    assert run.cut["outside_budget"] == 2
    assert run.cut["budget"]["funders"] == [
        {"name": "APBD Kukar", "members_paid": 2, "left_after": 32_000}
    ]
    assert run.cut["budget"]["start_month"] == 8


def test_without_a_version_in_effect_nothing_is_run(admin_user, program, make_worker):
    make_worker()

    with pytest.raises(DomainError, match="belum memiliki aturan kelayakan"):
        apply_eligibility(actor=admin_user, program_id=program.pk, on=ON)

    assert not EligibilityRun.objects.exists()
    assert not AuditEvent.objects.filter(action="eligibility.run").exists()


@pytest.mark.parametrize("role", ["verifier", "tenggarong_operator", "leader", "auditor"])
def test_only_administrators_apply_the_rules(request, role, rules, make_worker):
    make_worker()

    with pytest.raises(PermissionDenied):
        apply_eligibility(actor=request.getfixturevalue(role), program_id=rules.program_id, on=ON)

    assert not EligibilityRun.objects.exists()


def test_with_a_district_of_its_own_funders_each_share_rule_is_cut_where_its_money_ends(
    admin_user, rules, apbd, make_worker
):
    from decimal import Decimal

    from lindung.programs.inputs import FundingSourceInput
    from lindung.programs.services import save_funding_source, set_funding_shares

    # Tenggarong's members are paid half by a company: Rp42.000 each to December for
    # either funder; elsewhere the regency pays Rp84.000.
    csr = save_funding_source(
        actor=admin_user, data=FundingSourceInput(name="CSR Mahakam", kind="csr")
    )
    set_funding_budget(actor=admin_user, funding_source_id=csr.pk, fiscal_year=2026, amount=42_000)
    set_funding_budget(
        actor=admin_user, funding_source_id=apbd.pk, fiscal_year=2026, amount=200_000
    )
    set_funding_shares(
        actor=admin_user, program_id=rules.program_id, area_code=TENGGARONG,
        shares={apbd.pk: Decimal(50), csr.pk: Decimal(50)},
    )  # fmt: skip
    tenggarong_1 = make_worker(welfare_decile=1)
    tenggarong_2 = make_worker(welfare_decile=2)
    loa_kulu_3 = make_worker(welfare_decile=3, village_id=LOA_KULU_VILLAGE, district_id="64.02.02")
    loa_kulu_4 = make_worker(welfare_decile=4, village_id=LOA_KULU_VILLAGE, district_id="64.02.02")

    run = apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)

    decisions = _decisions(run)
    assert {pk for pk, d in decisions.items() if d.within_cut} == {tenggarong_1.pk, loa_kulu_3.pk}
    assert decisions[tenggarong_2.pk].cut_reason == CutReason.BUDGET
    assert decisions[loa_kulu_4.pk].cut_reason == CutReason.BUDGET
    assert run.cut["budget"]["funders"] == [
        {"name": "APBD Kukar", "members_paid": 2, "left_after": 200_000 - 42_000 - 84_000},
        {"name": "CSR Mahakam", "members_paid": 1, "left_after": 0},
    ]


def test_workers_already_enrolled_stay_inside_without_using_the_budget_again(
    admin_user, rules, apbd, make_worker
):
    from lindung.enrolment.models import Enrolment

    set_funding_budget(
        actor=admin_user, funding_source_id=apbd.pk, fiscal_year=2026, amount=168_000
    )
    enrolled = make_worker(welfare_decile=2)
    now = timezone.now()
    Enrolment.objects.create(
        worker=enrolled, program_id=rules.program_id, status="submitted", submitted_on=ON,
        candidate_since=ON, created_at=now, updated_at=now,
    )  # fmt: skip
    first = make_worker(welfare_decile=1)
    third = make_worker(welfare_decile=3)

    run = apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)

    decisions = _decisions(run)
    assert {pk for pk, d in decisions.items() if d.within_cut} == {first.pk, enrolled.pk}
    assert decisions[third.pk].cut_reason == CutReason.BUDGET
    assert run.cut["budget"]["funders"][0]["members_paid"] == 1


def test_a_mere_candidate_takes_its_place_in_the_cut_like_anyone(
    admin_user, rules, apbd, make_worker
):
    from lindung.enrolment.models import Enrolment

    set_funding_budget(actor=admin_user, funding_source_id=apbd.pk, fiscal_year=2026, amount=84_000)
    first = make_worker(welfare_decile=1)
    candidate = make_worker(welfare_decile=2)
    now = timezone.now()
    Enrolment.objects.create(
        worker=candidate, program_id=rules.program_id, status="candidate",
        candidate_since=ON, created_at=now, updated_at=now,
    )  # fmt: skip

    run = apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)

    decisions = _decisions(run)
    assert decisions[first.pk].within_cut is True
    assert decisions[candidate.pk].cut_reason == CutReason.BUDGET


def test_under_an_area_share_rule_enrolled_members_stay_inside_when_its_money_ends(
    admin_user, rules, apbd, make_worker
):
    from decimal import Decimal

    from lindung.enrolment.models import Enrolment
    from lindung.programs.inputs import FundingSourceInput
    from lindung.programs.services import save_funding_source, set_funding_shares

    csr = save_funding_source(
        actor=admin_user, data=FundingSourceInput(name="CSR Mahakam", kind="csr")
    )
    set_funding_budget(actor=admin_user, funding_source_id=csr.pk, fiscal_year=2026, amount=0)
    set_funding_shares(
        actor=admin_user, program_id=rules.program_id, area_code=TENGGARONG,
        shares={apbd.pk: Decimal(50), csr.pk: Decimal(50)},
    )  # fmt: skip
    newcomer = make_worker(welfare_decile=1)
    member = make_worker(welfare_decile=2)
    now = timezone.now()
    Enrolment.objects.create(
        worker=member, program_id=rules.program_id, status="submitted", submitted_on=ON,
        candidate_since=ON, created_at=now, updated_at=now,
    )  # fmt: skip

    run = apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)

    decisions = _decisions(run)
    assert decisions[newcomer.pk].cut_reason == CutReason.BUDGET
    assert (decisions[member.pk].within_cut, decisions[member.pk].cut_reason) == (True, None)
