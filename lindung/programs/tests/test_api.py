"""Funders and programmes over the REST API: the same rules as the pages."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.audit.models import AuditEvent
from lindung.programs.models import FundingSource, Program, RateVersion
from lindung.programs.services import set_funding_shares

pytestmark = pytest.mark.django_db

LOA_KULU = "64.02.02"
TENGGARONG = "64.02.06"


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _post(client, token, url, body):
    return client.post(url, body, content_type="application/json", **_auth(token))


def test_administrator_adds_a_funding_source_with_a_budget(client, admin_user, token_for):
    token = token_for(admin_user)
    response = _post(
        client,
        token,
        "/api/v1/funding-sources",
        {"name": "CSR Bank Kaltim", "kind": "csr", "membership_kind": "SC"},
    )
    assert response.status_code == 201, response.content
    source_id = response.json()["id"]

    budget = _post(
        client,
        token,
        f"/api/v1/funding-sources/{source_id}/budgets",
        {"fiscal_year": 2026, "amount": 500_000_000},
    )
    assert budget.json() == {"fiscal_year": 2026, "amount": 500_000_000, "note": ""}
    detail = client.get(f"/api/v1/funding-sources/{source_id}", **_auth(token)).json()
    assert detail["budgets"] == [budget.json()]
    assert AuditEvent.objects.filter(action="funding_source.budget").count() == 1


def test_a_funding_source_with_bad_values_is_refused_per_field(client, admin_user, token_for):
    response = _post(
        client,
        token_for(admin_user),
        "/api/v1/funding-sources",
        {"name": "APBDes", "kind": "village_budget", "village_code": "64.02.06"},
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["detail"]] == ["village_code"]
    assert not FundingSource.objects.exists()


def test_programme_detail_has_rates_shares_and_budget_position(
    client, admin_user, token_for, program, apbd
):
    body = client.get(
        f"/api/v1/programs/{program.pk}?fiscal_year=2026", **_auth(token_for(admin_user))
    ).json()

    assert body["reported_income"] == 1_000_000 and body["includes_jht"] is False
    [rate] = body["rates"]
    assert (rate["legal_reference"], rate["state"], rate["national"]) == (
        "PP 44/2015", "in_effect", True
    )  # fmt: skip
    assert body["shares"] == [
        {
            "area_code": None,
            "funding_source_id": apbd.pk,
            "funding_source": "APBD Kukar",
            "percent": "100.00",
        }
    ]
    [funder] = body["budget_position"]["funders"]
    assert (funder["budget"], funder["committed"], funder["remaining"]) == (
        10_000_000_000, 0, 10_000_000_000
    )  # fmt: skip


def test_a_rate_version_is_added_over_the_api(client, admin_user, token_for, program):
    response = _post(
        client,
        token_for(admin_user),
        f"/api/v1/programs/{program.pk}/rates",
        {
            "valid_from": "2030-01-01",
            "jkk_percent": "1.00",
            "jkm_amount": 6800,
            "discount_percent": "50",
            "payer_kinds": ["self_paid"],
            "legal_reference": "PP 50/2025 diskon 50%",
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["state"] == "upcoming"
    assert RateVersion.objects.get(program=program).discount_percent == 50


def test_shares_are_replaced_over_the_api(client, admin_user, token_for, program, apbd, csr):
    response = client.put(
        f"/api/v1/programs/{program.pk}/shares",
        {
            "area_code": "640202",
            "shares": [
                {"funding_source_id": apbd.pk, "percent": "50"},
                {"funding_source_id": csr.pk, "percent": "50"},
            ],
        },
        content_type="application/json",
        **_auth(token_for(admin_user)),
    )

    assert response.status_code == 200, response.content
    assert {(s["area_code"], s["percent"]) for s in response.json()} == {
        (None, "100.00"), (LOA_KULU, "50.00")
    }  # fmt: skip


def test_the_budget_check_answers_with_the_numbers(client, admin_user, token_for, program):
    token = token_for(admin_user)
    url = f"/api/v1/programs/{program.pk}/budget-check"

    fits = _post(
        client,
        token,
        url,
        {"fiscal_year": 2026, "additional_members_by_area": {"6402061001": 1200}, "start_month": 6},
    )
    too_many = _post(
        client,
        token,
        url,
        {
            "fiscal_year": 2026,
            "additional_members_by_area": {"6402061001": 90_000},
            "start_month": 6,
        },
    )

    assert fits.status_code == 200 and fits.json()["months"] == 7
    assert too_many.status_code == 400
    assert too_many.json()["detail"].startswith("Anggaran APBD Kukar 2026 tidak cukup: sisa")


def test_leader_reads_programmes_and_money_but_changes_nothing(
    client, leader, token_for, program, apbd
):
    token = token_for(leader)

    body = client.get(f"/api/v1/programs/{program.pk}", **_auth(token)).json()
    assert body["budget_position"] is not None
    assert client.get("/api/v1/funding-sources", **_auth(token)).status_code == 200
    response = _post(
        client,
        token,
        "/api/v1/programs",
        {"name": "X", "owning_office": "Y", "first_fiscal_year": 2026},
    )
    assert response.status_code == 403
    assert Program.objects.count() == 1


def test_district_operator_reads_the_programme_of_their_area_only(
    client, admin_user, tenggarong_operator, token_for, program, apbd, csr
):
    for district in (LOA_KULU, TENGGARONG):
        set_funding_shares(
            actor=admin_user,
            program_id=program.pk,
            area_code=district,
            shares={apbd.pk: Decimal(50), csr.pk: Decimal(50)},
        )
    token = token_for(tenggarong_operator)

    body = client.get(f"/api/v1/programs/{program.pk}", **_auth(token)).json()

    assert body["budget_position"] is None
    assert {share["area_code"] for share in body["shares"]} == {None, TENGGARONG}
    assert client.get("/api/v1/funding-sources", **_auth(token)).status_code == 403
    check = _post(
        client,
        token,
        f"/api/v1/programs/{program.pk}/budget-check",
        {"fiscal_year": 2026, "additional_members_by_area": {"64.02.06.1001": 1}},
    )
    assert check.status_code == 403


def test_auditor_gets_no_programme(client, auditor, token_for, program):
    token = token_for(auditor)

    assert client.get("/api/v1/programs", **_auth(token)).status_code == 403
    assert client.get(f"/api/v1/programs/{program.pk}", **_auth(token)).status_code == 403


def test_programme_detail_queries_a_fixed_number_of_times(
    client, admin_user, token_for, program, without_members
):
    token = token_for(admin_user)
    url = f"/api/v1/programs/{program.pk}?fiscal_year=2026"
    client.get(url, **_auth(token))

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **_auth(token)).status_code == 200

    # The token, the programme, its rates and shares for the answer, and for the budget
    # position its rates, shares, the other programmes of its funders and their budgets.
    assert len(queries) == 8
