import datetime as dt

import pytest
from django.utils import timezone

from conftest import worker_input
from lindung.audit.models import AuditEvent
from lindung.registry.inputs import HeirInput
from lindung.registry.services import register_worker, update_worker

pytestmark = pytest.mark.django_db

API = "/api/v1/audit"


@pytest.fixture
def auditor_headers(token_for, auditor):
    return {"Authorization": f"Bearer {token_for(auditor)}"}


@pytest.fixture
def worker_with_identities(admin_user):
    return register_worker(
        actor=admin_user,
        data=worker_input(
            kk_number="6402060101090011",
            heirs=[
                HeirInput(
                    full_name="Budi Santoso",
                    relationship="spouse",
                    nik="6402060501800007",
                    phone="081234500077",
                )
            ],
        ),
    )


def test_auditor_reads_the_trail_newest_first(client, worker_with_identities, auditor_headers):
    response = client.get(API, headers=auditor_headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (AuditEvent.objects.count(), 1, 50)
    assert [row["sequence"] for row in body["results"]] == list(
        AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)
    )
    newest = AuditEvent.objects.order_by("-sequence").first()
    assert body["results"][0] == {
        "sequence": newest.sequence, "occurred_at": body["results"][0]["occurred_at"],
        "username": "", "action": "api_token.issue", "object_type": "api_token",
        "object_id": newest.object_id, "worker_id": None, "changes": {},
        "context": {"user": "inspektorat", "label": ""},
    }  # fmt: skip


def test_identity_numbers_and_phones_in_recorded_changes_are_masked(
    client, auditor_headers, worker_with_identities
):
    row = client.get(API, {"action": "worker.register"}, headers=auditor_headers).json()["results"][
        0
    ]
    changes = row["changes"]
    assert changes["nik"] == [None, "6402********0003"]
    assert changes["kk_number"] == [None, "6402********0011"]
    assert changes["phone"] == [None, "+62812****7890"]
    assert changes["full_name"] == [None, "Siti Aminah"]
    [heir] = changes["heirs"][1]
    assert (heir["nik"], heir["phone"], heir["full_name"]) == (
        "6402********0007",
        "+62812****0077",
        "Budi Santoso",
    )
    # The stored event keeps the full values: only the answer is masked.
    stored = AuditEvent.objects.get(action="worker.register")
    assert stored.changes["nik"] == [None, "6402064203850003"]


def test_masking_covers_before_and_after_of_a_correction(
    client, auditor_headers, admin_user, worker_with_identities
):
    update_worker(
        actor=admin_user,
        worker_id=worker_with_identities.pk,
        expected_version=1,
        changes={"phone": "0813-1111-2222"},
    )
    row = client.get(API, {"action": "worker.update"}, headers=auditor_headers).json()["results"][0]
    assert row["changes"] == {"phone": ["+62812****7890", "+62813****2222"]}


def test_trail_filters_by_worker_user_action_and_days(
    client, auditor_headers, admin_user, worker_with_identities, loa_kulu_worker
):
    def actions(**params):
        response = client.get(API, params, headers=auditor_headers)
        assert response.status_code == 200
        return [row["action"] for row in response.json()["results"]]

    assert actions(worker_id=worker_with_identities.pk) == ["worker.register"]
    assert actions(worker_id=loa_kulu_worker.pk) == ["worker.register"]
    assert set(actions(username="admin")) == {"worker.register"}
    assert actions(action="worker.register", username="admin") == [
        "worker.register",
        "worker.register",
    ]
    today = timezone.localdate()
    assert len(actions(date_from=today, date_to=today)) == AuditEvent.objects.count()
    assert actions(date_to=today - dt.timedelta(days=1)) == []
    assert actions(date_from=today + dt.timedelta(days=1)) == []


def test_trail_is_paginated(client, auditor_headers, worker_with_identities):
    total = AuditEvent.objects.count()
    body = client.get(API, {"page_size": 2, "page": 2}, headers=auditor_headers).json()
    assert (body["count"], len(body["results"])) == (total, 2)
    assert [row["sequence"] for row in body["results"]] == [total - 2, total - 3]
    refused = client.get(API, {"page_size": 500}, headers=auditor_headers)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "page_size"


def test_admin_may_read_the_trail(client, token_for, admin_user):
    response = client.get(API, headers={"Authorization": f"Bearer {token_for(admin_user)}"})
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["tenggarong_operator", "verifier", "bpjs_liaison", "leader"])
def test_other_roles_are_refused_the_trail(request, client, token_for, role):
    user = request.getfixturevalue(role)
    response = client.get(API, headers={"Authorization": f"Bearer {token_for(user)}"})
    assert response.status_code == 403
    assert "results" not in response.json()


def test_trail_needs_a_token(client, regions):
    assert client.get(API).status_code == 401
