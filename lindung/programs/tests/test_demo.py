"""Kukar's programme on a demonstration instance: funder, budget, programme, shares and the
first eligibility rules, all written through the services."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from lindung.audit.models import AuditEvent
from lindung.eligibility.models import EligibilityDecision, RuleVersion
from lindung.programs.demo import seed_demo_programme
from lindung.programs.models import FunderKind, FundingShare, FundingSource, Program

TODAY = dt.date(2026, 3, 2)  # a year whose UMK the migrations carry


@pytest.fixture
def demo_registry(admin_user):
    call_command("seed_demo", workers=300, seed=1, stdout=io.StringIO())


def test_the_regency_budget_pays_the_whole_programme_for_35_000_members(admin_user):
    demo = seed_demo_programme(actor=admin_user, today=TODAY)

    source = FundingSource.objects.get()
    assert (source.name, source.kind, source.membership_kind) == (
        "APBD Kabupaten Kutai Kartanegara",
        FunderKind.REGENCY_BUDGET,
        "SG",
    )
    assert source.agreement_reference.startswith("PKS ")
    assert demo.budget.fiscal_year == 2026
    assert demo.budget.amount == 35_000 * 16_800 * 12 == 7_056_000_000
    program = Program.objects.get()
    assert (program.name, program.owning_office) == (
        "Perlindungan Pekerja Rentan Kukar",
        "Dinas Tenaga Kerja dan Transmigrasi Kabupaten Kutai Kartanegara",
    )
    assert (program.includes_jht, program.reported_income, program.first_fiscal_year) == (
        False,
        1_000_000,
        2026,
    )
    share = FundingShare.objects.get()
    assert (share.program, share.funding_source, share.area, share.percent) == (
        program,
        source,
        None,
        Decimal("100.00"),
    )


def test_every_step_is_audited_as_the_administrator(admin_user):
    seed_demo_programme(actor=admin_user, today=TODAY)

    actions = list(
        AuditEvent.objects.filter(actor=admin_user)
        .exclude(action__startswith="user.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "funding_source.create",
        "funding_source.budget",
        "program.create",
        "program.shares",
        "eligibility_rules.create",
        "eligibility_rules.adopt",
        "eligibility.run",
    ]


def test_the_default_rules_are_in_effect_from_today_and_applied_to_the_registry(
    demo_registry, admin_user
):
    demo = seed_demo_programme(actor=admin_user, today=TODAY)

    version = RuleVersion.objects.get()
    assert (version.status, version.effective_from, version.number) == (
        RuleVersion.Status.ADOPTED,
        TODAY,
        1,
    )
    assert (version.min_age, version.max_age, version.income_limit) == (18, 65, "umk")
    assert demo.run.rule_version == version
    decisions = EligibilityDecision.objects.filter(run=demo.run)
    assert decisions.count() == demo.run.counts["workers"] > 0
    assert 0 < demo.run.counts["eligible"] == decisions.filter(eligible=True).count()


def test_without_the_years_umk_the_rules_stand_adopted_but_are_not_run(admin_user):
    demo = seed_demo_programme(actor=admin_user, today=dt.date(2031, 1, 5))

    assert demo.run is None
    assert RuleVersion.objects.get().status == RuleVersion.Status.ADOPTED
    assert demo.budget.fiscal_year == 2031


def test_a_second_call_finds_the_programme_and_writes_nothing(admin_user):
    first = seed_demo_programme(actor=admin_user, today=TODAY)
    events = AuditEvent.objects.count()

    second = seed_demo_programme(actor=admin_user, today=TODAY)

    assert (second.created, second.program, second.budget, second.run) == (
        False,
        first.program,
        first.budget,
        first.run,
    )
    assert Program.objects.count() == FundingSource.objects.count() == 1
    assert AuditEvent.objects.count() == events
