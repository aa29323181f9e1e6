"""The engine on the shared sample files, and a save that is interrupted and resumed."""

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from lindung.audit.models import AuditEvent
from lindung.imports import engine
from lindung.imports.models import ImportJob, ImportStatus
from lindung.imports.places import VillageDirectory
from lindung.imports.rows import RowReader
from lindung.imports.services import (
    resume_interrupted_imports,
    start_import_pass,
    upload_import,
)
from lindung.imports.storage import outcomes_path, report_path
from lindung.imports.tests.sheets import (
    HEADER,
    SAMPLE_DTSEN,
    SAMPLE_EXPECTED,
    SAMPLE_XLSX,
    SITI,
    require_samples,
    write_csv,
    write_xlsx,
)
from lindung.registry.models import Worker

pytestmark = pytest.mark.django_db

# The sample's expected reasons, and the column each rejection must name.
COLUMN_FOR_REASON = {
    "nik": "NIK",
    "name": "Nama Lengkap",
    "birth": "Tgl. Lahir",
    "village": "Desa/Kel",
}


def import_file(actor, path, *, save=True):
    with path.open("rb") as handle:
        job = upload_import(actor=actor, file=handle, original_name=path.name)
    return start_import_pass(actor=actor, job_id=job.pk, save=save, in_background=False)


def sample_source_refs() -> dict[int, str]:
    """Row number in the sample sheet → its `ID Sumber`."""
    workbook = CalamineWorkbook.from_path(str(SAMPLE_XLSX))
    rows = workbook.get_sheet_by_name("Data Pekerja").iter_rows()
    refs = {}
    for index, row in enumerate(rows):
        if index > 3 and str(row[12]).startswith("S7-"):
            refs[index + 1] = row[12]
    return refs


def expected_outcomes() -> dict[str, tuple[str, str]]:
    with SAMPLE_EXPECTED.open(encoding="utf-8") as handle:
        return {row["id_sumber"]: (row["expected"], row["why"]) for row in csv.DictReader(handle)}


def worker_event_count() -> int:
    return AuditEvent.objects.filter(worker_id__isnull=False).count()


@pytest.fixture
def samples():
    require_samples()


# The sample district list -------------------------------------------------------------------


def test_every_sample_row_gets_the_expected_outcome_on_the_first_import(samples, admin_user):
    job = import_file(admin_user, SAMPLE_XLSX)
    outcomes = engine.read_outcomes(job)
    refs = sample_source_refs()
    expected = expected_outcomes()
    assert set(refs.values()) == set(expected)
    assert set(outcomes) == set(refs)
    for number, ref in refs.items():
        outcome, worker_id, message = outcomes[number]
        wanted, why = expected[ref]
        if wanted == "accepted":
            assert outcome == "created", (ref, message)
            assert Worker.objects.get(pk=worker_id).source_ref == ref
        else:
            assert outcome == "rejected", ref
            column = COLUMN_FOR_REASON[why.split()[0]]
            assert f"kolom '{column}'" in message, (ref, why, message)
            assert worker_id == ""
    accepted = sum(1 for wanted, _ in expected.values() if wanted == "accepted")
    assert job.status == ImportStatus.DONE
    assert (job.processed_rows, job.created, job.rejected) == (len(expected), accepted, 11)
    assert (job.updated, job.unchanged) == (0, 0)
    assert Worker.objects.count() == accepted
    refused = [ref for ref, (wanted, _) in expected.items() if wanted == "rejected"]
    assert not Worker.objects.filter(source_ref__in=refused).exists()


def test_a_check_of_the_sample_predicts_the_save_and_writes_no_worker(samples, admin_user):
    events_before = worker_event_count()
    checked = import_file(admin_user, SAMPLE_XLSX, save=False)
    assert checked.status == ImportStatus.CHECKED
    assert Worker.objects.count() == 0
    assert worker_event_count() == events_before
    assert checked.saved_through_row == 0
    predicted = {row: outcome for row, (outcome, _, _) in engine.read_outcomes(checked).items()}

    saved = start_import_pass(actor=admin_user, job_id=checked.pk, save=True, in_background=False)
    assert {row: outcome for row, (outcome, _, _) in engine.read_outcomes(saved).items()} == (
        predicted
    )
    assert (saved.created, saved.rejected) == (checked.created, checked.rejected)


def test_reimporting_the_sample_changes_nothing_and_the_audit_chain_holds(samples, admin_user):
    first = import_file(admin_user, SAMPLE_XLSX)
    stored = {w.pk: (w.version, w.updated_at) for w in Worker.objects.all()}
    events_before = worker_event_count()

    again = import_file(admin_user, SAMPLE_XLSX)

    assert (again.created, again.updated, again.rejected) == (0, 0, first.rejected)
    assert again.unchanged == first.created
    assert {w.pk: (w.version, w.updated_at) for w in Worker.objects.all()} == stored
    assert worker_event_count() == events_before
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith("OK ")


def test_the_dtsen_export_imports_with_codes_without_dots_and_sex_as_digits(samples, admin_user):
    job = import_file(admin_user, SAMPLE_DTSEN)
    rows = sum(1 for _ in SAMPLE_DTSEN.open(encoding="utf-8-sig")) - 1
    assert job.status == ImportStatus.DONE
    assert (job.processed_rows, job.created, job.rejected) == (rows, rows, 0)
    hajrah = Worker.objects.get(nik="6402024811783860")
    assert hajrah.full_name == "HAJRAH SALEH IDRIS"
    assert hajrah.village_id == "64.02.02.2007"
    assert hajrah.sex == "F"
    assert hajrah.welfare_decile == 2
    assert str(hajrah.birth_date) == "1978-11-08"


def test_the_sample_report_gives_every_row_a_status(samples, admin_user):
    job = import_file(admin_user, SAMPLE_XLSX)
    workbook = CalamineWorkbook.from_path(str(report_path(job)))
    assert workbook.sheet_names == ["Data Pekerja", "Ringkasan"]
    rows = workbook.get_sheet_by_name("Data Pekerja").to_python()
    assert rows[3][13:15] == ["Status", "Keterangan"]
    statuses = Counter(row[13] for row in rows[4:] if len(row) > 13 and row[13])
    assert statuses == {"baru": job.created, "DITOLAK": job.rejected}


# An interrupted save ------------------------------------------------------------------------


def seven_people(tmp_path):
    """Seven valid people in Jahab: chunks of three end at rows 4 and 7."""
    rows = [HEADER]
    for number in range(1, 8):
        nik = f"64020642038500{number:02d}"
        rows.append([str(number), nik, f"Pekerja {number}", "02-03-1985", "P", "6402061001",
                     f"08123456780{number}", "Jl. Pesut", "Petani"])  # fmt: skip
    return write_csv(tmp_path / "tujuh.csv", rows)


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 3)


def fail_on_second_chunk(monkeypatch):
    calls = []
    real_save = engine.save_checked_workers

    def save_then_fail(**kwargs):
        calls.append(len(kwargs["new"]))
        if len(calls) == 2:
            raise OSError("disk went away")
        return real_save(**kwargs)

    monkeypatch.setattr(engine, "save_checked_workers", save_then_fail)


@pytest.fixture
def interrupted(tmp_path, monkeypatch, admin_user, settings, small_chunks):
    real_save = engine.save_checked_workers
    fail_on_second_chunk(monkeypatch)
    path = seven_people(tmp_path)
    with path.open("rb") as handle:
        job = upload_import(actor=admin_user, file=handle, original_name=path.name)
    with pytest.raises(OSError, match="disk went away"):
        start_import_pass(actor=admin_user, job_id=job.pk, save=True, in_background=False)
    monkeypatch.setattr(engine, "save_checked_workers", real_save)
    return ImportJob.objects.get(pk=job.pk)


def test_an_interrupted_save_keeps_exactly_the_chunks_it_finished(interrupted):
    job = interrupted
    assert job.status == ImportStatus.FAILED
    assert job.error == "disk went away"
    assert job.saved_through_row == 4  # header on row 1, chunk one is rows 2-4
    assert (job.processed_rows, job.created) == (3, 3)
    assert sorted(Worker.objects.values_list("full_name", flat=True)) == [
        "Pekerja 1", "Pekerja 2", "Pekerja 3",
    ]  # fmt: skip
    assert len(outcomes_path(job).read_text().splitlines()) == 3
    failed = AuditEvent.objects.get(action="import.failed", object_id=str(job.pk))
    assert failed.context["saved_through_row"] == 4
    assert not AuditEvent.objects.filter(action="import.done").exists()


def test_a_resumed_save_writes_every_row_exactly_once(interrupted, admin_user):
    job = start_import_pass(actor=admin_user, job_id=interrupted.pk, save=True, in_background=False)

    assert job.status == ImportStatus.DONE
    assert (job.processed_rows, job.created, job.updated, job.rejected) == (7, 7, 0, 0)
    names = list(Worker.objects.order_by("full_name").values_list("full_name", flat=True))
    assert names == [f"Pekerja {n}" for n in range(1, 8)]
    lines = outcomes_path(job).read_text().splitlines()
    assert [line.split("\t")[:2] for line in lines] == [[str(r), "created"] for r in range(2, 9)]
    assert AuditEvent.objects.filter(action="worker.import").count() == 7
    rows = CalamineWorkbook.from_path(str(report_path(job))).get_sheet_by_name("Data").to_python()
    assert [row[9] for row in rows[1:]] == ["baru"] * 7
    done = AuditEvent.objects.get(action="import.done", object_id=str(job.pk))
    assert done.context["created"] == 7


def test_a_resumed_save_still_refuses_a_nik_repeated_from_a_saved_chunk(
    tmp_path, monkeypatch, admin_user, small_chunks
):
    real_save = engine.save_checked_workers
    fail_on_second_chunk(monkeypatch)
    rows = [HEADER]
    for number in range(1, 5):
        rows.append([str(number), f"64020642038500{number:02d}", f"Pekerja {number}",
                     "02-03-1985", "P", "6402061001", "", "", "Petani"])  # fmt: skip
    rows.append(
        [
            "5",
            "6402064203850001",
            "Pekerja Ulang",
            "02-03-1985",
            "P",
            "6402061001",
            "",
            "",
            "Petani",
        ]
    )
    path = write_csv(tmp_path / "ulang.csv", rows)
    with path.open("rb") as handle:
        job = upload_import(actor=admin_user, file=handle, original_name=path.name)
    with pytest.raises(OSError):
        start_import_pass(actor=admin_user, job_id=job.pk, save=True, in_background=False)
    monkeypatch.setattr(engine, "save_checked_workers", real_save)

    job = start_import_pass(actor=admin_user, job_id=job.pk, save=True, in_background=False)

    outcome, _, message = engine.read_outcomes(job)[6]
    assert (outcome, message) == ("rejected", "NIK sama dengan baris 2; baris ini dilewati")
    assert (job.created, job.rejected) == (4, 1)
    assert Worker.objects.count() == 4


def test_a_save_left_running_when_the_application_stopped_is_queued_again(
    tmp_path, admin_user, settings, small_chunks
):
    path = seven_people(tmp_path)
    with path.open("rb") as handle:
        job = upload_import(actor=admin_user, file=handle, original_name=path.name)
    # The process died after `start_import_pass` marked the job but before the task ran.
    start_import_pass(actor=admin_user, job_id=job.pk, save=True, in_background=True)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.SAVING
    assert Worker.objects.count() == 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    assert resume_interrupted_imports() == [job.pk]

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.processed_rows, job.created) == (7, 7)
    assert Worker.objects.count() == 7
    assert resume_interrupted_imports() == []


def test_a_check_left_running_is_started_again_from_the_top(tmp_path, admin_user, settings):
    path = seven_people(tmp_path)
    with path.open("rb") as handle:
        job = upload_import(actor=admin_user, file=handle, original_name=path.name)
    start_import_pass(actor=admin_user, job_id=job.pk, save=False, in_background=True)
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=5, created=5)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    assert resume_interrupted_imports() == [job.pk]

    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert (job.processed_rows, job.created) == (7, 7)
    assert len(outcomes_path(job).read_text().splitlines()) == 7
    assert Worker.objects.count() == 0


# One row, cell by cell ----------------------------------------------------------------------


def read_row(cells: dict[str, object]):
    """A row whose columns are the given fields, read as the engine reads it."""
    mapping = dict(enumerate(cells))
    return RowReader(mapping, VillageDirectory()).read(5, list(cells.values()))


def test_a_row_reads_rt_and_rw_out_of_the_address_and_rupiah_incomes(regions):
    row = read_row({
        "nik": "'6402 0642 0385 0003", "full_name": " Siti  Aminah ",
        "address": "Jl. Pesut RT 004/RW 002", "village": "JAHAB", "district": "TENGGARONG",
        "monthly_income": "Rp 1.500.000", "welfare_decile": "3", "sex": "Perempuan",
    })  # fmt: skip
    assert row.errors == {}
    assert row.values["nik"] == "6402064203850003"
    assert row.values["full_name"] == "Siti Aminah"
    assert (row.values["address"], row.values["rt"], row.values["rw"]) == (
        "Jl. Pesut",
        "004",
        "002",
    )
    assert row.values["village"] == "64.02.06.1001"
    assert (row.values["monthly_income"], row.values["welfare_decile"]) == (1_500_000, 3)
    assert row.values["sex"] == "F"
    assert row.notes == ["tanggal lahir diambil dari NIK"]


def test_a_row_splits_place_and_date_of_birth_written_in_one_column(regions):
    row = read_row({"nik": "6402064203850003", "birth_place_date": "Tenggarong, 12-03-1980",
                    "village_code": "6402061001"})  # fmt: skip
    assert row.values["birth_place"] == "Tenggarong"
    assert row.values["birth_date"] == dt.date(1980, 3, 12)
    assert row.notes == []


def test_a_row_collects_an_error_for_every_bad_cell_keyed_by_field(regions):
    row = read_row({
        "nik": 6402064203850000.0, "birth_date": "31-02-1985", "sex": "X",
        "village": "Kampung Baru", "sector": "Antariksa", "monthly_income": "sejuta",
    })  # fmt: skip
    assert set(row.errors) == {"nik", "birth_date", "sex", "village", "sector", "monthly_income"}
    assert "digit terakhirnya hilang" in row.errors["nik"][0]
    assert "tidak ada di kalender" in row.errors["birth_date"][0]
    assert "ada beberapa desa bernama 'Kampung Baru'" in row.errors["village"][0]
    assert row.errors["sector"] == ["sektor 'Antariksa' tidak dikenal"]


def test_a_nik_typed_into_a_number_cell_is_refused_with_the_excel_explanation(tmp_path, admin_user):
    number_cell = [*SITI[:1], 6402064203850000, *SITI[2:]]
    path = write_xlsx(tmp_path / "angka.xlsx", {"Data": [HEADER, number_cell]})
    job = import_file(admin_user, path)
    outcome, _, message = engine.read_outcomes(job)[2]
    assert outcome == "rejected"
    assert message.startswith("kolom 'NIK': NIK tersimpan sebagai angka di Excel")
    assert not Worker.objects.exists()
