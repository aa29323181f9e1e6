"""`PATCH /workers/{id}`: correcting the fields sent, on the expected version; refusals change
nothing."""

import pytest

from conftest import LOA_KULU_VILLAGE, TENGGARONG_OTHER_VILLAGE, TENGGARONG_VILLAGE
from lindung.audit.models import AuditEvent
from lindung.registry.models import Heir, Worker
from lindung.registry.tests.api_client import field_names

pytestmark = pytest.mark.django_db


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
