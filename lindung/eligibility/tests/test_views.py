"""The eligibility pages: rule versions, draft, preview, adoption, run results, the worker
page's section and overrides; what each role sees."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD
from lindung.audit.models import AuditEvent
from lindung.eligibility.jobs import ALREADY_REQUESTED, STOPPED, request_eligibility_run
from lindung.eligibility.models import (
    EligibilityJob,
    EligibilityOverride,
    EligibilityRun,
    OverrideKind,
    RuleVersion,
)
from lindung.eligibility.services import apply_eligibility, create_draft
from lindung.eligibility.tests.conftest import ON

pytestmark = pytest.mark.django_db

LOA_KULU = {"village_id": "64.02.02.2003", "district_id": "64.02.02"}


def _login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def applied(admin_user, rules, make_worker):
    RuleVersion.objects.filter(pk=rules.pk).update(district_quotas={"64.02.06": 1})
    workers = {
        "first": make_worker(welfare_decile=1),
        "second": make_worker(welfare_decile=2),
        "old": make_worker(birth_date=dt.date(1959, 1, 10)),
        "loa_kulu": make_worker(**LOA_KULU),
    }
    run = apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)
    return run, workers


def test_the_programme_page_lists_versions_and_the_latest_counts(client, admin_user, applied):
    run, _workers = applied

    page = _login(client, admin_user).get(reverse("eligibility:program", args=[run.program_id]))

    body = page.content.decode()
    assert page.status_code == 200
    assert "badge-verified" in body and "18–65" in body
    assert 'id="run-totals"' in body and 'id="run-rules"' in body


def test_an_administrator_edits_a_draft_previews_it_and_puts_it_in_effect(
    client, admin_user, rules, make_worker
):
    make_worker(welfare_decile=5)
    _login(client, admin_user)
    created = client.post(reverse("eligibility:draft_create", args=[rules.program_id]))
    draft = RuleVersion.objects.get(status="draft")
    assert created.url == reverse("eligibility:draft_edit", args=[rules.program_id, draft.pk])

    form = {
        "min_age": 18, "max_age": 60, "max_welfare_decile": 5, "income_limit": "umk",
        "require_residence": "on", "exclude_active_elsewhere": "on", "version": draft.version,
        "quota_64.02.06": "250", "risk_perikanan": "1", "risk_perkebunan": "2",
    }  # fmt: skip
    saved = client.post(created.url, form)
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.max_age, draft.max_welfare_decile) == (60, 5)
    assert draft.district_quotas == {"64.02.06": 250}
    assert draft.sector_risk_order == ["perikanan", "perkebunan"]

    preview = client.get(
        reverse("eligibility:draft_preview", args=[rules.program_id, draft.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert preview.status_code == 200 and 'id="impact-result"' in preview.content.decode()
    assert "<html" not in preview.content.decode()

    adopted = client.post(
        reverse("eligibility:draft_adopt", args=[rules.program_id, draft.pk]),
        {"effective_from": (dt.date.today() + dt.timedelta(days=1)).isoformat()},
    )
    assert adopted.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "adopted"
    assert AuditEvent.objects.filter(action="eligibility_rules.adopt", object_id=str(draft.pk))
    assert AuditEvent.objects.filter(action="eligibility_rules.update").count() == 1


def test_an_adopted_version_cannot_be_edited(client, admin_user, rules):
    page = _login(client, admin_user).post(
        reverse("eligibility:draft_edit", args=[rules.program_id, rules.pk]), {"min_age": 20}
    )

    assert page.status_code == 302
    rules.refresh_from_db()
    assert rules.min_age == 18


def test_the_results_list_reasons_in_indonesian_and_the_cut(client, admin_user, applied):
    run, workers = applied
    url = reverse("eligibility:run_detail", args=[run.program_id, run.pk])
    _login(client, admin_user)

    too_old = client.get(url, {"reason": "age_above"}).content.decode()
    outside = client.get(url, {"cut": "quota"}).content.decode()

    assert "tidak memenuhi: umur 67 tahun, batas 65" in too_old
    assert workers["old"].full_name in too_old and workers["first"].full_name not in too_old
    assert "di luar kuota Kecamatan Tenggarong" in outside
    assert workers["second"].full_name in outside


def test_an_operator_sees_only_the_workers_of_their_district(client, loa_kulu_operator, applied):
    run, workers = applied

    page = _login(client, loa_kulu_operator).get(
        reverse("eligibility:run_detail", args=[run.program_id, run.pk])
    )

    body = page.content.decode()
    assert workers["loa_kulu"].full_name in body
    assert workers["first"].full_name not in body and workers["old"].full_name not in body


def test_a_leader_sees_counts_without_workers_and_an_auditor_nothing(
    client, leader, auditor, applied
):
    run, workers = applied
    url = reverse("eligibility:run_detail", args=[run.program_id, run.pk])

    as_leader = _login(client, leader).get(url).content.decode()
    assert 'id="counts-by-district"' in as_leader
    assert workers["first"].full_name not in as_leader
    client.logout()
    assert _login(client, auditor).get(url).status_code == 403


def test_running_the_rules_from_the_page_queues_a_job_and_shows_its_progress(
    client, admin_user, rules, make_worker
):
    make_worker()
    _login(client, admin_user)

    response = client.post(reverse("eligibility:run", args=[rules.program_id]))

    job = EligibilityJob.objects.get()
    job_url = reverse("eligibility:job", args=[rules.program_id, job.pk])
    assert response.status_code == 302 and response.url == job_url
    assert (job.status, job.apply, job.requested_by_id) == ("queued", True, admin_user.pk)
    event = AuditEvent.objects.get(action="eligibility.run_requested")
    assert (event.actor_id, event.context["job_id"]) == (admin_user.pk, job.pk)
    assert not EligibilityRun.objects.exists()
    page = client.get(job_url).content.decode()
    assert 'id="job-progress"' in page and 'hx-trigger="every 2s"' in page
    assert f'hx-get="{job_url}"' in page
    programme = client.get(reverse("eligibility:program", args=[rules.program_id]))
    assert f'href="{job_url}"' in programme.content.decode()


def test_when_the_run_is_stored_the_polled_page_takes_the_clerk_to_the_results(
    client, admin_user, rules, make_worker, run_tasks_inline
):
    make_worker()
    _login(client, admin_user)
    with run_tasks_inline():
        client.post(reverse("eligibility:run", args=[rules.program_id]))
    job = EligibilityJob.objects.get()
    job_url = reverse("eligibility:job", args=[rules.program_id, job.pk])

    polled = client.get(job_url, HTTP_HX_REQUEST="true")
    page = client.get(job_url).content.decode()

    run = EligibilityRun.objects.get()
    results = reverse("eligibility:run_detail", args=[rules.program_id, run.pk])
    assert job.status == "done" and job.run_id == run.pk
    assert polled.status_code == 200 and polled.headers["HX-Redirect"] == results
    assert 'id="job-done"' in page and f'href="{results}"' in page


def test_the_background_worker_runs_a_queued_job_that_the_page_then_leaves_for_the_results(
    client, admin_user, rules, make_worker, monkeypatch, django_capture_on_commit_callbacks
):
    # The worker drops "old" connections between tasks; in a test that is the test's own
    # transaction (PostgreSQL), so it keeps the connection here.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    make_worker()
    _login(client, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("eligibility:run", args=[rules.program_id]))
    job_url = reverse("eligibility:job", args=[rules.program_id, EligibilityJob.objects.get().pk])
    waiting = client.get(job_url, HTTP_HX_REQUEST="true")

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    done = client.get(job_url, HTTP_HX_REQUEST="true")

    run = EligibilityRun.objects.get()
    assert 'data-state="queued"' in waiting.content.decode()
    assert done.headers["HX-Redirect"] == reverse(
        "eligibility:run_detail", args=[rules.program_id, run.pk]
    )
    assert EligibilityJob.objects.get().status == "done"


def test_while_the_run_goes_on_the_poll_returns_only_the_progress(client, admin_user, rules):
    _login(client, admin_user)
    client.post(reverse("eligibility:run", args=[rules.program_id]))
    job = EligibilityJob.objects.get()
    EligibilityJob.objects.filter(pk=job.pk).update(status="running")

    polled = client.get(
        reverse("eligibility:job", args=[rules.program_id, job.pk]), HTTP_HX_REQUEST="true"
    )

    body = polled.content.decode()
    assert body.lstrip().startswith("<section") and 'data-state="running"' in body
    assert "HX-Redirect" not in polled.headers


def test_a_failed_run_shows_its_reason_and_no_traceback(client, admin_user, rules):
    _login(client, admin_user)
    client.post(reverse("eligibility:run", args=[rules.program_id]))
    job = EligibilityJob.objects.get()
    EligibilityJob.objects.filter(pk=job.pk).update(status="failed", error=STOPPED)
    job_url = reverse("eligibility:job", args=[rules.program_id, job.pk])

    polled = client.get(job_url, HTTP_HX_REQUEST="true")
    page = client.get(job_url).content.decode()
    programme = client.get(reverse("eligibility:program", args=[rules.program_id]))

    assert polled.headers["HX-Refresh"] == "true"
    assert 'id="job-failed"' in page and STOPPED in page and "Traceback" not in page
    assert 'id="run-again"' in page
    assert f'href="{job_url}"' in programme.content.decode()


def test_asking_again_while_a_run_is_queued_leads_to_that_run(client, admin_user, rules):
    _login(client, admin_user)
    client.post(reverse("eligibility:run", args=[rules.program_id]))
    job = EligibilityJob.objects.get()

    again = client.post(reverse("eligibility:run", args=[rules.program_id]), follow=True)

    assert again.redirect_chain[-1][0] == reverse(
        "eligibility:job", args=[rules.program_id, job.pk]
    )
    assert ALREADY_REQUESTED in again.content.decode()
    assert EligibilityJob.objects.count() == 1
    assert AuditEvent.objects.filter(action="eligibility.run_requested").count() == 1


def test_running_the_rules_while_a_dry_run_is_under_way_says_so_and_queues_nothing(
    client, admin_user, rules
):
    dry = request_eligibility_run(
        actor=admin_user, program_id=rules.program_id, on=ON, apply=False
    ).job
    events = AuditEvent.objects.count()

    response = _login(client, admin_user).post(
        reverse("eligibility:run", args=[rules.program_id]), follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("eligibility:program", args=[rules.program_id])
    page = response.content.decode()
    assert "penilaian tanpa menyimpan, tanggal acuan 1 Juli 2026" in page
    assert ALREADY_REQUESTED not in page
    assert list(EligibilityJob.objects.values_list("pk", flat=True)) == [dry.pk]
    assert AuditEvent.objects.count() == events


def test_without_rules_in_effect_the_page_says_so_and_queues_nothing(client, admin_user, program):
    response = _login(client, admin_user).post(
        reverse("eligibility:run", args=[program.pk]), follow=True
    )

    assert "belum memiliki aturan kelayakan" in response.content.decode()
    assert not EligibilityJob.objects.exists()


def test_only_administrators_run_the_rules_from_the_page(client, verifier, rules):
    response = _login(client, verifier).post(reverse("eligibility:run", args=[rules.program_id]))

    assert response.status_code == 403
    assert not EligibilityJob.objects.exists()
    assert not EligibilityRun.objects.exists()
    assert not AuditEvent.objects.filter(action="eligibility.run_requested").exists()


def test_only_administrators_follow_a_requested_run(client, admin_user, leader, rules):
    job = request_eligibility_run(actor=admin_user, program_id=rules.program_id, on=ON).job

    response = _login(client, leader).get(
        reverse("eligibility:job", args=[rules.program_id, job.pk])
    )
    programme = client.get(reverse("eligibility:program", args=[rules.program_id]))

    assert response.status_code == 403
    assert programme.status_code == 200 and 'id="run-job"' not in programme.content.decode()


def test_the_results_page_takes_a_bounded_number_of_queries(
    client, admin_user, applied, make_worker
):
    run, _workers = applied
    _login(client, admin_user)
    url = reverse("eligibility:run_detail", args=[run.program_id, run.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        make_worker()
    bigger = apply_eligibility(actor=admin_user, program_id=run.program_id, on=ON)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("eligibility:run_detail", args=[run.program_id, bigger.pk]))

    assert len(many) == len(few)


def test_the_worker_page_shows_the_decision_and_a_verifier_records_an_override(
    client, verifier, applied
):
    run, workers = applied
    old = workers["old"]
    _login(client, verifier)
    page = client.get(reverse("registry:worker_detail", args=[old.pk])).content.decode()
    assert 'id="eligibility"' in page
    assert "tidak memenuhi: umur 67 tahun, batas 65" in page

    response = client.post(
        reverse("eligibility:override_record", args=[run.program_id, old.pk]),
        {"kind": OverrideKind.EXCLUDE, "reason": "Sudah pindah ke luar daerah, cek lapangan."},
    )

    assert response.status_code == 302
    override = EligibilityOverride.objects.get()
    assert (override.worker_id, override.decided_by) == (old.pk, verifier)
    page = client.get(reverse("registry:worker_detail", args=[old.pk])).content.decode()
    assert "Sudah pindah ke luar daerah" in page


def test_an_operator_cannot_record_an_override(client, tenggarong_operator, applied):
    run, workers = applied

    response = _login(client, tenggarong_operator).post(
        reverse("eligibility:override_record", args=[run.program_id, workers["first"].pk]),
        {"kind": OverrideKind.EXCLUDE, "reason": "Alasan yang cukup panjang di sini."},
    )

    assert response.status_code == 403
    assert not EligibilityOverride.objects.exists()


def test_a_new_draft_starts_from_the_newest_version(admin_user, rules):
    RuleVersion.objects.filter(pk=rules.pk).update(max_age=60)

    draft = create_draft(actor=admin_user, program_id=rules.program_id)

    assert (draft.number, draft.status, draft.max_age) == (2, "draft", 60)
    assert AuditEvent.objects.filter(action="eligibility_rules.create").count() == 2


def test_an_administrator_adds_next_years_minimum_wage_audited(client, admin_user, program):
    from lindung.eligibility.models import MinimumWage

    response = _login(client, admin_user).post(
        reverse("eligibility:program_list"),
        {"year": 2027, "amount": 4_200_000, "legal_reference": "Kepgub Kaltim 2026"},
    )

    assert response.status_code == 302
    assert MinimumWage.objects.get(year=2027).amount == 4_200_000
    event = AuditEvent.objects.get(action="minimum_wage.set")
    assert (event.object_id, event.changes) == ("2027", {"amount": [None, 4_200_000]})
    page = client.get(reverse("eligibility:program_list")).content.decode()
    assert "Rp3.991.797" in page and "Rp4.200.000" in page


def test_a_leader_cannot_set_the_minimum_wage(client, leader, program):
    from lindung.eligibility.models import MinimumWage

    response = _login(client, leader).post(
        reverse("eligibility:program_list"), {"year": 2027, "amount": 1}
    )

    assert response.status_code == 403
    assert not MinimumWage.objects.filter(year=2027).exists()


def test_changing_a_filter_returns_only_the_list(client, admin_user, applied):
    run, workers = applied

    response = _login(client, admin_user).get(
        reverse("eligibility:run_detail", args=[run.program_id, run.pk]),
        {"eligible": "no"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert 'id="decision-list"' in body and "counts-by-district" not in body
    assert workers["old"].full_name in body and workers["first"].full_name not in body


def test_the_budget_left_after_the_cut_is_shown_only_to_those_who_see_the_budgets(
    client, admin_user, loa_kulu_operator, token_for, applied
):
    run, _ = applied
    funder = {"name": "APBD Kukar", "members_paid": 12, "left_after": 4_321_000}
    run.cut = (run.cut or {}) | {"budget": {"funders": [funder]}}
    run.save(update_fields=["cut"])
    url = reverse("eligibility:run_detail", args=[run.program_id, run.pk])
    api = f"/api/v1/programs/{run.program_id}/eligibility"

    admin_page = _login(client, admin_user).get(url).content.decode()
    operator_page = _login(client, loa_kulu_operator).get(url).content.decode()
    operator_api = client.get(
        api, HTTP_AUTHORIZATION=f"Bearer {token_for(loa_kulu_operator)}"
    ).json()

    assert "Rp4.321.000" in admin_page
    assert "Rp4.321.000" not in operator_page and "APBD Kukar" not in operator_page
    assert "budget" not in operator_api["latest_run"]["cut"]
