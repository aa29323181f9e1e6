"""Eligibility over the REST API: summary, decisions worker by worker, running the rules as a
job and following it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.audit.models import AuditEvent
from lindung.eligibility.jobs import ALREADY_REQUESTED, STOPPED, request_eligibility_run
from lindung.eligibility.models import EligibilityJob, EligibilityRun
from lindung.eligibility.services import apply_eligibility
from lindung.eligibility.tests.conftest import ON

pytestmark = pytest.mark.django_db

LOA_KULU = {"village_id": "64.02.02.2003", "district_id": "64.02.02"}


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def applied(admin_user, rules, make_worker):
    """Three Tenggarong workers (one too old) and one Loa Kulu worker, applied."""
    workers = [
        make_worker(welfare_decile=1),
        make_worker(welfare_decile=2),
        make_worker(birth_date=dt.date(1959, 1, 10)),
        make_worker(welfare_decile=3, **LOA_KULU),
    ]
    apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)
    return workers


def test_the_summary_gives_the_rules_in_effect_and_the_counts_of_the_latest_run(
    client, admin_user, token_for, rules, applied
):
    body = client.get(
        f"/api/v1/programs/{rules.program_id}/eligibility", **_auth(token_for(admin_user))
    ).json()

    assert body["rules_in_effect"]["min_age"] == 18 and body["rules_in_effect"]["number"] == 1
    run = body["latest_run"]
    assert (run["workers"], run["eligible"], run["not_eligible"], run["within_cut"]) == (
        4, 3, 1, 3
    )  # fmt: skip
    assert {row["label"]: row["eligible"] for row in run["by_district"]} == {
        "Loa Kulu": 1, "Tenggarong": 2
    }  # fmt: skip
    assert run["by_reason"]["age_above"] == 1 and run["by_reason"]["decile_above"] == 0


def test_an_operator_counts_and_lists_only_their_own_district(
    client, tenggarong_operator, loa_kulu_operator, token_for, rules, applied
):
    token = token_for(loa_kulu_operator)
    summary = client.get(f"/api/v1/programs/{rules.program_id}/eligibility", **_auth(token))
    listed = client.get(f"/api/v1/programs/{rules.program_id}/eligibility/workers", **_auth(token))

    assert summary.json()["latest_run"]["workers"] == 1
    assert [row["worker_id"] for row in listed.json()["results"]] == [applied[3].pk]
    assert listed.json()["count"] == 1


def test_decisions_are_listed_with_reasons_in_indonesian_and_masked_niks(
    client, admin_user, token_for, rules, applied
):
    response = client.get(
        f"/api/v1/programs/{rules.program_id}/eligibility/workers?eligible=false",
        **_auth(token_for(admin_user)),
    )

    [row] = response.json()["results"]
    assert row["worker_id"] == applied[2].pk
    assert row["reasons"] == ["age_above"]
    assert row["decision"] == "tidak memenuhi: umur 67 tahun, batas 65"
    assert row["nik"].count("*") == 8


def test_eligible_workers_are_listed_in_priority_order_and_by_reason(
    client, admin_user, token_for, rules, applied
):
    token = token_for(admin_user)
    url = f"/api/v1/programs/{rules.program_id}/eligibility/workers"

    eligible = client.get(f"{url}?eligible=true", **_auth(token)).json()["results"]
    too_old = client.get(f"{url}?reason=age_above", **_auth(token)).json()["results"]

    assert [row["priority"] for row in eligible] == [1, 2, 3]
    assert [row["worker_id"] for row in eligible] == [w.pk for w in applied[:2]] + [applied[3].pk]
    assert [row["worker_id"] for row in too_old] == [applied[2].pk]


def test_listing_decisions_takes_a_bounded_number_of_queries(
    client, admin_user, token_for, rules, applied, make_worker
):
    token = token_for(admin_user)
    url = f"/api/v1/programs/{rules.program_id}/eligibility/workers"
    client.get(url, **_auth(token))  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        client.get(url, **_auth(token))
    for _ in range(5):
        make_worker()
    apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)
    with CaptureQueriesContext(connection) as many:
        client.get(url, **_auth(token))

    assert len(many) == len(few)


def test_a_leader_reads_counts_but_no_worker_and_an_auditor_nothing(
    client, leader, auditor, token_for, rules, applied
):
    leader_token, auditor_token = token_for(leader), token_for(auditor)
    url = f"/api/v1/programs/{rules.program_id}/eligibility"

    assert client.get(url, **_auth(leader_token)).json()["latest_run"]["workers"] == 4
    assert client.get(f"{url}/workers", **_auth(leader_token)).status_code == 403
    assert client.get(url, **_auth(auditor_token)).status_code == 403
    assert client.get(f"{url}/workers", **_auth(auditor_token)).status_code == 403


def test_an_administrator_runs_the_rules_over_the_api_and_follows_the_job(
    client, admin_user, token_for, rules, make_worker, run_tasks_inline
):
    make_worker()
    url = f"/api/v1/programs/{rules.program_id}/eligibility/run"
    token = token_for(admin_user)

    with run_tasks_inline():
        response = client.post(url, {"on": "2026-07-01"}, content_type="application/json",
                               **_auth(token))  # fmt: skip

    assert response.status_code == 202
    body = response.json()
    job = EligibilityJob.objects.get()
    assert (body["id"], body["status"], body["created"], body["message"]) == (
        job.pk, "queued", True, ""
    )  # fmt: skip
    assert (body["apply"], body["reference_date"], body["run_id"]) == (True, "2026-07-01", None)
    followed = client.get(
        f"/api/v1/programs/{rules.program_id}/eligibility/jobs/{job.pk}", **_auth(token)
    ).json()
    assert (followed["status"], followed["run_id"]) == ("done", EligibilityRun.objects.get().pk)
    assert followed["counts"] == {"workers": 1, "eligible": 1, "not_eligible": 0, "within_cut": 1}
    assert followed["impact"] == {
        "eligible_before": 0, "eligible_after": 1, "gained": 1, "lost": 0
    }  # fmt: skip
    assert AuditEvent.objects.filter(action="eligibility.run_requested").count() == 1
    assert AuditEvent.objects.filter(action="eligibility.run").count() == 1


def test_evaluating_without_apply_is_a_job_too_and_stores_no_run(
    client, admin_user, token_for, rules, make_worker, run_tasks_inline
):
    make_worker()
    token = token_for(admin_user)

    with run_tasks_inline():
        body = client.post(
            f"/api/v1/programs/{rules.program_id}/eligibility/run",
            {"apply": False, "on": "2026-07-01"}, content_type="application/json", **_auth(token),
        ).json()  # fmt: skip
    followed = client.get(
        f"/api/v1/programs/{rules.program_id}/eligibility/jobs/{body['id']}", **_auth(token)
    ).json()

    assert (followed["status"], followed["apply"], followed["run_id"]) == ("done", False, None)
    assert followed["counts"]["eligible"] == 1 and followed["impact"]["gained"] == 1
    assert not EligibilityRun.objects.exists()


def test_asking_again_over_the_api_returns_the_job_under_way(client, admin_user, token_for, rules):
    url = f"/api/v1/programs/{rules.program_id}/eligibility/run"
    token = token_for(admin_user)
    first = client.post(url, {}, content_type="application/json", **_auth(token)).json()

    again = client.post(url, {}, content_type="application/json", **_auth(token))

    assert again.status_code == 202
    body = again.json()
    assert (body["id"], body["status"], body["created"]) == (first["id"], "queued", False)
    assert body["message"] == ALREADY_REQUESTED
    assert EligibilityJob.objects.count() == 1


def test_asking_for_a_stored_run_while_a_dry_run_is_under_way_is_refused_over_the_api(
    client, admin_user, token_for, rules
):
    url = f"/api/v1/programs/{rules.program_id}/eligibility/run"
    token = token_for(admin_user)
    dry = client.post(
        url, {"apply": False, "on": "2026-07-01"}, content_type="application/json", **_auth(token)
    ).json()
    events = AuditEvent.objects.count()

    refused = client.post(
        url, {"apply": True, "on": "2026-07-01"}, content_type="application/json", **_auth(token)
    )

    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "Penjalanan lain aturan kelayakan program ini sedang berlangsung "
        "(penilaian tanpa menyimpan, tanggal acuan 1 Juli 2026). "
        "Tunggu sampai selesai, lalu minta penjalanan Anda lagi."
    }
    assert list(EligibilityJob.objects.values_list("pk", flat=True)) == [dry["id"]]
    assert AuditEvent.objects.count() == events


def test_a_failed_job_gives_its_reason_over_the_api(client, admin_user, token_for, rules):
    job = request_eligibility_run(actor=admin_user, program_id=rules.program_id, on=ON).job
    EligibilityJob.objects.filter(pk=job.pk).update(status="failed", error=STOPPED)

    body = client.get(
        f"/api/v1/programs/{rules.program_id}/eligibility/jobs/{job.pk}",
        **_auth(token_for(admin_user)),
    ).json()

    assert (body["status"], body["error"], body["counts"], body["run_id"]) == (
        "failed", STOPPED, None, None
    )  # fmt: skip


def test_an_operator_cannot_run_the_rules_nor_read_a_job(
    client, admin_user, tenggarong_operator, token_for, rules
):
    token = token_for(tenggarong_operator)
    response = client.post(
        f"/api/v1/programs/{rules.program_id}/eligibility/run", {},
        content_type="application/json", **_auth(token),
    )  # fmt: skip
    job = request_eligibility_run(actor=admin_user, program_id=rules.program_id, on=ON).job
    read = client.get(
        f"/api/v1/programs/{rules.program_id}/eligibility/jobs/{job.pk}", **_auth(token)
    )

    assert (response.status_code, read.status_code) == (403, 403)
    assert list(EligibilityJob.objects.values_list("requested_by", flat=True)) == [admin_user.pk]
    assert AuditEvent.objects.filter(action="eligibility.run_requested").count() == 1


def test_a_job_of_another_programme_is_not_found(client, admin_user, token_for, rules):
    job = request_eligibility_run(actor=admin_user, program_id=rules.program_id, on=ON).job

    response = client.get(
        f"/api/v1/programs/{rules.program_id + 1}/eligibility/jobs/{job.pk}",
        **_auth(token_for(admin_user)),
    )

    assert response.status_code == 404


def test_the_eligibility_endpoints_are_in_the_openapi_document(client, regions):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/programs/{program_id}/eligibility" in paths
    assert "/api/v1/programs/{program_id}/eligibility/workers" in paths
    assert "post" in paths["/api/v1/programs/{program_id}/eligibility/run"]
    assert "get" in paths["/api/v1/programs/{program_id}/eligibility/jobs/{job_id}"]
