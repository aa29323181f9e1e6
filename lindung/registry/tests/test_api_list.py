"""`GET /workers`: the user's area only, masked numbers unless revealed, filters and pages."""

import datetime as dt

import pytest

from conftest import (
    LOA_KULU,
    TENGGARONG,
    TENGGARONG_OTHER_VILLAGE,
    TENGGARONG_VILLAGE,
    worker_input,
)
from lindung.audit.models import AuditEvent
from lindung.registry.services import register_worker
from lindung.registry.tests.api_client import TENGGARONG_NIK, ApiClient, field_names

pytestmark = pytest.mark.django_db


def test_operator_lists_workers_of_their_district_with_masked_identity(
    api_as, tenggarong_operator, tenggarong_worker, loa_kulu_worker
):
    response = api_as(tenggarong_operator).get("/workers")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (1, 1, 25)
    [row] = body["results"]
    assert row == {
        "id": tenggarong_worker.pk, "nik": "6402********0003", "kk_number": "",
        "full_name": "Siti Aminah", "birth_place": "Tenggarong", "birth_date": "1985-03-02",
        "sex": "F", "phone": "+62812****7890", "address": "Jl. Pesut No. 4", "rt": "004",
        "rw": "002", "village_code": TENGGARONG_VILLAGE, "village_name": "Jahab",
        "district_code": TENGGARONG, "district_name": "Tenggarong", "occupation": "Petani",
        "sector": "pertanian", "monthly_income": 1_500_000, "welfare_decile": 3,
        "source_ref": "TGR-0001", "legal_basis": "public_task", "status": "registered",
        "inactive_reason": "", "needs_verification": False, "version": 1,
        "created_at": row["created_at"], "updated_at": row["updated_at"],
    }  # fmt: skip
    assert row["created_at"] == tenggarong_worker.created_at.isoformat(
        timespec="milliseconds"
    ).replace("+00:00", "Z")
    assert not AuditEvent.objects.filter(action="worker.reveal").exists()


def test_list_filters_by_text_district_village_sector_and_status(
    api_as, admin_user, tenggarong_worker, loa_kulu_worker
):
    other = register_worker(
        actor=admin_user,
        data=worker_input(
            nik="6402060101800001",
            full_name="Hasan Basri",
            birth_date=dt.date(1980, 1, 1),
            sex="M",
            village=TENGGARONG_OTHER_VILLAGE,
            sector="perikanan",
            source_ref="TGR-0002",
            heirs=[],
        ),
    )
    api = api_as(admin_user)

    def ids(**params):
        response = api.get("/workers", **params)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [other.pk, loa_kulu_worker.pk, tenggarong_worker.pk]
    assert ids(q="siti") == [tenggarong_worker.pk]
    assert ids(q=TENGGARONG_NIK) == [tenggarong_worker.pk]
    assert ids(district="640206") == [other.pk, tenggarong_worker.pk]
    assert ids(district=LOA_KULU) == [loa_kulu_worker.pk]
    assert ids(village=TENGGARONG_OTHER_VILLAGE) == [other.pk]
    assert ids(sector="perikanan") == [other.pk]
    assert ids(status="verified") == []


def test_list_pages_through_the_results(api_as, admin_user, tenggarong_worker, loa_kulu_worker):
    api = api_as(admin_user)
    first = api.get("/workers", page_size=1).json()
    second = api.get("/workers", page_size=1, page=2).json()
    beyond = api.get("/workers", page_size=1, page=3).json()
    assert (first["count"], [r["id"] for r in first["results"]]) == (2, [loa_kulu_worker.pk])
    assert [r["id"] for r in second["results"]] == [tenggarong_worker.pk]
    assert (beyond["count"], beyond["results"]) == (2, [])


@pytest.mark.parametrize(
    ("params", "field"), [({"page_size": 101}, "page_size"), ({"page": 0}, "page")]
)
def test_list_refuses_pages_out_of_range_naming_the_parameter(api_as, admin_user, params, field):
    response = api_as(admin_user).get("/workers", **params)
    assert response.status_code == 422
    assert field_names(response) == {field}


def test_list_leaves_heirs_out_and_its_query_count_does_not_grow_with_the_page(
    client, token_for, admin_user, tenggarong_worker, loa_kulu_worker, django_assert_num_queries
):
    api = ApiClient(client, token_for(admin_user))
    api.get("/workers")  # the first call also stamps the token's last use
    with django_assert_num_queries(3):  # token, count, page
        body = api.get("/workers").json()
    assert len(body["results"]) == 2
    assert all("heirs" not in row for row in body["results"])
    for number in range(3):
        register_worker(
            actor=admin_user,
            data=worker_input(
                nik=f"640206010180000{number + 2}",
                full_name=f"Pekerja {number}",
                birth_date=dt.date(1980, 1, 1),
                sex="M",
                source_ref="",
                heirs=[],
            ),
        )
    with django_assert_num_queries(3):
        assert len(api.get("/workers").json()["results"]) == 5


def test_list_reveal_shows_full_numbers_and_records_one_audit_event(
    api_as, admin_user, tenggarong_worker, loa_kulu_worker
):
    response = api_as(admin_user).get("/workers", reveal="true")
    rows = {row["id"]: row for row in response.json()["results"]}
    assert rows[tenggarong_worker.pk]["nik"] == TENGGARONG_NIK
    assert rows[tenggarong_worker.pk]["phone"] == "+6281234567890"
    event = AuditEvent.objects.get(action="worker.reveal")
    assert (event.actor, event.object_type, event.worker_id) == (admin_user, "worker_list", None)
    assert event.context == {
        "fields": ["nik", "kk_number", "phone"],
        "workers": [loa_kulu_worker.pk, tenggarong_worker.pk],
    }


def test_loa_kulu_operator_lists_no_tenggarong_worker_even_by_exact_nik(
    api_as, loa_kulu_operator, tenggarong_worker, loa_kulu_worker
):
    api = api_as(loa_kulu_operator)
    assert [row["id"] for row in api.get("/workers").json()["results"]] == [loa_kulu_worker.pk]
    body = api.get("/workers", q=TENGGARONG_NIK).json()
    assert (body["count"], body["results"]) == (0, [])
    assert api.get("/workers", district=TENGGARONG).json()["count"] == 0
