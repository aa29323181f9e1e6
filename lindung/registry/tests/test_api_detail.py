"""`GET /workers/{id}`: one worker with heirs, masked unless revealed; outside the area a
404."""

import pytest

from conftest import worker_input
from lindung.audit.models import AuditEvent
from lindung.registry.models import Heir
from lindung.registry.services import register_worker
from lindung.registry.tests.api_client import TENGGARONG_NIK

pytestmark = pytest.mark.django_db


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
