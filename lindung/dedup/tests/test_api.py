"""`/api/v1/duplicates`: the same services, scope and masking as the pages."""

import json

import pytest

from lindung.audit.models import AuditEvent
from lindung.dedup.models import CaseStatus
from lindung.dedup.tests.cast import open_case, register, scored
from lindung.registry.models import Worker, WorkerStatus

pytestmark = pytest.mark.django_db

API = "/api/v1/duplicates"


class ApiClient:
    def __init__(self, client, token):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path="", **params):
        return self.client.get(API + path, params, headers=self.headers)

    def post(self, path, body):
        return self.client.post(
            API + path, json.dumps(body), content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api_as(client, token_for):
    return lambda user: ApiClient(client, token_for(user))


def test_listing_cases_gives_scores_names_and_paging(api_as, verifier, twins):
    response = api_as(verifier).get(district="64.02.06")
    body = response.json()
    assert response.status_code == 200
    assert (body["count"], body["page"], body["page_size"]) == (1, 1, 25)
    (case,) = body["results"]
    assert (case["id"], case["status"], case["level"], case["worker_count"]) == (
        twins[2].pk,
        "open",
        "duplicate",
        2,
    )
    assert case["worker_names"] == ["Siti Aminah", "Siti Aminah"]
    assert case["district_code"] == "64.02.06"


def test_one_case_shows_masked_records_and_the_evidence(api_as, verifier, twins):
    _, _, case = twins
    body = api_as(verifier).get(f"/{case.pk}").json()
    record = body["records"][0]
    assert record["worker"]["nik"] == "6402********0003"
    assert "6402064203850003" not in json.dumps(body)
    assert set(body["differing_fields"]) == {"nik", "phone", "address", "source_ref"}
    assert body["pairs"][0]["evidence"][0] == {
        "field": "nik",
        "level": "one digit differs",
        "weight": 7.5,
    }
    assert body["can_resolve"] is True


def test_a_district_verifier_gets_404_for_another_districts_case(api_as, loa_kulu_verifier, twins):
    api = api_as(loa_kulu_verifier)
    assert api.get().json()["count"] == 0
    assert api.get(f"/{twins[2].pk}").status_code == 404
    refused = api.post(f"/{twins[2].pk}/resolve", {"decision": "different_people", "reason": "x"})
    assert refused.status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="duplicate.different").exists()


def test_an_operator_is_refused(api_as, tenggarong_operator, twins):
    assert api_as(tenggarong_operator).get().status_code == 403


def test_resolving_as_different_people_through_the_api(api_as, verifier, twins):
    _, _, case = twins
    response = api_as(verifier).post(
        f"/{case.pk}/resolve", {"decision": "different_people", "reason": "Kembar"}
    )
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == CaseStatus.DIFFERENT
    assert body["decisions"][0]["reason"] == "Kembar"
    assert AuditEvent.objects.get(action="duplicate.different").context["reason"] == "Kembar"


def test_merging_through_the_api(api_as, verifier, twins):
    first, second, case = twins
    response = api_as(verifier).post(
        f"/{case.pk}/resolve",
        {
            "decision": "same_person",
            "reason": "Satu orang",
            "survivor_id": first.pk,
            "field_choices": {"phone": second.pk},
            "versions": {str(first.pk): 1, str(second.pk): 1},
        },
    )
    assert response.status_code == 200
    assert response.json()["merge_survivor_id"] == first.pk
    assert Worker.objects.get(pk=first.pk).phone == "+6281299990000"
    assert Worker.objects.get(pk=second.pk).status == WorkerStatus.INACTIVE


def test_a_stale_version_is_answered_with_409_and_nothing_changes(api_as, verifier, twins):
    first, second, case = twins
    response = api_as(verifier).post(
        f"/{case.pk}/resolve",
        {
            "decision": "same_person",
            "reason": "Satu orang",
            "survivor_id": first.pk,
            "versions": {str(first.pk): 1, str(second.pk): 0},
        },
    )
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_a_resolution_without_reason_or_survivor_is_refused(api_as, verifier, twins):
    _, _, case = twins
    api = api_as(verifier)
    no_reason = api.post(f"/{case.pk}/resolve", {"decision": "different_people", "reason": ""})
    no_survivor = api.post(f"/{case.pk}/resolve", {"decision": "same_person", "reason": "x"})
    unknown = api.post(f"/{case.pk}/resolve", {"decision": "maybe", "reason": "x"})
    assert (no_reason.status_code, no_survivor.status_code, unknown.status_code) == (
        400,
        400,
        422,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_a_case_across_districts_hides_the_other_record(
    api_as, admin_user, tenggarong_verifier, tenggarong_worker
):
    elsewhere = register(
        admin_user, nik="6402064203850005", full_name="Siti Loa", village="64.02.02.2003",
        source_ref="LKL-0042", phone="", heirs=[],
    )  # fmt: skip
    case = open_case(scored(tenggarong_worker, elsewhere))
    body = api_as(tenggarong_verifier).get(f"/{case.pk}").json()
    hidden = next(r for r in body["records"] if r["worker_id"] == elsewhere.pk)
    assert (hidden["in_scope"], hidden["worker"], hidden["district_name"]) == (
        False,
        None,
        "Loa Kulu",
    )
    assert "Siti Loa" not in json.dumps(body)
    assert (body["workers_elsewhere"], body["can_resolve"]) == (1, False)


def test_undoing_a_merge_through_the_api(api_as, verifier, twins):
    first, second, case = twins
    api = api_as(verifier)
    api.post(
        f"/{case.pk}/resolve",
        {"decision": "same_person", "reason": "Satu orang", "survivor_id": first.pk},
    )

    response = api.post(f"/{case.pk}/undo", {"reason": "Salah"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["merge_survivor_id"]) == ("open", None)
    assert Worker.objects.get(pk=second.pk).status == WorkerStatus.REGISTERED
    assert api.post(f"/{case.pk}/undo", {"reason": "Lagi"}).status_code == 400
