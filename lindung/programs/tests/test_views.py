from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.programs.models import FundingBudget, FundingShare, Program, RateVersion
from lindung.programs.services import create_program, set_funding_shares
from lindung.programs.tests.test_services import program_input

pytestmark = pytest.mark.django_db

LOA_KULU = "64.02.02"
TENGGARONG = "64.02.06"


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def district_rules(admin_user, program, apbd, csr):
    for district in (LOA_KULU, TENGGARONG):
        set_funding_shares(
            actor=admin_user,
            program_id=program.pk,
            area_code=district,
            shares={apbd.pk: Decimal(50), csr.pk: Decimal(50)},
        )
    return program


def test_programme_page_shows_package_rates_shares_and_budget(signed_in, admin_user, program):
    response = signed_in(admin_user).get(
        reverse("programs:program_detail", args=[program.pk]) + "?year=2026"
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Rp1.000.000" in page and "Rp6.800" in page and "1 Juli 2015" in page
    assert "<strong>Rp16.800</strong>" in page
    assert "PP 44/2015" in page
    assert 'data-funder="apbd-kukar"' in page and "Rp10.000.000.000" in page


def test_the_year_selector_swaps_only_the_budget_position(signed_in, leader, program):
    response = signed_in(leader).get(
        reverse("programs:program_detail", args=[program.pk]) + "?year=2026",
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert 'id="budget-table"' in page and "<html" not in page


def test_leader_sees_programme_and_budget_but_no_forms(signed_in, leader, program):
    client = signed_in(leader)
    page = client.get(reverse("programs:program_detail", args=[program.pk])).content.decode()

    assert 'id="budget-position"' in page
    assert reverse("programs:rate_add", args=[program.pk]) not in page
    assert client.get(reverse("programs:rate_add", args=[program.pk])).status_code == 403
    assert client.get(reverse("programs:funding_source_list")).status_code == 200


def test_district_operator_sees_the_programme_without_money_or_other_districts(
    signed_in, tenggarong_operator, district_rules
):
    client = signed_in(tenggarong_operator)
    page = client.get(reverse("programs:program_detail", args=[district_rules.pk])).content.decode()

    assert "Perlindungan Pekerja Rentan Kukar" in page
    assert 'id="budget-position"' not in page and "Rp10.000.000.000" not in page
    assert "Tenggarong" in page and "Loa Kulu" not in page
    assert client.get(reverse("programs:funding_source_list")).status_code == 403


def test_auditor_sees_no_programme(signed_in, auditor, program):
    client = signed_in(auditor)

    assert client.get(reverse("programs:program_list")).status_code == 403
    assert client.get(reverse("programs:program_detail", args=[program.pk])).status_code == 403


def test_administrator_creates_a_programme_from_the_form(signed_in, admin_user):
    response = signed_in(admin_user).post(
        reverse("programs:program_create"),
        {
            "name": "Nelayan Terlindungi",
            "owning_office": "Dinas Sosial",
            "first_fiscal_year": "2027",
            "reported_income": "1000000",
            "is_active": "on",
        },
    )

    program = Program.objects.get(name="Nelayan Terlindungi")
    assert response.status_code == 302
    assert response.url == reverse("programs:program_detail", args=[program.pk])
    assert AuditEvent.objects.filter(action="program.create", object_id=str(program.pk)).exists()


def test_a_rate_version_is_added_from_the_form(signed_in, admin_user, program):
    response = signed_in(admin_user).post(
        reverse("programs:rate_add", args=[program.pk]),
        {
            "valid_from": "2030-01-01",
            "jkk_percent": "0.5",
            "jkm_amount": "3400",
            "jht_percent": "2",
            "discount_percent": "0",
            "payer_kinds": ["self_paid"],
            "legal_reference": "PP 50/2025 diskon 50%",
        },
    )

    assert response.status_code == 302
    version = RateVersion.objects.get(program=program)
    assert (version.jkm_amount, version.payer_kinds) == (3_400, ["self_paid"])


def test_shares_that_do_not_sum_to_100_are_shown_back(signed_in, admin_user, program, apbd, csr):
    response = signed_in(admin_user).post(
        reverse("programs:shares_edit", args=[program.pk]),
        {"area": LOA_KULU, f"funder_{apbd.pk}": "50", f"funder_{csr.pk}": "40"},
    )

    assert response.status_code == 200
    assert "Jumlah bagian harus 100%, sekarang 90%" in response.content.decode()
    assert not FundingShare.objects.filter(area_id=LOA_KULU).exists()


def test_a_budget_is_set_on_the_funders_page(signed_in, admin_user, csr):
    response = signed_in(admin_user).post(
        reverse("programs:funding_source_detail", args=[csr.pk]),
        {"fiscal_year": "2027", "amount": "250000000", "note": ""},
    )

    assert response.status_code == 302
    assert FundingBudget.objects.get(funding_source=csr, fiscal_year=2027).amount == 250_000_000


def test_leader_cannot_set_a_budget(signed_in, leader, csr):
    response = signed_in(leader).post(
        reverse("programs:funding_source_detail", args=[csr.pk]),
        {"fiscal_year": "2027", "amount": "1"},
    )

    assert response.status_code == 403
    assert not FundingBudget.objects.filter(funding_source=csr, fiscal_year=2027).exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_programme_pages_query_a_fixed_number_of_times(
    signed_in, admin_user, district_rules, without_members
):
    client = signed_in(admin_user)
    list_url = reverse("programs:program_list")
    detail_url = reverse("programs:program_detail", args=[district_rules.pk]) + "?year=2026"
    funders_url = reverse("programs:funding_source_list")
    before = [_queries(client, url) for url in (list_url, detail_url, funders_url)]

    for n in range(3):
        other = create_program(
            actor=admin_user, data=program_input(name=f"Program {n}", first_fiscal_year=2026)
        )
        set_funding_shares(
            actor=admin_user,
            program_id=other.pk,
            area_code=None,
            shares={district_rules.shares.first().funding_source_id: Decimal(100)},
        )

    list_after, detail_after, funders_after = (
        _queries(client, url) for url in (list_url, detail_url, funders_url)
    )
    assert list_after == before[0] <= 8
    assert funders_after == before[2] <= 6
    # The budget position counts every other programme its funders pay into, all at once.
    assert detail_after == before[1] + 2 <= 14


def test_every_form_page_opens_for_an_administrator(signed_in, admin_user, program, apbd):
    client = signed_in(admin_user)
    urls = [
        reverse("programs:program_create"),
        reverse("programs:program_edit", args=[program.pk]),
        reverse("programs:rate_add", args=[program.pk]),
        reverse("programs:shares_edit", args=[program.pk]) + f"?area={LOA_KULU}",
        reverse("programs:funding_source_create"),
        reverse("programs:funding_source_edit", args=[apbd.pk]),
        reverse("programs:funding_source_detail", args=[apbd.pk]),
    ]

    for url in urls:
        assert client.get(url).status_code == 200, url


def test_choosing_an_area_swaps_the_share_fields_with_its_rule(
    signed_in, admin_user, district_rules, csr
):
    response = signed_in(admin_user).get(
        reverse("programs:shares_edit", args=[district_rules.pk]) + f"?area={LOA_KULU}",
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert "<html" not in page
    assert f'name="funder_{csr.pk}" value="50.00"' in page


def test_an_edit_saved_by_someone_else_in_between_is_shown_back(signed_in, admin_user, program):
    data = {
        "name": "Nama Baru",
        "owning_office": "Dinas Sosial",
        "first_fiscal_year": "2025",
        "reported_income": "1000000",
        "version": "0",
    }

    response = signed_in(admin_user).post(reverse("programs:program_edit", args=[program.pk]), data)

    assert 'id="concurrent-edit"' in response.content.decode()
    program.refresh_from_db()
    assert program.name == "Perlindungan Pekerja Rentan Kukar"


def test_village_operator_sees_programmes_read_only(signed_in, village_operator, program):
    client = signed_in(village_operator)

    assert client.get(reverse("programs:program_list")).status_code == 200
    assert client.get(reverse("programs:program_create")).status_code == 403
    response = client.post(
        reverse("programs:program_edit", args=[program.pk]), {"name": "X", "version": "1"}
    )
    assert response.status_code == 403
    program.refresh_from_db()
    assert program.name == "Perlindungan Pekerja Rentan Kukar"
