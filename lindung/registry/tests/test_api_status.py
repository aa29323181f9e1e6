"""`POST /workers/{id}/status`: status changes over the API, on the expected version."""

import pytest

from lindung.audit.models import AuditEvent
from lindung.registry.models import Worker, WorkerStatus, WorkerStatusChange

pytestmark = pytest.mark.django_db


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
