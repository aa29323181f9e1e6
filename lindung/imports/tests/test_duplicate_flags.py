"""Import rows that may be a worker already registered: imported, but flagged in the preview,
the counts and the report."""

import io

import pytest
from python_calamine import CalamineWorkbook

from conftest import LOA_KULU_VILLAGE, TENGGARONG_VILLAGE
from lindung.imports import engine, models
from lindung.imports.report import write_report
from lindung.imports.storage import report_path
from lindung.imports.tests.sheets import HEADER, RINA, write_csv
from lindung.imports.tests.test_engine import import_file
from lindung.registry.models import Worker

pytestmark = pytest.mark.django_db

# The conftest's Siti Aminah (NIK …0003, phone 0812-3456-7890) with the last NIK digit wrong.
SITI_AGAIN = ["1", "6402064203850004", "Siti Aminah", "02-03-1985", "P", TENGGARONG_VILLAGE,
              "081234567890", "Jl. Pesut 4", "Petani"]  # fmt: skip


def test_a_row_like_a_registered_worker_is_imported_and_flagged_with_who_and_the_score(
    tmp_path, tenggarong_worker, tenggarong_operator
):
    path = write_csv(tmp_path / "daftar.csv", [HEADER, SITI_AGAIN, RINA])

    job = import_file(tenggarong_operator, path, save=False)

    assert (job.created, job.rejected, job.possible_duplicates) == (2, 0, 1)
    (sample,) = job.preview["possible_duplicates"]
    assert sample["row"] == 2
    assert sample["message"].startswith(
        f"kemungkinan duplikat dari Siti Aminah (ID {tenggarong_worker.pk}, Jahab), skor "
    )
    outcome, _, message = engine.read_outcomes(job)[2]
    assert outcome == "created" and message == sample["message"]
    assert engine.read_outcomes(job)[3][2] == ""


def test_the_flagged_row_is_saved_and_the_report_says_why(
    tmp_path, tenggarong_worker, tenggarong_operator
):
    path = write_csv(tmp_path / "daftar.csv", [HEADER, SITI_AGAIN, RINA])
    job = import_file(tenggarong_operator, path, save=False)

    job = import_file(tenggarong_operator, path, save=True)

    assert Worker.objects.filter(nik="6402064203850004").exists()
    assert job.possible_duplicates == 1
    write_report(job)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(report_path(job).read_bytes()))
    rows = workbook.get_sheet_by_name("Data").to_python()
    assert rows[1][-2] == "baru"
    assert "kemungkinan duplikat dari Siti Aminah" in rows[1][-1]
    summary = dict(row[:2] for row in workbook.get_sheet_by_name("Ringkasan").to_python()[1:])
    assert summary["Kemungkinan duplikat"] == 1


def test_a_row_like_a_worker_of_another_district_names_only_the_district(
    tmp_path, tenggarong_worker, loa_kulu_operator
):
    row = [*SITI_AGAIN[:5], LOA_KULU_VILLAGE, *SITI_AGAIN[6:]]
    path = write_csv(tmp_path / "daftar.csv", [HEADER, row])

    job = import_file(loa_kulu_operator, path, save=False)

    (sample,) = job.preview["possible_duplicates"]
    assert sample["message"].startswith(
        f"kemungkinan duplikat dari pekerja di Kecamatan Tenggarong (ID {tenggarong_worker.pk}),"
    )
    assert "Siti" not in sample["message"] and "Jahab" not in sample["message"]


def test_a_row_with_the_nik_of_a_registered_worker_is_an_update_not_a_duplicate(
    tmp_path, tenggarong_worker, tenggarong_operator
):
    same = ["1", tenggarong_worker.nik, "Siti Aminah", "02-03-1985", "P", TENGGARONG_VILLAGE,
            "081234567890", "Jl. Pesut 9", "Petani"]  # fmt: skip
    path = write_csv(tmp_path / "daftar.csv", [HEADER, same])

    job = import_file(tenggarong_operator, path, save=False)

    assert (job.updated, job.possible_duplicates) == (1, 0)


def test_two_rows_of_one_new_person_in_the_same_file_are_flagged(tmp_path, tenggarong_operator):
    again = [*RINA[:1], "6402065506900003", *RINA[2:]]
    path = write_csv(tmp_path / "daftar.csv", [HEADER, RINA, again])

    job = import_file(tenggarong_operator, path, save=False)

    assert (job.created, job.possible_duplicates) == (2, 1)
    (sample,) = job.preview["possible_duplicates"]
    assert sample["row"] == 3
    assert sample["message"].startswith("kemungkinan duplikat dari baris 2, skor ")


def test_the_preview_page_counts_and_lists_the_flagged_rows(
    client, tmp_path, tenggarong_worker, tenggarong_operator
):
    path = write_csv(tmp_path / "daftar.csv", [HEADER, SITI_AGAIN, RINA])
    job = import_file(tenggarong_operator, path, save=False)
    client.force_login(tenggarong_operator)

    html = client.get(f"/imports/{job.pk}/").content.decode()

    assert 'data-count="possible_duplicates">1<' in html
    assert 'id="possible-duplicate-rows"' in html
    assert 'id="possible-duplicates-note"' in html
    assert "kemungkinan duplikat dari Siti Aminah" in html


def test_the_api_counts_the_flagged_rows(
    client, tmp_path, tenggarong_worker, tenggarong_operator, token_for
):
    path = write_csv(tmp_path / "daftar.csv", [HEADER, SITI_AGAIN, RINA])
    job = import_file(tenggarong_operator, path, save=False)

    response = client.get(
        f"/api/v1/imports/{job.pk}",
        headers={"Authorization": f"Bearer {token_for(tenggarong_operator)}"},
    )

    body = response.json()
    assert body["possible_duplicates"] == 1
    assert body["preview"]["possible_duplicates"][0]["row"] == 2


def test_a_namesake_born_the_same_day_with_the_same_serial_in_another_district_is_not_flagged(
    tmp_path, tenggarong_worker, admin_user
):
    # Siti Aminah of Loa Kulu: her NIK carries Loa Kulu's region, and Tenggarong's Siti the
    # same date and serial (each district's first registration of that day). Two people.
    loa_kulu_siti = ["1", "6402024203850003", "Siti Aminah", "02-03-1985", "P",
                     LOA_KULU_VILLAGE, "081355550000", "Jl. Poros 1", "Petani"]  # fmt: skip
    # The same Tenggarong Siti whose NIK region was mistyped as Loa Kulu's: a slip.
    slipped = ["2", "6402024203850003", "Siti Aminah", "02-03-1985", "P", TENGGARONG_VILLAGE,
               "081234567890", "Jl. Pesut 4", "Petani"]  # fmt: skip

    # Loa Kulu's Siti again, but with Tenggarong Siti's phone: worth a look after all.
    same_phone = [*loa_kulu_siti[:6], "081234567890", *loa_kulu_siti[7:]]

    def check(name, row):
        return import_file(admin_user, write_csv(tmp_path / name, [HEADER, row]), save=False)

    apart = check("a.csv", loa_kulu_siti)
    slip = check("b.csv", slipped)
    sharing = check("c.csv", same_phone)

    assert (apart.created, apart.possible_duplicates) == (1, 0)
    assert (slip.created, slip.possible_duplicates) == (1, 1)
    assert (sharing.created, sharing.possible_duplicates) == (1, 1)


# Its save judges on a second thread, through its own connection: it sees only what is committed.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_file_larger_than_the_row_check_limit_is_left_to_the_duplicate_search(
    tmp_path, tenggarong_worker, tenggarong_operator, monkeypatch
):
    monkeypatch.setattr(models, "DUPLICATE_CHECK_MAX_ROWS", 1)
    path = write_csv(tmp_path / "daftar.csv", [HEADER, SITI_AGAIN, RINA])

    job = import_file(tenggarong_operator, path, save=True)

    assert (job.created, job.possible_duplicates) == (2, 0)
    assert engine.read_outcomes(job)[2][2] == ""
    write_report(job)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(report_path(job).read_bytes()))
    summary = dict(row[:2] for row in workbook.get_sheet_by_name("Ringkasan").to_python()[1:])
    assert summary["Kemungkinan duplikat"].startswith("tidak diperiksa per baris")
