"""Who may call the worker API: a bearer token or a signed-in browser with its CSRF token;
roles without the registry's capabilities are refused every endpoint."""

import json

import pytest
from django.test import Client

from conftest import TENGGARONG_VILLAGE
from lindung.accounts.models import ApiToken
from lindung.accounts.services import revoke_api_token
from lindung.audit.models import AuditEvent
from lindung.registry.models import Worker
from lindung.registry.tests.api_client import API, ApiClient, new_worker_body

pytestmark = pytest.mark.django_db


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
