import io

import pytest
from django.core.management import CommandError, call_command

from lindung.enrolment.models import BpjsParticipant, EnrolmentStatus, RegistrationBatch
from lindung.enrolment.tests.conftest import write_csv


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_bpjs_registration_writes_the_file_and_prints_the_batch(
    tmp_path, admin_user, program, candidate
):
    out = tmp_path / "batch.csv"

    printed = run("export_bpjs_registration", program.code, str(out))

    batch = RegistrationBatch.objects.get()
    assert printed == f"batch={batch} rows=1 sha256={batch.checksum}\n"
    assert "6402064203850003" in out.read_text(encoding="utf-8-sig")


def test_export_of_an_unknown_programme_fails_clearly(tmp_path, admin_user):
    with pytest.raises(CommandError, match="Program tidak-ada tidak ada"):
        run("export_bpjs_registration", "tidak-ada", str(tmp_path / "x.xlsx"))


def test_import_bpjs_result_prints_counts_and_unmatched_rows(tmp_path, admin_user, submitted):
    path = write_csv(
        tmp_path / "jawaban.csv",
        [
            "NIK,STATUS,NO KPJ,TGL KEPESERTAAN",
            "6402064203850003,Diterima,26012345678,01-06-2026",
            "6402061508709999,Diterima,26019999999,01-06-2026",
        ],
    )

    printed = run("import_bpjs_result", str(path))

    assert printed.splitlines() == [
        "activated=1 refused=0 unchanged=0 unmatched=1",
        "baris 3: Tidak ada pengajuan ke BPJS untuk NIK ini di wilayah Anda",
    ]
    submitted.refresh_from_db()
    assert submitted.status == EnrolmentStatus.ACTIVE


def test_import_bpjs_participants_needs_the_list_date(tmp_path, admin_user, tenggarong_worker):
    path = write_csv(tmp_path / "p.csv", ["NIK,NO KPJ,SEGMEN", f"{tenggarong_worker.nik},1,PU"])

    printed = run("import_bpjs_participants", str(path), "--as-of", "2026-09-30")

    assert printed.splitlines() == ["added=1 updated=0 unmatched=0"]
    assert BpjsParticipant.objects.get().payer == "employer"


def test_coverage_prints_covered_with_programme_funder_and_masked_kpj(admin_user, active):
    printed = run("coverage", "6402064203850003", "2026-06-01")

    lines = printed.splitlines()
    assert lines[:4] == [
        "covered",
        "program: Perlindungan Pekerja Rentan Kukar",
        "funders: APBD Kukar (100%)",
        "kpj: *******5678",
    ]


def test_coverage_prints_why_not(admin_user, active):
    lines = run("coverage", "6402064203850003", "2026-05-31").splitlines()
    assert lines[0] == "not covered"
    assert "3 Mei 2026" in lines[-1]


def test_coverage_of_an_unknown_nik_fails(admin_user):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run("coverage", "6402061508709999", "2026-06-01")
