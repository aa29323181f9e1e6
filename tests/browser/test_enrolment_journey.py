"""An administrator sets up a programme paid by the regency budget, runs its eligibility
rules, enrols the workers within the cut, sends the batch to BPJS, imports BPJS's answer and
looks up a worker's coverage, on the day it started and on an earlier day."""

import csv
import datetime as dt
import io

import pytest
from playwright.sync_api import expect

from lindung.eligibility.jobs import run_eligibility_job
from lindung.eligibility.models import EligibilityJob
from lindung.eligibility.services import adopt_version, create_draft
from lindung.enrolment.models import Enrolment, EnrolmentStatus
from lindung.programs.models import Program
from tests.browser.test_registration_journey import _log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_programme_enrols_its_eligible_workers_and_bpjs_answers(
    page, screens, tmp_path, settings, admin_user, tenggarong_worker, loa_kulu_worker
):
    settings.DATA_DIR = tmp_path
    today = dt.date.today()
    _log_in(page, admin_user.username)

    # The funder and its budget.
    page.goto("/programs/funders/new/")
    page.fill("input[name=name]", "APBD Kukar")
    page.select_option("select[name=kind]", "regency_budget")
    page.fill("input[name=membership_kind]", "SG")
    page.click("form.card button.btn-primary")
    page.fill("input[name=fiscal_year]", str(today.year + (today.month == 12)))
    page.fill("input[name=amount]", "10000000000")
    page.click("form.form-grid button")

    # The programme, paid wholly by the regency budget.
    page.goto("/programs/new/")
    page.fill("input[name=name]", "Perlindungan Pekerja Rentan Kukar")
    page.fill("input[name=owning_office]", "Dinas Transmigrasi dan Tenaga Kerja")
    page.fill("input[name=first_fiscal_year]", str(today.year))
    page.click("form.card button.btn-primary")
    program = Program.objects.get()
    page.goto(f"/programs/{program.pk}/shares/")
    page.fill("form.shares-form input[name^=funder_]", "100")
    page.click("form.shares-form button.btn-primary")
    expect(page.locator("#shares")).to_contain_text("APBD Kukar")

    # Eligibility: the default rules are adopted (their draft form is the eligibility
    # journey's subject), then run from the programme's eligibility page.
    version = create_draft(actor=admin_user, program_id=program.pk)
    adopt_version(
        actor=admin_user, program_id=program.pk, version_id=version.pk, effective_from=today
    )
    page.goto(f"/eligibility/{program.pk}/")
    page.click("#run-rules")
    expect(page.locator("#job-progress")).to_be_visible()
    run_eligibility_job(EligibilityJob.objects.get(program=program).pk)  # the task worker's part
    expect(page.locator("#run-totals")).to_be_visible()  # the polled page moved to the results
    page.screenshot(path=f"{screens}/enrolment-eligibility-run.png", full_page=True)

    # Enrol the workers within the cut.
    page.goto("/enrolments/enrol/")
    page.select_option("select[name=program]", str(program.pk))
    page.click("form.card button.btn-primary")
    expect(page.locator("#enrol-outcome")).to_be_visible()
    candidates = Enrolment.objects.filter(program=program, status=EnrolmentStatus.CANDIDATE)
    assert set(candidates.values_list("worker_id", flat=True)) == {
        tenggarong_worker.pk,
        loa_kulu_worker.pk,
    }

    # Send them to BPJS in a registration batch.
    page.goto("/enrolments/batches/")
    page.select_option("#batch-form select[name=program]", str(program.pk))
    page.select_option("#batch-form select[name=file_format]", "csv")
    page.click("#batch-form button.btn-primary")
    with page.expect_download() as download_info:
        page.click("#batch-download")
    sent = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(sent)))
    assert sorted(row["NIK"] for row in rows) == sorted(
        [tenggarong_worker.nik, loa_kulu_worker.nik]
    )
    page.screenshot(path=f"{screens}/enrolment-batch.png", full_page=True)

    # BPJS accepts Siti Aminah from today and refuses the other.
    answer = tmp_path / "jawaban-bpjs.csv"
    answer.write_text(
        "NIK,NAMA,STATUS,NO KPJ,TGL KEPESERTAAN,KETERANGAN\n"
        f"{tenggarong_worker.nik},Siti Aminah,Diterima,26012345678,{today:%d-%m-%Y},\n"
        f"{loa_kulu_worker.nik},Muhammad Yusuf,Ditolak,,,Data tidak padan Dukcapil\n"
        "6402061508709999,Tidak Dikenal,Diterima,26019999999,01-06-2026,\n",
        encoding="utf-8",
    )
    page.goto("/enrolments/bpjs/")
    page.select_option("#bpjs-form select[name=kind]", "answer")
    page.set_input_files("#bpjs-form input[name=file]", str(answer))
    page.click("#bpjs-form button.btn-primary")
    expect(page.locator("#count-activated")).to_have_text("1")
    expect(page.locator("#count-refused")).to_have_text("1")
    expect(page.locator("#unmatched")).to_contain_text("6402********9999")
    page.screenshot(path=f"{screens}/enrolment-bpjs-answer.png", full_page=True)

    # Coverage from the worker's page: covered today, not on an earlier day.
    page.goto(f"/workers/{tenggarong_worker.pk}/")
    expect(page.locator("#enrolment #coverage-result")).to_contain_text("Covered")
    expect(page.locator("#enrolment #coverage-result")).to_contain_text("*******5678")
    page.fill("#enrolment input[name=on]", (today - dt.timedelta(days=30)).isoformat())
    page.click("#enrolment form button")
    expect(page.locator("#coverage-result")).to_contain_text("Not covered")
    expect(page.locator("#coverage-result")).to_contain_text("Not enrolled in any programme.")
    page.screenshot(path=f"{screens}/enrolment-coverage.png", full_page=True)

    # The enrolment's own page: every move, from candidate to active.
    accepted = Enrolment.objects.get(worker=tenggarong_worker)
    page.goto(f"/enrolments/{accepted.pk}/")
    expect(page.locator("#enrolment-history tbody tr")).to_have_count(3)
    page.screenshot(path=f"{screens}/enrolment-detail.png", full_page=True)

    refused = Enrolment.objects.get(worker=loa_kulu_worker)
    assert (refused.status, refused.end_note) == (
        EnrolmentStatus.ENDED,
        "Data tidak padan Dukcapil",
    )
