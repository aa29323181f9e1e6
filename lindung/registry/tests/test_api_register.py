"""`POST /workers`: registering a worker with heirs; invalid bodies refused naming the field."""

import datetime as dt

import pytest

from conftest import LOA_KULU, LOA_KULU_VILLAGE, TENGGARONG_VILLAGE
from lindung.audit.models import AuditEvent
from lindung.registry.models import Heir, Worker
from lindung.registry.tests.api_client import TENGGARONG_NIK, field_names, new_worker_body

pytestmark = pytest.mark.django_db


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
