"""`lindung import_workers`: one summary line, exit codes, dry runs and reports."""

import io

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from conftest import PASSWORD
from lindung.accounts.models import Role
from lindung.accounts.services import create_user
from lindung.audit.models import AuditEvent
from lindung.imports.models import ImportJob, ImportStatus
from lindung.imports.tests.sheets import HEADER, RINA, SITI, write_csv, write_xlsx
from lindung.registry.models import Worker

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_workers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def worker_list(tmp_path):
    bad = ["3", "6.40206E+15", "Tanpa NIK", "02-03-1985", "P", "6402061001", "", "", "Petani"]
    return write_csv(tmp_path / "daftar.csv", [HEADER, SITI, RINA, bad])


def test_import_prints_exactly_the_summary_line_and_saves(worker_list, admin_user):
    out, err = run(str(worker_list))

    assert out == "rows=3 created=2 updated=0 unchanged=0 rejected=1\n"
    assert err == ""
    assert set(Worker.objects.values_list("nik", flat=True)) == {SITI[1], RINA[1]}
    job = ImportJob.objects.get()
    assert (job.status, job.created_by) == (ImportStatus.DONE, admin_user)


def test_a_second_run_of_the_same_file_reports_every_row_unchanged(worker_list, admin_user):
    run(str(worker_list))
    out, _ = run(str(worker_list))
    assert out == "rows=3 created=0 updated=0 unchanged=2 rejected=1\n"
    assert Worker.objects.count() == 2


def test_a_dry_run_saves_nothing(worker_list, admin_user):
    out, _ = run(str(worker_list), "--dry-run")

    assert out == "rows=3 created=2 updated=0 unchanged=0 rejected=1\n"
    assert not Worker.objects.exists()
    assert not AuditEvent.objects.filter(worker_id__isnull=False).exists()
    assert ImportJob.objects.get().status == ImportStatus.CHECKED


def test_the_report_option_writes_the_list_back_with_a_status_column(
    worker_list, admin_user, tmp_path
):
    target = tmp_path / "laporan.xlsx"
    run(str(worker_list), "--dry-run", "--report", str(target))

    workbook = CalamineWorkbook.from_path(str(target))
    assert workbook.sheet_names == ["Data", "Ringkasan"]
    rows = workbook.get_sheet_by_name("Data").to_python()
    width = len(HEADER)
    assert rows[0][width:] == ["Status", "Keterangan"]
    assert [row[width] for row in rows[1:]] == ["akan ditambahkan", "akan ditambahkan", "DITOLAK"]
    assert "angka ilmiah" in rows[3][width + 1]
    assert rows[1][1] == SITI[1]  # the NIK is still text


def test_an_unreadable_file_exits_with_1_and_the_reason(tmp_path, admin_user):
    path = tmp_path / "catatan.csv"
    path.write_text("halo,dunia\n1,2\n")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_workers", str(path), stdout=out, stderr=err)
    assert exit_info.value.code == 1
    assert "Baris judul kolom tidak ditemukan" in err.getvalue()
    assert out.getvalue() == ""
    assert not ImportJob.objects.exists()


def test_a_missing_file_exits_with_1(tmp_path, admin_user):
    with pytest.raises(SystemExit) as exit_info:
        run(str(tmp_path / "tidak-ada.xlsx"))
    assert exit_info.value.code == 1


def test_an_unknown_profile_is_an_error(worker_list, admin_user):
    with pytest.raises(CommandError, match="Profil impor 'Tidak Ada' tidak ada"):
        run(str(worker_list), "--profile", "Tidak Ada")
    assert not ImportJob.objects.exists()


def test_the_sheet_option_picks_the_sheet(tmp_path, admin_user):
    path = write_xlsx(tmp_path / "daftar.xlsx", {"Lama": [HEADER, SITI], "Baru": [HEADER, RINA]})
    out, _ = run(str(path), "--sheet", "Baru")
    assert out == "rows=1 created=1 updated=0 unchanged=0 rejected=0\n"
    assert list(Worker.objects.values_list("nik", flat=True)) == [RINA[1]]


def test_the_import_is_made_as_the_named_user_within_their_area(
    worker_list, admin_user, loa_kulu_operator
):
    out, _ = run(str(worker_list), "--user", loa_kulu_operator.username)
    # Both people live in Tenggarong: outside the Loa Kulu operator's district.
    assert out == "rows=3 created=0 updated=0 unchanged=0 rejected=3\n"
    assert ImportJob.objects.get().created_by == loa_kulu_operator


def test_without_user_and_with_several_administrators_the_command_asks_for_one(
    worker_list, admin_user
):
    create_user(actor=None, username="admin2", role=Role.ADMIN, password=PASSWORD)
    with pytest.raises(CommandError, match="--user"):
        run(str(worker_list))
    with pytest.raises(CommandError, match="nobody"):
        run(str(worker_list), "--user", "nobody")
