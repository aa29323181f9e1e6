import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.enrolment.graduation import graduate_to_self_paying
from lindung.enrolment.models import BpjsFileImport, Enrolment, EnrolmentStatus, RegistrationBatch
from lindung.enrolment.selectors import graduation_of

S = EnrolmentStatus


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_the_worker_page_shows_coverage_today_and_the_enrolment_history(
    signed_in, tenggarong_operator, active
):
    page = (
        signed_in(tenggarong_operator)
        .get(reverse("registry:worker_detail", args=[active.worker_id]))
        .content.decode()
    )

    assert 'id="enrolment"' in page
    assert "Perlindungan Pekerja Rentan Kukar" in page
    assert "*******5678" in page and "26012345678" not in page


def test_the_coverage_page_answers_for_a_past_date(signed_in, tenggarong_operator, active):
    response = signed_in(tenggarong_operator).get(
        reverse("enrolment:coverage"), {"nik": "6402064203850003", "on": "2026-05-31"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "coverage-submitted" in page
    assert "3 Mei 2026" in page


def test_the_coverage_page_does_not_find_a_worker_of_another_district(
    signed_in, loa_kulu_operator, active
):
    response = signed_in(loa_kulu_operator).get(
        reverse("enrolment:coverage"), {"nik": "6402064203850003", "on": "2026-06-01"}
    )
    assert "coverage-result" not in response.content.decode()
    assert response.status_code == 200


def test_the_enrol_page_makes_candidates_from_typed_niks(
    signed_in, tenggarong_operator, program, tenggarong_worker
):
    response = signed_in(tenggarong_operator).post(
        reverse("enrolment:enrol"), {"program": program.pk, "niks": tenggarong_worker.nik}
    )

    assert response.status_code == 200
    assert Enrolment.objects.get().status == S.CANDIDATE
    assert 'id="enrol-outcome"' in response.content.decode()


def test_the_batch_page_exports_and_offers_the_download(signed_in, admin_user, program, candidate):
    client = signed_in(admin_user)
    response = client.post(
        reverse("enrolment:batch_list"), {"program": program.pk, "file_format": "csv"}
    )

    batch = RegistrationBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enrolment:batch_detail", args=[batch.pk])
    download = client.get(reverse("enrolment:batch_file", args=[batch.pk]))
    assert b"6402064203850003" in b"".join(download.streaming_content)


def test_the_batch_page_shows_the_budget_refusal(signed_in, admin_user, apbd, program, candidate):
    from lindung.programs.services import set_funding_budget

    set_funding_budget(actor=admin_user, funding_source_id=apbd.pk, fiscal_year=2026, amount=0)
    set_funding_budget(actor=admin_user, funding_source_id=apbd.pk, fiscal_year=2027, amount=0)

    response = signed_in(admin_user).post(
        reverse("enrolment:batch_list"), {"program": program.pk, "file_format": "xlsx"}
    )

    assert response.status_code == 200
    assert "tidak cukup" in response.content.decode()
    assert not RegistrationBatch.objects.exists()


def test_a_leader_cannot_open_the_enrolment_pages(signed_in, leader, active):
    client = signed_in(leader)
    assert client.get(reverse("enrolment:enrolment_list")).status_code == 403
    assert client.get(reverse("enrolment:enrolment_detail", args=[active.pk])).status_code == 403


def test_an_operator_of_another_district_gets_404_for_the_enrolment(
    signed_in, loa_kulu_operator, active
):
    client = signed_in(loa_kulu_operator)
    url = reverse("enrolment:enrolment_detail", args=[active.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        reverse("enrolment:enrolment_move", args=[active.pk, "end"]),
        {"reason": "withdrew", "on": "2026-07-01", "note": "", "version": active.version},
    )
    assert response.status_code == 404
    active.refresh_from_db()
    assert active.status == S.ACTIVE


def test_ending_an_enrolment_from_its_page(signed_in, tenggarong_operator, active):
    response = signed_in(tenggarong_operator).post(
        reverse("enrolment:enrolment_move", args=[active.pk, "end"]),
        {"reason": "deceased", "on": "2026-08-14", "note": "", "version": active.version},
    )

    assert response.status_code == 302
    active.refresh_from_db()
    assert (active.status, active.end_reason) == (S.ENDED, "deceased")


def test_uploading_a_bpjs_answer_shows_its_counts_and_unmatched_rows(
    signed_in, admin_user, submitted
):
    upload = SimpleUploadedFile(
        "jawaban.csv",
        b"NIK,STATUS,NO KPJ,TGL KEPESERTAAN\n"
        b"6402064203850003,Diterima,26012345678,01-06-2026\n"
        b"6402061508709999,Diterima,26019999999,01-06-2026\n",
    )
    client = signed_in(admin_user)

    response = client.post(reverse("enrolment:bpjs_files"), {"kind": "answer", "file": upload})

    record = BpjsFileImport.objects.get()
    assert response["Location"] == reverse("enrolment:bpjs_file_detail", args=[record.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="unmatched"' in page and "6402********9999" in page
    report = client.get(reverse("enrolment:bpjs_report", args=[record.pk]))
    assert "6402061508709999" in report.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="enrolment.bpjs_report_download").exists()


def test_the_graduation_letter_says_what_to_pay_and_by_when(signed_in, admin_user, active):
    graduation = graduate_to_self_paying(user=admin_user, enrolment=active, on=dt.date(2026, 10, 1))

    page = (
        signed_in(admin_user)
        .get(reverse("enrolment:graduation_letter", args=[graduation.pk]))
        .content.decode()
    )

    assert "Rp16.800" in page
    assert "1 Oktober 2026" in page
    assert "paling lambat tanggal 15" in page
    assert "@media print" in page


def test_the_enrolment_page_links_its_graduation_letter(signed_in, tenggarong_operator, active):
    detail = reverse("enrolment:enrolment_detail", args=[active.pk])
    client = signed_in(tenggarong_operator)
    assert graduation_of(active) is None
    assert "/letter/" not in client.get(detail).content.decode()

    graduation = graduate_to_self_paying(
        user=tenggarong_operator, enrolment=active, on=dt.date(2026, 10, 1)
    )

    assert graduation_of(active) == graduation
    letter = reverse("enrolment:graduation_letter", args=[graduation.pk])
    assert letter in client.get(detail).content.decode()


def test_another_districts_operator_sees_neither_the_enrolment_nor_its_letter(
    signed_in, admin_user, loa_kulu_operator, active
):
    graduation = graduate_to_self_paying(user=admin_user, enrolment=active, on=dt.date(2026, 10, 1))
    client = signed_in(loa_kulu_operator)

    assert client.get(reverse("enrolment:enrolment_detail", args=[active.pk])).status_code == 404
    letter = client.get(reverse("enrolment:graduation_letter", args=[graduation.pk]))
    assert letter.status_code == 404
    assert "Rp16.800" not in letter.content.decode()


def test_the_programme_include_shows_graduation_figures(admin_user, active):
    graduate_to_self_paying(user=admin_user, enrolment=active, on=dt.date(2026, 7, 1))
    request = RequestFactory().get("/")
    request.user = admin_user

    html = Template('{% include "enrolment/program_figures.html" %}').render(
        Context({"program": active.program, "request": request})
    )

    assert 'id="graduation-figures"' in html
    assert "<strong>1</strong>" in html
