"""The reads behind the funders' and programmes' pages, and the area each one keeps to."""

from decimal import Decimal

import pytest

from lindung.core.exceptions import PermissionDenied
from lindung.programs.inputs import FundingSourceInput, ProgramInput
from lindung.programs.models import FunderKind
from lindung.programs.selectors import (
    active_funding_sources_for_user,
    active_programs,
    share_rule_for_user,
    shares_paid_by,
)
from lindung.programs.services import create_program, save_funding_source, set_funding_shares

pytestmark = pytest.mark.django_db

LOA_KULU = "64.02.02"
TENGGARONG = "64.02.06"
JAHAB = "64.02.06.1001"


@pytest.fixture
def area_rules(admin_user, program, apbd, csr):
    """The default rule (APBD alone), and a rule each for Loa Kulu, Tenggarong and Jahab."""
    for area, csr_percent in ((LOA_KULU, 40), (TENGGARONG, 30), (JAHAB, 20)):
        set_funding_shares(
            actor=admin_user,
            program_id=program.pk,
            area_code=area,
            shares={apbd.pk: Decimal(100 - csr_percent), csr.pk: Decimal(csr_percent)},
        )
    return program


def _percents(shares) -> dict[str, Decimal]:
    return {share.funding_source.code: share.percent for share in shares}


def test_an_area_rule_is_read_by_a_regency_wide_user(admin_user, area_rules):
    rule = share_rule_for_user(admin_user, area_rules, LOA_KULU)
    assert _percents(rule) == {"apbd-kukar": Decimal(60), "csr-pt-tambang-mahakam": Decimal(40)}
    assert _percents(share_rule_for_user(admin_user, area_rules, None)) == {
        "apbd-kukar": Decimal(100)
    }


def test_a_district_operator_reads_the_rules_of_their_district_but_not_of_another(
    tenggarong_operator, area_rules
):
    assert share_rule_for_user(tenggarong_operator, area_rules, LOA_KULU) == []
    assert len(share_rule_for_user(tenggarong_operator, area_rules, TENGGARONG)) == 2
    assert len(share_rule_for_user(tenggarong_operator, area_rules, JAHAB)) == 2
    assert len(share_rule_for_user(tenggarong_operator, area_rules, None)) == 1


def test_a_village_operator_reads_their_village_and_district_rules_only(
    village_operator, area_rules
):
    assert len(share_rule_for_user(village_operator, area_rules, JAHAB)) == 2
    assert len(share_rule_for_user(village_operator, area_rules, TENGGARONG)) == 2
    assert share_rule_for_user(village_operator, area_rules, LOA_KULU) == []


def test_a_funders_shares_name_every_programme_and_area_it_pays_into(admin_user, csr, area_rules):
    paid = {(share.program.name, share.area_id, share.percent) for share in shares_paid_by(csr)}
    assert paid == {
        ("Perlindungan Pekerja Rentan Kukar", LOA_KULU, Decimal(40)),
        ("Perlindungan Pekerja Rentan Kukar", TENGGARONG, Decimal(30)),
        ("Perlindungan Pekerja Rentan Kukar", JAHAB, Decimal(20)),
    }


def test_only_active_funders_may_be_given_a_share_and_only_money_roles_list_them(
    admin_user, tenggarong_operator, apbd, csr
):
    save_funding_source(
        actor=admin_user,
        data=FundingSourceInput(name="Zakat Lama", kind=FunderKind.ZAKAT, is_active=False),
    )

    assert [s.name for s in active_funding_sources_for_user(admin_user)] == [
        "APBD Kukar",
        "CSR PT Tambang Mahakam",
    ]
    with pytest.raises(PermissionDenied):
        active_funding_sources_for_user(tenggarong_operator)


def test_forms_offer_the_active_programmes_by_name(admin_user, program):
    for name, active in (("Program Nelayan", True), ("Program Lama", False)):
        create_program(
            actor=admin_user,
            data=ProgramInput(
                name=name, owning_office="Disnakertrans", first_fiscal_year=2026, is_active=active
            ),
        )

    assert [p.name for p in active_programs()] == [
        "Perlindungan Pekerja Rentan Kukar",
        "Program Nelayan",
    ]
