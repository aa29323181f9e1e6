"""Enrolments, batches, BPJS files and coverage over the REST API: the same rules as pages."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from lindung.audit.models import AuditEvent
from lindung.enrolment.models import Enrolment, EnrolmentStatus, RegistrationBatch
from lindung.enrolment.tests.conftest import COVERAGE_START

S = EnrolmentStatus


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _post(client, token, url, body):
    return client.post(url, body, content_type="application/json", **_auth(token))


def test_enrolments_are_listed_with_filters_and_the_kpj_masked(
    client, admin_user, token_for, active, loa_kulu_worker, program
):
    token = token_for(admin_user)
    _post(
        client,
        token,
        "/api/v1/enrolments",
        {"program_id": program.pk, "worker_ids": [loa_kulu_worker.pk]},
    )

    active_only = client.get("/api/v1/enrolments?status=active", **_auth(token)).json()

    assert active_only["count"] == 1
    result = active_only["results"][0]
    assert (result["id"], result["kpj_number"], result["nik"]) == (
        active.pk,
        "*******5678",
        "6402********0003",
    )
    everything = client.get(f"/api/v1/enrolments?program={program.pk}", **_auth(token)).json()
    assert everything["count"] == 2


def test_revealing_kpj_numbers_in_a_list_is_audited(client, admin_user, token_for, active):
    body = client.get("/api/v1/enrolments?reveal=true", **_auth(token_for(admin_user))).json()

    assert body["results"][0]["kpj_number"] == "26012345678"
    assert AuditEvent.objects.filter(action="enrolment.reveal", object_id=str(active.pk)).exists()


def test_an_operator_sees_only_the_enrolments_of_their_district(
    client, loa_kulu_operator, token_for, active
):
    token = token_for(loa_kulu_operator)

    assert client.get("/api/v1/enrolments", **_auth(token)).json()["count"] == 0
    assert client.get(f"/api/v1/enrolments/{active.pk}", **_auth(token)).status_code == 404
    moved = _post(
        client, token, f"/api/v1/enrolments/{active.pk}/transition",
        {"to_status": "ended", "reason": "withdrew"},
    )  # fmt: skip
    assert moved.status_code == 404
    active.refresh_from_db()
    assert active.status == S.ACTIVE


def test_a_transition_over_the_api_ends_an_enrolment_with_its_history(
    client, admin_user, token_for, active
):
    token = token_for(admin_user)
    response = _post(
        client,
        token,
        f"/api/v1/enrolments/{active.pk}/transition",
        {
            "to_status": "ended",
            "reason": "deceased",
            "on": "2026-08-14",
            "expected_version": active.version,
        },
    )

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["ended_on"]) == ("ended", "2026-08-14")
    detail = client.get(f"/api/v1/enrolments/{active.pk}", **_auth(token)).json()
    assert [(h["from_status"], h["to_status"]) for h in detail["history"]] == [
        ("", "candidate"),
        ("candidate", "submitted"),
        ("submitted", "active"),
        ("active", "ended"),
    ]


def test_a_refused_transition_answers_400_with_the_reason(client, admin_user, token_for, active):
    response = _post(
        client,
        token_for(admin_user),
        f"/api/v1/enrolments/{active.pk}/transition",
        {"to_status": "active", "kpj_number": "1", "coverage_start": "2026-06-01"},
    )
    assert response.status_code == 400
    assert "tidak dapat menjadi" in response.json()["detail"]


def test_a_batch_is_exported_and_downloaded_over_the_api(
    client, admin_user, token_for, program, candidate
):
    token = token_for(admin_user)
    created = _post(
        client, token, "/api/v1/registration-batches", {"program_id": program.pk, "format": "csv"}
    )

    assert created.status_code == 201, created.content
    batch = RegistrationBatch.objects.get()
    assert created.json()["row_count"] == 1
    download = client.get(f"/api/v1/registration-batches/{batch.pk}/file", **_auth(token))
    assert b"6402064203850003" in b"".join(download.streaming_content)
    assert AuditEvent.objects.filter(action="enrolment.batch_download").count() == 1


def test_a_bpjs_answer_is_uploaded_over_the_api(client, admin_user, token_for, submitted):
    upload = SimpleUploadedFile(
        "jawaban.csv",
        b"NIK,STATUS,NO KPJ,TGL KEPESERTAAN\n6402064203850003,Diterima,26012345678,01-06-2026\n",
    )

    response = client.post("/api/v1/bpjs-answers", {"file": upload}, **_auth(token_for(admin_user)))

    assert response.status_code == 201, response.content
    assert response.json()["counts"]["activated"] == 1
    assert Enrolment.objects.get(pk=submitted.pk).status == S.ACTIVE


def test_rows_of_a_bpjs_answer_that_match_nothing_come_back_masked(
    client, admin_user, token_for, submitted
):
    upload = SimpleUploadedFile(
        "jawaban.csv",
        b"NIK,STATUS,NO KPJ,TGL KEPESERTAAN\n6402069999990001,Diterima,26099998888,01-06-2026\n",
    )

    response = client.post("/api/v1/bpjs-answers", {"file": upload}, **_auth(token_for(admin_user)))

    assert response.status_code == 201, response.content
    (row,) = response.json()["unmatched"]
    assert row["nik"] == "6402********0001"
    assert "6402069999990001" not in response.content.decode()
    assert "26099998888" not in response.content.decode()


def test_coverage_on_a_date_over_the_api(client, tenggarong_operator, token_for, active):
    token = token_for(tenggarong_operator)
    url = f"/api/v1/workers/{active.worker_id}/coverage"

    covered = client.get(f"{url}?on={COVERAGE_START}", **_auth(token)).json()
    before = client.get(f"{url}?on=2026-05-31", **_auth(token)).json()

    assert (covered["covered"], covered["program_id"], covered["kpj_number"]) == (
        True,
        active.program_id,
        "*******5678",
    )
    assert covered["funders"][0]["name"] == "APBD Kukar"
    assert (before["covered"], before["state"]) == (False, "submitted")


def test_coverage_of_a_worker_of_another_district_is_404(
    client, loa_kulu_operator, token_for, active
):
    response = client.get(
        f"/api/v1/workers/{active.worker_id}/coverage?on=2026-06-01",
        **_auth(token_for(loa_kulu_operator)),
    )
    assert response.status_code == 404


def test_graduation_over_the_api_prices_the_self_paying_contribution(
    client, admin_user, token_for, active
):
    response = _post(
        client,
        token_for(admin_user),
        f"/api/v1/enrolments/{active.pk}/graduate",
        {"on": "2026-10-01"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["monthly_amount"] == 16_800
    active.refresh_from_db()
    assert active.ended_on == dt.date(2026, 9, 30)


def test_the_openapi_document_lists_the_enrolment_paths(client, admin_user, token_for):
    paths = client.get("/api/v1/openapi.json", **_auth(token_for(admin_user))).json()["paths"]
    for path in (
        "/api/v1/enrolments",
        "/api/v1/enrolments/{enrolment_id}/transition",
        "/api/v1/registration-batches",
        "/api/v1/bpjs-answers",
        "/api/v1/bpjs-participants",
        "/api/v1/workers/{worker_id}/coverage",
    ):
        assert path in paths


def test_a_programme_sets_its_export_template_over_the_api(
    client, admin_user, token_for, program, candidate
):
    token = token_for(admin_user)
    url = f"/api/v1/programs/{program.pk}/bpjs-export-template"
    columns = [{"header": "No KTP", "field": "nik"}, {"header": "Nama", "field": "full_name"}]

    response = client.put(
        url, {"columns": columns}, content_type="application/json", **_auth(token)
    )

    assert response.status_code == 200, response.content
    assert client.get(url, **_auth(token)).json() == columns
    bad = client.put(
        url,
        {"columns": [{"header": "Nama", "field": "full_name"}]},
        content_type="application/json",
        **_auth(token),
    )
    assert bad.status_code == 400
    assert client.get(url, **_auth(token)).json() == columns


def test_an_operator_cannot_change_the_export_template(
    client, tenggarong_operator, token_for, program
):
    response = client.put(
        f"/api/v1/programs/{program.pk}/bpjs-export-template",
        {"columns": [{"header": "NIK", "field": "nik"}]},
        content_type="application/json",
        **_auth(token_for(tenggarong_operator)),
    )
    assert response.status_code == 403
