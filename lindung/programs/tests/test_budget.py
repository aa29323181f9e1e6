import datetime as dt
from decimal import Decimal

import pytest

from lindung.core.exceptions import DomainError
from lindung.programs.budget import (
    Headcount,
    budget_position,
    check_budget,
    current_member_source,
    rule_for_area,
    share_rules,
    use_member_source,
)
from lindung.programs.inputs import FundingSourceInput, ProgramInput
from lindung.programs.models import FunderKind
from lindung.programs.services import (
    create_program,
    save_funding_source,
    set_funding_budget,
    set_funding_shares,
)

pytestmark = pytest.mark.django_db

TENGGARONG_VILLAGE = "64.02.06.1001"
LOA_KULU = "64.02.02"
LOA_KULU_VILLAGE = "64.02.02.2003"
LOA_KULU_OTHER_VILLAGE = "64.02.02.2001"


class Members:
    """A member source with fixed headcounts per programme, as the enrolment module's will
    count them."""

    def __init__(self, by_program: dict[int, list[Headcount]]) -> None:
        self.by_program = by_program

    def headcounts(self, program, fiscal_year):
        return self.by_program.get(program.pk, []) if fiscal_year == 2026 else []


def whole_year(area: str, members: int, *, proposed: bool = False) -> list[Headcount]:
    return [Headcount(area, month, members, proposed) for month in range(1, 13)]


@pytest.fixture
def loa_kulu_shared(admin_user, program, apbd, csr):
    """Loa Kulu's members are paid half by the regency, half by a company."""
    set_funding_shares(
        actor=admin_user,
        program_id=program.pk,
        area_code=LOA_KULU,
        shares={apbd.pk: Decimal(50), csr.pk: Decimal(50)},
    )
    return program


def test_without_enrolments_nothing_is_committed(program, apbd):
    position = budget_position(program, 2026)

    [funder] = position.funders
    assert funder.funding_source == apbd
    assert (funder.budget, funder.committed, funder.forecast, funder.remaining) == (
        10_000_000_000, 0, 0, 10_000_000_000
    )  # fmt: skip


def test_committed_and_forecast_are_members_times_share_times_months(program, apbd):
    members = Members(
        {
            program.pk: whole_year(TENGGARONG_VILLAGE, 35_000)
            + [Headcount(TENGGARONG_VILLAGE, m, 1_000, proposed=True) for m in range(7, 13)]
        }
    )

    [funder] = budget_position(program, 2026, members=members).funders

    assert funder.committed == 35_000 * 16_800 * 12 == 7_056_000_000
    assert funder.forecast == 1_000 * 16_800 * 6
    assert funder.remaining == 10_000_000_000 - 7_056_000_000 - 100_800_000
    assert (funder.committed_percent, funder.forecast_percent) == (71, 1)


def test_enrolling_within_the_budget_is_allowed_and_priced(program, apbd):
    members = Members({program.pk: whole_year(TENGGARONG_VILLAGE, 35_000)})

    check = check_budget(program, 2026, {TENGGARONG_VILLAGE: 1_200}, start_month=6, members=members)

    assert check.additional == {apbd.pk: 1_200 * 16_800 * 7}
    assert check.months == 7


def test_enrolling_past_the_budget_is_refused_with_the_numbers(program, apbd):
    members = Members({program.pk: whole_year(TENGGARONG_VILLAGE, 35_000)})

    with pytest.raises(DomainError) as error:
        check_budget(program, 2026, {TENGGARONG_VILLAGE: 30_000}, start_month=6, members=members)

    assert error.value.message == (
        "Anggaran APBD Kukar 2026 tidak cukup: sisa Rp2.944.000.000, dibutuhkan "
        "Rp3.528.000.000 untuk 30.000 pekerja × 7 bulan."
    )


def test_only_the_funder_that_runs_short_is_named(loa_kulu_shared, csr):
    # CSR has Rp100.000.000; half of 2.000 members' Rp16.800 for 7 months is Rp117.600.000.
    with pytest.raises(DomainError) as error:
        check_budget(loa_kulu_shared, 2026, {LOA_KULU_VILLAGE: 2_000}, start_month=6)

    assert error.value.message == (
        "Anggaran CSR PT Tambang Mahakam 2026 tidak cukup: sisa Rp100.000.000, dibutuhkan "
        "Rp117.600.000 untuk 2.000 pekerja × 7 bulan."
    )
    check = check_budget(loa_kulu_shared, 2026, {LOA_KULU_VILLAGE: 1_000}, start_month=6)
    assert check.additional[csr.pk] == 1_000 * 8_400 * 7


def test_a_funder_without_a_budget_for_the_year_cannot_take_members(program):
    with pytest.raises(DomainError, match="Anggaran APBD Kukar 2027 tidak cukup: sisa Rp0"):
        check_budget(program, 2027, {TENGGARONG_VILLAGE: 1}, start_month=1)


def test_coverage_starts_the_month_after_today_by_default(program, apbd):
    check = check_budget(program, 2026, {TENGGARONG_VILLAGE: 10}, today=dt.date(2026, 5, 20))

    assert (check.start_month, check.months) == (6, 7)
    assert check.additional[apbd.pk] == 10 * 16_800 * 7


def test_a_fiscal_year_with_no_months_left_is_refused(program):
    with pytest.raises(DomainError, match="tidak menyisakan bulan"):
        check_budget(program, 2026, {TENGGARONG_VILLAGE: 10}, today=dt.date(2026, 12, 3))


def test_a_rate_change_in_the_year_prices_each_month_by_its_own_rate(program, apbd, add_rate):
    add_rate(program, valid_from=dt.date(2026, 12, 1), jkm_amount=7_800)

    check = check_budget(program, 2026, {TENGGARONG_VILLAGE: 100}, start_month=11)

    assert check.additional[apbd.pk] == 100 * 16_800 + 100 * 17_800


def test_the_most_specific_share_rule_wins(admin_user, loa_kulu_shared, apbd, csr):
    village_fund = save_funding_source(
        actor=admin_user,
        data=FundingSourceInput(
            name="APBDes Jembayan", kind=FunderKind.VILLAGE_BUDGET, village=LOA_KULU_VILLAGE
        ),
    )
    set_funding_shares(
        actor=admin_user,
        program_id=loa_kulu_shared.pk,
        area_code=LOA_KULU_VILLAGE,
        shares={village_fund.pk: Decimal(100)},
    )
    rules = share_rules(loa_kulu_shared)

    def funders(area):
        return {(s.funding_source.name, s.percent) for s in rule_for_area(rules, area).shares}

    assert funders(LOA_KULU_VILLAGE) == {("APBDes Jembayan", 100)}
    assert funders(LOA_KULU_OTHER_VILLAGE) == {("APBD Kukar", 50), ("CSR PT Tambang Mahakam", 50)}
    assert funders(LOA_KULU) == funders(LOA_KULU_OTHER_VILLAGE)
    assert funders(TENGGARONG_VILLAGE) == {("APBD Kukar", 100)}


def test_a_funders_budget_counts_every_programme_it_pays_into(admin_user, program, apbd):
    second = create_program(
        actor=admin_user,
        data=ProgramInput(
            name="Nelayan Terlindungi", owning_office="Dinas Sosial", first_fiscal_year=2026
        ),
    )
    set_funding_shares(
        actor=admin_user, program_id=second.pk, area_code=None, shares={apbd.pk: Decimal(100)}
    )
    members = Members(
        {
            program.pk: whole_year(TENGGARONG_VILLAGE, 100),
            second.pk: whole_year(LOA_KULU_VILLAGE, 50),
        }
    )

    funder = budget_position(program, 2026, members=members).for_funder(apbd.pk)

    assert funder.committed_here == 100 * 16_800 * 12
    assert funder.committed == 150 * 16_800 * 12


def test_a_registered_member_source_is_used_by_default(program, apbd):
    previous = current_member_source()
    use_member_source(Members({program.pk: whole_year(TENGGARONG_VILLAGE, 10)}))
    try:
        assert budget_position(program, 2026).funders[0].committed == 10 * 16_800 * 12
    finally:
        use_member_source(previous)


def test_a_self_paid_funder_has_no_budget_to_guard(admin_user, program):
    mandiri = save_funding_source(
        actor=admin_user, data=FundingSourceInput(name="Mandiri", kind=FunderKind.SELF_PAID)
    )
    set_funding_shares(
        actor=admin_user, program_id=program.pk, area_code=LOA_KULU, shares={mandiri.pk: 100}
    )
    set_funding_budget(actor=admin_user, funding_source_id=mandiri.pk, fiscal_year=2026, amount=0)

    check = check_budget(program, 2026, {LOA_KULU_VILLAGE: 10}, start_month=1)

    assert check.additional == {mandiri.pk: 10 * 16_800 * 12}


def test_members_of_an_unknown_area_are_refused(program):
    with pytest.raises(DomainError) as error:
        check_budget(program, 2026, {"64.71.01": 5, TENGGARONG_VILLAGE: 5}, start_month=1)

    assert error.value.message == "Wilayah tidak dikenal di kabupaten ini: 64.71.01."
