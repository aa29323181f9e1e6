"""`POST /workers/check`, and registration over the API refused (409) for a near-certain
duplicate unless confirmed."""

import pytest

from lindung.audit.models import AuditEvent
from lindung.registry.models import Worker
from lindung.registry.tests.api_client import TENGGARONG_NIK, ApiClient, new_worker_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as(client, token_for):
    return lambda user: ApiClient(client, token_for(user))


# The conftest's Siti Aminah sent again with the last NIK digit wrong.
SITI_AGAIN = dict(
    nik="6402064203850004",
    full_name="Siti Aminah",
    birth_date="1985-03-02",
    sex="F",
    phone="0812-3456-7890",
    village_code="64.02.06.1001",
)


def test_the_check_returns_the_candidates_masked(api_as, tenggarong_operator, tenggarong_worker):
    response = api_as(tenggarong_operator).post("/workers/check", SITI_AGAIN)

    assert response.status_code == 200
    (candidate,) = response.json()["candidates"]
    assert candidate["worker_id"] == tenggarong_worker.pk
    assert candidate["level"] == "duplicate"
    assert candidate["full_name"] == "Siti Aminah"
    assert candidate["nik_masked"] == "6402********0003"
    assert candidate["birth_date"] == "1985-03-02"
    assert candidate["reasons"]
    assert TENGGARONG_NIK not in response.content.decode()


def test_the_check_shows_another_districts_candidate_without_personal_data(
    api_as, loa_kulu_operator, tenggarong_worker
):
    body = SITI_AGAIN | {"village_code": "64.02.02.2003"}

    response = api_as(loa_kulu_operator).post("/workers/check", body)

    (candidate,) = response.json()["candidates"]
    assert candidate["in_scope"] is False
    assert candidate["district"] == "Tenggarong"
    assert candidate["full_name"] is None and candidate["nik_masked"] is None
    assert candidate["birth_date"] is None and candidate["village"] is None
    assert (candidate["status"], candidate["reasons"], candidate["evidence"]) == (None, [], [])
    assert "Siti" not in response.content.decode()


def test_the_check_needs_a_nik_or_a_name_with_a_birth_date(api_as, tenggarong_operator):
    response = api_as(tenggarong_operator).post("/workers/check", {"full_name": "Siti Aminah"})

    assert response.status_code == 400


def test_the_check_is_refused_to_roles_that_cannot_register(api_as, auditor, tenggarong_worker):
    assert api_as(auditor).post("/workers/check", SITI_AGAIN).status_code == 403


def test_registering_a_near_certain_duplicate_is_refused_with_409_and_the_candidates(
    api_as, tenggarong_operator, tenggarong_worker
):
    api = api_as(tenggarong_operator)
    events = AuditEvent.objects.count()

    response = api.post("/workers", new_worker_body() | SITI_AGAIN)

    assert response.status_code == 409
    assert response.json()["candidates"][0]["worker_id"] == tenggarong_worker.pk
    assert not Worker.objects.filter(nik="6402064203850004").exists()
    assert AuditEvent.objects.count() == events


def test_a_confirmed_registration_is_saved_and_returns_the_candidates(
    api_as, tenggarong_operator, tenggarong_worker
):
    body = new_worker_body() | SITI_AGAIN | {"confirmed_not_duplicate": True}

    response = api_as(tenggarong_operator).post("/workers", body)

    assert response.status_code == 201
    created = response.json()
    assert [c["worker_id"] for c in created["possible_duplicates"]] == [tenggarong_worker.pk]
    event = AuditEvent.objects.get(action="worker.register", object_id=str(created["id"]))
    assert event.context["confirmed_not_duplicate"] is True
    assert event.context["possible_duplicates"][0][0] == tenggarong_worker.pk


def test_a_registration_without_candidates_returns_an_empty_list(api_as, loa_kulu_operator):
    response = api_as(loa_kulu_operator).post("/workers", new_worker_body())

    assert response.status_code == 201
    assert response.json()["possible_duplicates"] == []


def test_the_openapi_page_documents_the_check_and_the_409(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert "/api/v1/workers/check" in schema["paths"]
    assert "409" in schema["paths"]["/api/v1/workers"]["post"]["responses"]
    assert "confirmed_not_duplicate" in schema["paths"]["/api/v1/workers"]["post"]["description"]
