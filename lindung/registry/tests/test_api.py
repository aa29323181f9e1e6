import datetime as dt
import json

import pytest
from django.test import Client

from conftest import (
    LOA_KULU,
    LOA_KULU_VILLAGE,
    TENGGARONG,
    TENGGARONG_OTHER_VILLAGE,
    TENGGARONG_VILLAGE,
    worker_input,
)
from lindung.accounts.models import ApiToken
from lindung.accounts.services import revoke_api_token
from lindung.audit.models import AuditEvent
from lindung.registry.models import Heir, Sector, Worker, WorkerStatus, WorkerStatusChange
from lindung.registry.services import register_worker

pytestmark = pytest.mark.django_db

API = "/api/v1"
TENGGARONG_NIK = "6402064203850003"


class ApiClient:
    """Calls the API as one user, with a bearer token of their own."""

    def __init__(self, client, token):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, **params):
        return self.client.get(API + path, params, headers=self.headers)

    def post(self, path, body):
        return self.client.post(
            API + path, json.dumps(body), content_type="application/json", headers=self.headers
        )

    def patch(self, path, body):
        return self.client.patch(
            API + path, json.dumps(body), content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api_as(client, token_for):
    return lambda user: ApiClient(client, token_for(user))


def new_worker_body(**overrides):
    body = {
        "nik": "6402025506900002", "kk_number": "6402020101090011", "full_name": "Rina Wati",
        "birth_place": "Loa Kulu", "birth_date": "1990-06-15", "sex": "F",
        "phone": "0813 5000 1234", "address": "Jl. Mulawarman 7", "rt": "3", "rw": "1",
        "village_code": LOA_KULU_VILLAGE, "occupation": "Pedagang", "sector": "usaha-kecil",
        "monthly_income": 2_000_000, "welfare_decile": 2, "source_ref": "API-0001",
        "heirs": [
            {"full_name": "Ahmad Fauzi", "relationship": "child", "birth_date": "2012-04-01"},
            {"full_name": "Andi Saputra", "relationship": "spouse", "birth_date": "1988-02-10",
             "nik": "6402021002880004", "phone": "081350009999"},
        ],
    }  # fmt: skip
    body.update(overrides)
    return body


def field_names(response):
    return {error["field"] for error in response.json()["detail"]}


# Authentication ---------------------------------------------------------------------------


def test_request_without_token_is_refused_with_401(client, regions):
    assert client.get(f"{API}/workers").status_code == 401
    response = ApiClient(client, None).post("/workers", new_worker_body())
    assert response.status_code == 401
    assert not Worker.objects.exists()


def test_request_with_unknown_token_is_refused_with_401(client, regions):
    bad = ApiClient(client, "not-a-real-token")
    assert bad.get("/workers").status_code == 401
    assert bad.post("/workers", new_worker_body()).status_code == 401
    assert not Worker.objects.exists()


def test_revoked_token_is_refused_with_401(client, tenggarong_operator, token_for, admin_user):
    token = token_for(tenggarong_operator)
    revoke_api_token(actor=admin_user, token_id=ApiToken.objects.get().pk)
    assert ApiClient(client, token).get("/workers").status_code == 401


def test_signed_in_browser_may_read_but_must_send_csrf_token_to_write(
    tenggarong_operator, tenggarong_worker
):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(tenggarong_operator)
    assert browser.get(f"{API}/workers").json()["count"] == 1
    response = browser.post(
        f"{API}/workers", json.dumps(new_worker_body()), content_type="application/json"
    )
    assert response.status_code == 403
    assert Worker.objects.count() == 1


# Listing and searching ----------------------------------------------------------------------


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


# One worker ---------------------------------------------------------------------------------


def test_detail_shows_heirs_and_masks_identity(api_as, tenggarong_operator, admin_user):
    worker = register_worker(actor=admin_user, data=worker_input(heirs=[]))
    api = api_as(tenggarong_operator)
    api.patch(
        f"/workers/{worker.pk}",
        {
            "version": 1,
            "heirs": [
                {
                    "full_name": "Budi Santoso",
                    "relationship": "spouse",
                    "nik": "6402060501800007",
                    "phone": "081234500077",
                }
            ],
        },
    )
    response = api.get(f"/workers/{worker.pk}")
    assert response.status_code == 200
    body = response.json()
    [heir] = body["heirs"]
    assert heir == {
        "id": Heir.objects.get().pk,
        "full_name": "Budi Santoso",
        "relationship": "spouse",
        "birth_date": None,
        "nik": "6402********0007",
        "phone": "+62812****0077",
        "priority": 1,
    }
    assert (body["id"], body["nik"], body["version"]) == (worker.pk, "6402********0003", 2)
    assert not AuditEvent.objects.filter(action="worker.reveal").exists()


def test_detail_reveal_shows_full_numbers_and_records_one_audit_event(
    api_as, tenggarong_operator, tenggarong_worker
):
    body = api_as(tenggarong_operator).get(f"/workers/{tenggarong_worker.pk}", reveal="true").json()
    assert (body["nik"], body["phone"]) == (TENGGARONG_NIK, "+6281234567890")
    event = AuditEvent.objects.get(action="worker.reveal")
    assert (event.actor, event.object_type, event.object_id, event.worker_id) == (
        tenggarong_operator,
        "worker",
        str(tenggarong_worker.pk),
        tenggarong_worker.pk,
    )
    assert event.context == {"fields": ["nik", "kk_number", "phone", "heirs"]}


def test_worker_outside_the_area_is_the_same_404_as_a_missing_one(
    api_as, loa_kulu_operator, tenggarong_worker
):
    api = api_as(loa_kulu_operator)
    outside = api.get(f"/workers/{tenggarong_worker.pk}", reveal="true")
    missing = api.get("/workers/999999")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
    assert not AuditEvent.objects.filter(action="worker.reveal").exists()


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_leader_and_auditor_are_refused_every_worker_endpoint(
    request, api_as, role, tenggarong_worker
):
    api = api_as(request.getfixturevalue(role))
    path = f"/workers/{tenggarong_worker.pk}"
    responses = [
        api.get("/workers"),
        api.get(path),
        api.post("/workers", new_worker_body(village_code=TENGGARONG_VILLAGE)),
        api.patch(path, {"version": 1, "full_name": "Siti Aminah Binti Ali"}),
        api.post(f"{path}/status", {"to_status": "verified", "version": 1}),
    ]
    assert [r.status_code for r in responses] == [403] * 5
    assert Worker.objects.get().full_name == "Siti Aminah"
    assert Worker.objects.get().version == 1
    assert not AuditEvent.objects.filter(action__in=["worker.update", "worker.status"]).exists()


# Registering --------------------------------------------------------------------------------


def test_operator_registers_a_worker_with_heirs(api_as, loa_kulu_operator):
    response = api_as(loa_kulu_operator).post("/workers", new_worker_body())
    assert response.status_code == 201
    worker = Worker.objects.get()
    body = response.json()
    assert (body["id"], body["nik"], body["kk_number"], body["phone"]) == (
        worker.pk,
        "6402********0002",
        "6402********0011",
        "+62813****1234",
    )
    assert (body["status"], body["version"], body["district_code"]) == ("registered", 1, LOA_KULU)
    assert [
        (h["full_name"], h["relationship"], h["nik"], h["priority"]) for h in body["heirs"]
    ] == [("Ahmad Fauzi", "child", "", 1), ("Andi Saputra", "spouse", "6402********0004", 1)]
    assert (worker.nik, worker.phone, worker.village_id, worker.sector.code) == (
        "6402025506900002",
        "+6281350001234",
        LOA_KULU_VILLAGE,
        "usaha-kecil",
    )
    assert (worker.rt, worker.birth_date, worker.created_by) == (
        "003",
        dt.date(1990, 6, 15),
        loa_kulu_operator,
    )
    assert worker.heirs.count() == 2
    event = AuditEvent.objects.get(action="worker.register")
    assert (event.actor, event.worker_id) == (loa_kulu_operator, worker.pk)
    assert event.changes["nik"] == [None, "6402025506900002"]
    assert event.changes["village"] == [None, LOA_KULU_VILLAGE]


def test_sex_and_birth_date_may_be_taken_from_the_nik(api_as, loa_kulu_operator):
    body = new_worker_body(heirs=[])
    del body["sex"], body["birth_date"]
    response = api_as(loa_kulu_operator).post("/workers", body)
    assert response.status_code == 201
    assert (response.json()["sex"], response.json()["birth_date"]) == ("F", "1990-06-15")


def _years_ago(years):
    today = dt.date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28)).isoformat()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"nik": "640202550690000"}, "nik"),
    ({"nik": "6402025506900000"}, "nik"),
    ({"birth_date": _years_ago(10)}, "birth_date"),
    ({"birth_date": (dt.date.today() + dt.timedelta(days=1)).isoformat()}, "birth_date"),
    ({"phone": "12345"}, "phone"),
    ({"kk_number": "123"}, "kk_number"),
    ({"sector": "tidak-ada"}, "sector"),
    ({"village_code": "64.02.99.9999"}, "village_code"),
    ({"birth_date": "15-06-1990"}, "birth_date"),
    ({"monthly_income": "banyak"}, "monthly_income"),
    ({"status": "verified"}, "status"),
    ({"heirs": [{"full_name": "", "relationship": "friend"}]}, "heirs"),
])  # fmt: skip
def test_invalid_registration_is_refused_with_422_naming_the_field_and_nothing_saved(
    api_as, loa_kulu_operator, overrides, field
):
    response = api_as(loa_kulu_operator).post("/workers", new_worker_body(**overrides))
    assert response.status_code == 422
    assert field_names(response) == {field}
    assert all(error["message"] for error in response.json()["detail"])
    assert not Worker.objects.exists()
    assert not AuditEvent.objects.filter(action="worker.register").exists()


def test_a_nik_already_registered_is_refused(api_as, tenggarong_operator, tenggarong_worker):
    body = new_worker_body(
        nik=TENGGARONG_NIK, village_code=TENGGARONG_VILLAGE, birth_date="1985-03-02"
    )
    response = api_as(tenggarong_operator).post("/workers", body)
    assert response.status_code == 422
    assert field_names(response) == {"nik"}
    assert Worker.objects.count() == 1
    assert AuditEvent.objects.filter(action="worker.register").count() == 1


def test_loa_kulu_operator_cannot_register_a_worker_in_a_tenggarong_village(
    api_as, loa_kulu_operator
):
    response = api_as(loa_kulu_operator).post(
        "/workers", new_worker_body(village_code=TENGGARONG_VILLAGE)
    )
    assert response.status_code == 422
    assert field_names(response) == {"village_code"}
    assert not Worker.objects.exists()
    assert not Heir.objects.exists()
    assert not AuditEvent.objects.filter(action="worker.register").exists()


# Correcting ---------------------------------------------------------------------------------


def test_operator_corrects_only_the_fields_sent(api_as, tenggarong_operator, tenggarong_worker):
    response = api_as(tenggarong_operator).patch(
        f"/workers/{tenggarong_worker.pk}",
        {
            "version": 1,
            "phone": "0813-1111-2222",
            "village_code": TENGGARONG_OTHER_VILLAGE,
            "monthly_income": None,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["phone"], body["village_code"], body["monthly_income"]) == (
        2,
        "+62813****2222",
        TENGGARONG_OTHER_VILLAGE,
        None,
    )
    assert [heir["full_name"] for heir in body["heirs"]] == ["Budi Santoso"]
    worker = Worker.objects.get()
    assert (worker.phone, worker.village_id, worker.monthly_income, worker.full_name) == (
        "+6281311112222",
        TENGGARONG_OTHER_VILLAGE,
        None,
        "Siti Aminah",
    )
    assert (worker.version, worker.updated_by) == (2, tenggarong_operator)
    event = AuditEvent.objects.get(action="worker.update")
    assert event.actor == tenggarong_operator
    assert event.changes == {
        "phone": ["+6281234567890", "+6281311112222"],
        "village": [TENGGARONG_VILLAGE, TENGGARONG_OTHER_VILLAGE],
        "monthly_income": [1_500_000, None],
    }


def test_heirs_sent_replace_the_list_and_an_id_corrects_that_heir(
    api_as, tenggarong_operator, tenggarong_worker
):
    spouse = Heir.objects.get()
    response = api_as(tenggarong_operator).patch(
        f"/workers/{tenggarong_worker.pk}",
        {
            "version": 1,
            "heirs": [
                {
                    "id": spouse.pk,
                    "full_name": "Budi Santoso Putra",
                    "relationship": "spouse",
                    "birth_date": "1980-01-05",
                },
                {"full_name": "Ibu Aminah", "relationship": "parent"},
            ],
        },
    )
    assert response.status_code == 200
    assert [(h["id"], h["full_name"], h["priority"]) for h in response.json()["heirs"]] == [
        (spouse.pk, "Budi Santoso Putra", 1),
        (Heir.objects.get(relationship="parent").pk, "Ibu Aminah", 2),
    ]
    assert Heir.objects.count() == 2
    assert "heirs" in AuditEvent.objects.get(action="worker.update").changes


def test_a_stale_version_is_refused_with_409_and_changes_nothing(
    api_as, tenggarong_operator, verifier, tenggarong_worker
):
    api_as(verifier).patch(
        f"/workers/{tenggarong_worker.pk}", {"version": 1, "address": "Jl. Baru 1"}
    )
    response = api_as(tenggarong_operator).patch(
        f"/workers/{tenggarong_worker.pk}", {"version": 1, "full_name": "Siti Lain"}
    )
    assert response.status_code == 409
    assert "verifikator" in response.json()["detail"]
    worker = Worker.objects.get()
    assert (worker.full_name, worker.address, worker.version) == ("Siti Aminah", "Jl. Baru 1", 2)
    assert AuditEvent.objects.filter(action="worker.update").count() == 1


def test_a_correction_without_version_is_refused_naming_version(
    api_as, tenggarong_operator, tenggarong_worker
):
    response = api_as(tenggarong_operator).patch(
        f"/workers/{tenggarong_worker.pk}", {"full_name": "Siti Lain"}
    )
    assert response.status_code == 422
    assert field_names(response) == {"version"}
    assert Worker.objects.get().full_name == "Siti Aminah"


def test_an_invalid_correction_is_refused_naming_the_field_and_changes_nothing(
    api_as, tenggarong_operator, tenggarong_worker
):
    response = api_as(tenggarong_operator).patch(
        f"/workers/{tenggarong_worker.pk}", {"version": 1, "phone": "12", "rt": "abcd"}
    )
    assert response.status_code == 422
    assert field_names(response) == {"phone", "rt"}
    worker = Worker.objects.get()
    assert (worker.phone, worker.rt, worker.version) == ("+6281234567890", "004", 1)
    assert not AuditEvent.objects.filter(action="worker.update").exists()


def test_loa_kulu_operator_cannot_correct_a_tenggarong_worker(
    api_as, loa_kulu_operator, tenggarong_worker
):
    response = api_as(loa_kulu_operator).patch(
        f"/workers/{tenggarong_worker.pk}", {"version": 1, "full_name": "Siti Lain"}
    )
    assert response.status_code == 404
    assert (Worker.objects.get().full_name, Worker.objects.get().version) == ("Siti Aminah", 1)
    assert not AuditEvent.objects.filter(action="worker.update").exists()


def test_moving_a_worker_out_of_the_operators_district_is_refused(
    api_as, tenggarong_operator, tenggarong_worker
):
    response = api_as(tenggarong_operator).patch(
        f"/workers/{tenggarong_worker.pk}", {"version": 1, "village_code": LOA_KULU_VILLAGE}
    )
    assert response.status_code == 422
    assert field_names(response) == {"village_code"}
    assert Worker.objects.get().village_id == TENGGARONG_VILLAGE


# Status -------------------------------------------------------------------------------------


def test_verifier_verifies_a_worker(api_as, verifier, tenggarong_worker):
    response = api_as(verifier).post(
        f"/workers/{tenggarong_worker.pk}/status",
        {"to_status": "verified", "note": "Cocok KTP", "version": 1},
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("verified", 2)
    worker = Worker.objects.get()
    assert (worker.status, worker.version) == (WorkerStatus.VERIFIED, 2)
    change = WorkerStatusChange.objects.filter(worker=worker).first()
    assert (change.from_status, change.to_status, change.note, change.changed_by) == (
        "registered",
        "verified",
        "Cocok KTP",
        verifier,
    )
    event = AuditEvent.objects.get(action="worker.status")
    assert event.changes == {"status": ["registered", "verified"]}
    assert event.context == {"note": "Cocok KTP"}


def test_deactivating_needs_a_reason(api_as, tenggarong_operator, tenggarong_worker):
    api = api_as(tenggarong_operator)
    path = f"/workers/{tenggarong_worker.pk}/status"
    refused = api.post(path, {"to_status": "inactive", "version": 1})
    assert refused.status_code == 400
    assert Worker.objects.get().status == WorkerStatus.REGISTERED
    done = api.post(path, {"to_status": "inactive", "reason": "moved_away", "version": 1})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["inactive_reason"]) == ("inactive", "moved_away")


def test_a_status_change_on_a_stale_version_is_refused_with_409(
    api_as, verifier, tenggarong_worker
):
    response = api_as(verifier).post(
        f"/workers/{tenggarong_worker.pk}/status", {"to_status": "verified", "version": 7}
    )
    assert response.status_code == 409
    assert Worker.objects.get().status == WorkerStatus.REGISTERED
    assert not AuditEvent.objects.filter(action="worker.status").exists()


def test_loa_kulu_operator_cannot_change_the_status_of_a_tenggarong_worker(
    api_as, loa_kulu_operator, tenggarong_worker
):
    response = api_as(loa_kulu_operator).post(
        f"/workers/{tenggarong_worker.pk}/status", {"to_status": "verified", "version": 1}
    )
    assert response.status_code == 404
    assert Worker.objects.get().status == WorkerStatus.REGISTERED
    assert not AuditEvent.objects.filter(action="worker.status").exists()


# Reference and documentation ----------------------------------------------------------------


def test_sectors_lists_the_active_sectors(api_as, leader):
    Sector.objects.filter(code="jasa-lainnya").update(is_active=False)
    response = api_as(leader).get("/sectors")
    assert response.status_code == 200
    codes = [sector["code"] for sector in response.json()]
    assert codes == list(Sector.objects.filter(is_active=True).values_list("code", flat=True))
    assert "jasa-lainnya" not in codes
    assert set(response.json()[0]) == {"code", "name", "name_en"}


def test_openapi_document_loads_without_signing_in_and_lists_the_registry_paths(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    # The other apps' paths are checked by their own tests.
    assert all(path.startswith(f"{API}/") for path in schema["paths"])
    assert set(schema["paths"]) >= {
        f"{API}/workers",
        f"{API}/workers/{{worker_id}}",
        f"{API}/workers/{{worker_id}}/status",
        f"{API}/sectors",
        f"{API}/regions/{{code}}",
        f"{API}/regions/{{code}}/children",
        f"{API}/audit",
        f"{API}/imports",
        f"{API}/imports/{{import_id}}",
        f"{API}/imports/{{import_id}}/save",
        f"{API}/imports/{{import_id}}/report",
    }
    assert schema["components"]["securitySchemes"]["BearerTokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_docs_page_loads_swagger_from_the_instance_itself(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
