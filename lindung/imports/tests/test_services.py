"""Uploading, mapping, checking and saving worker lists through the import services."""

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook

from conftest import TENGGARONG_VILLAGE
from lindung.audit.models import AuditEvent
from lindung.core.exceptions import DomainError, NotFound, PermissionDenied
from lindung.imports import engine
from lindung.imports.columns import FIELD_LABELS
from lindung.imports.models import ImportJob, ImportProfile, ImportStatus
from lindung.imports.selectors import get_import_for_user, imports_for_user
from lindung.imports.services import (
    choose_import_sheet,
    delete_import,
    save_import_profile,
    set_import_mapping,
    start_import_pass,
    upload_import,
)
from lindung.imports.storage import import_dir
from lindung.imports.tests.sheets import (
    HEADER,
    RINA,
    SAMPLE_XLSX,
    SITI,
    YUSUF,
    require_samples,
    write_csv,
    write_xlsx,
)
from lindung.registry.models import Worker

pytestmark = pytest.mark.django_db


def upload(actor, path, **kwargs):
    with path.open("rb") as handle:
        return upload_import(actor=actor, file=handle, original_name=path.name, **kwargs)


def import_file(actor, path, *, save=True):
    job = upload(actor, path)
    return start_import_pass(actor=actor, job_id=job.pk, save=save, in_background=False)


def outcome_of(job, row):
    outcome, _, message = engine.read_outcomes(job)[row]
    return outcome, message


def worker_events():
    return list(AuditEvent.objects.filter(worker_id__isnull=False).order_by("sequence"))


# Upload and mapping -------------------------------------------------------------------------


def test_upload_keeps_the_file_finds_the_header_and_guesses_the_mapping(tmp_path, admin_user):
    path = write_csv(tmp_path / "daftar.csv", [["Daftar pekerja"], [], HEADER, SITI, RINA])
    job = upload(admin_user, path)

    assert job.status == ImportStatus.UPLOADED
    assert (job.header_row, job.headers, job.total_rows) == (2, HEADER, 2)
    assert job.mapping == {
        "1": "nik", "2": "full_name", "3": "birth_date", "4": "sex", "5": "village_code",
        "6": "phone", "7": "address", "8": "occupation",
    }  # fmt: skip
    assert (import_dir(job.pk) / job.stored_name).read_bytes() == path.read_bytes()
    event = AuditEvent.objects.get(action="import.upload")
    assert event.object_id == str(job.pk)
    assert event.context == {
        "file": "daftar.csv", "sha256": job.checksum, "size": path.stat().st_size,
        "sheet": "", "rows": 2,
    }  # fmt: skip
    assert len(job.checksum) == 64


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"halo,dunia\n1,2\n", "header"),
        (b"PK\x03\x04 not a workbook", "spreadsheet"),
    ],
)
def test_an_unreadable_upload_is_refused_and_leaves_no_job_nor_file(
    tmp_path, admin_user, content, reason
):
    path = tmp_path / ("rusak.xlsx" if reason == "spreadsheet" else "rusak.csv")
    path.write_bytes(content)
    with pytest.raises(DomainError) as error:
        upload(admin_user, path)
    assert error.value.message
    assert not ImportJob.objects.exists()
    assert not AuditEvent.objects.filter(action="import.upload").exists()
    assert not any((tmp_path / "data" / "imports").glob("*/*"))


def test_a_role_without_edit_rights_cannot_upload(tmp_path, leader, auditor):
    path = write_csv(tmp_path / "daftar.csv", [HEADER, SITI])
    for user in (leader, auditor):
        with pytest.raises(PermissionDenied):
            upload(user, path)
    assert not ImportJob.objects.exists()


def test_a_mapping_without_nik_name_or_village_is_refused_naming_them(tmp_path, admin_user):
    job = upload(admin_user, write_csv(tmp_path / "daftar.csv", [HEADER, SITI]))
    with pytest.raises(DomainError) as error:
        set_import_mapping(actor=admin_user, job_id=job.pk, mapping={"3": "birth_date"})
    assert all(
        str(FIELD_LABELS[name]) in error.value.message for name in ("nik", "full_name", "village")
    )
    job.refresh_from_db()
    assert job.mapping["1"] == "nik"
    assert not AuditEvent.objects.filter(action="import.mapping").exists()


def test_a_corrected_mapping_is_kept_audited_and_saved_as_a_profile(tmp_path, admin_user):
    job = upload(admin_user, write_csv(tmp_path / "daftar.csv", [HEADER, SITI]))
    mapping = {"1": "nik", "2": "full_name", "5": "village_code", "7": ""}
    job = set_import_mapping(actor=admin_user, job_id=job.pk, mapping=mapping, profile_name="Desa")

    assert job.mapping == {"1": "nik", "2": "full_name", "5": "village_code"}
    event = AuditEvent.objects.get(action="import.mapping")
    assert event.changes["mapping"][1] == job.mapping
    profile = ImportProfile.objects.get(name="Desa")
    assert profile.mapping == {"nik": "nik", "nama": "full_name", "kode desa": "village_code"}

    # The next file of that kind, with its columns in another order, gets the profile.
    reordered = [HEADER[5], HEADER[2], HEADER[1], HEADER[3]]
    other = write_csv(tmp_path / "lain.csv", [reordered, [SITI[5], SITI[2], SITI[1], SITI[3]]])
    next_job = upload(admin_user, other, profile_id=profile.pk)
    assert next_job.mapping == {
        "0": "village_code",
        "1": "full_name",
        "2": "nik",
        "3": "birth_date",
    }


def test_mapping_two_columns_to_one_field_is_refused(tmp_path, admin_user):
    job = upload(admin_user, write_csv(tmp_path / "daftar.csv", [HEADER, SITI]))
    with pytest.raises(DomainError, match="Nama"):
        set_import_mapping(
            actor=admin_user, job_id=job.pk,
            mapping={"1": "nik", "2": "full_name", "7": "full_name", "5": "village_code"},
        )  # fmt: skip


def test_another_sheet_can_be_read_after_upload_with_a_fresh_mapping_audited(tmp_path, admin_user):
    other_header = ["NIK", "Nama", "Desa/Kel"]
    path = write_xlsx(
        tmp_path / "daftar.xlsx",
        {"Petani": [HEADER, SITI, RINA], "Nelayan": [["Nelayan 2025"], other_header, YUSUF[1:4]]},
    )
    job = upload(admin_user, path)
    job = start_import_pass(actor=admin_user, job_id=job.pk, save=False, in_background=False)
    assert (job.sheet, job.status, job.total_rows) == ("Petani", ImportStatus.CHECKED, 2)

    job = choose_import_sheet(actor=admin_user, job_id=job.pk, sheet="Nelayan")

    job.refresh_from_db()
    assert (job.sheet, job.header_row, job.headers, job.total_rows) == (
        "Nelayan",
        1,
        other_header,
        1,
    )
    assert job.mapping == {"0": "nik", "1": "full_name", "2": "village"}
    assert (job.status, job.processed_rows, job.preview) == (ImportStatus.UPLOADED, 0, {})
    event = AuditEvent.objects.get(action="import.sheet")
    assert (event.object_id, event.changes, event.context) == (
        str(job.pk),
        {"sheet": ["Petani", "Nelayan"]},
        {"rows": 1},
    )


def test_a_sheet_the_file_does_not_have_is_refused_and_the_job_stays_as_it_was(
    tmp_path, admin_user
):
    path = write_xlsx(tmp_path / "daftar.xlsx", {"Petani": [HEADER, SITI], "Lain": [["x"]]})
    job = upload(admin_user, path)

    with pytest.raises(DomainError, match="Rekap"):
        choose_import_sheet(actor=admin_user, job_id=job.pk, sheet="Rekap")

    job.refresh_from_db()
    assert (job.sheet, job.headers, job.status) == ("Petani", HEADER, ImportStatus.UPLOADED)
    assert not AuditEvent.objects.filter(action="import.sheet").exists()


def test_the_sheet_of_a_saved_import_cannot_be_changed(tmp_path, admin_user):
    path = write_xlsx(tmp_path / "daftar.xlsx", {"Petani": [HEADER, SITI], "Lain": [HEADER]})
    job = import_file(admin_user, path)

    with pytest.raises(DomainError):
        choose_import_sheet(actor=admin_user, job_id=job.pk, sheet="Lain")

    job.refresh_from_db()
    assert (job.sheet, job.status) == ("Petani", ImportStatus.DONE)


def test_an_operator_cannot_change_the_sheet_of_someone_elses_import(
    tmp_path, admin_user, loa_kulu_operator
):
    path = write_xlsx(tmp_path / "daftar.xlsx", {"Petani": [HEADER, SITI], "Lain": [HEADER]})
    job = upload(admin_user, path)

    with pytest.raises(NotFound):
        choose_import_sheet(actor=loa_kulu_operator, job_id=job.pk, sheet="Lain")

    job.refresh_from_db()
    assert job.sheet == "Petani"


def test_an_unknown_profile_is_refused(tmp_path, admin_user):
    with pytest.raises(NotFound):
        upload(admin_user, write_csv(tmp_path / "daftar.csv", [HEADER, SITI]), profile_id=999)


def test_a_user_sees_only_their_own_imports_and_an_administrator_sees_all(
    tmp_path, admin_user, tenggarong_operator, loa_kulu_operator
):
    path = write_csv(tmp_path / "daftar.csv", [HEADER, SITI])
    mine = upload(tenggarong_operator, path)
    theirs = upload(loa_kulu_operator, path)
    assert list(imports_for_user(tenggarong_operator)) == [mine]
    assert set(imports_for_user(admin_user)) == {mine, theirs}
    with pytest.raises(NotFound):
        get_import_for_user(tenggarong_operator, theirs.pk)
    with pytest.raises(NotFound):
        start_import_pass(actor=tenggarong_operator, job_id=theirs.pk, save=True)
    assert ImportJob.objects.get(pk=theirs.pk).status == ImportStatus.UPLOADED


# Checking and saving ------------------------------------------------------------------------


def test_a_dry_run_writes_no_worker_and_no_worker_event(tmp_path, admin_user):
    job = import_file(admin_user, write_csv(tmp_path / "d.csv", [HEADER, SITI, RINA]), save=False)

    assert job.status == ImportStatus.CHECKED
    assert (job.processed_rows, job.created, job.rejected) == (2, 2, 0)
    assert job.saved_through_row == 0
    assert not Worker.objects.exists()
    assert worker_events() == []
    assert not AuditEvent.objects.filter(action="import.done").exists()
    assert job.preview["created"][0] == {"row": 2, "name": "Siti Aminah", "message": ""}


def test_a_save_creates_workers_with_events_naming_the_import_and_row(tmp_path, admin_user):
    job = import_file(admin_user, write_csv(tmp_path / "d.csv", [HEADER, SITI, YUSUF]))

    assert job.status == ImportStatus.DONE
    siti = Worker.objects.get(nik=SITI[1])
    assert (siti.full_name, siti.village_id, siti.sex) == ("Siti Aminah", TENGGARONG_VILLAGE, "F")
    assert siti.birth_date == dt.date(1985, 3, 2)
    assert siti.created_by == admin_user
    events = worker_events()
    assert [(e.action, e.worker_id, e.context["row"]) for e in events] == [
        ("worker.import", siti.pk, 2),
        ("worker.import", Worker.objects.get(nik=YUSUF[1]).pk, 3),
    ]
    assert all(e.context["import"] == job.pk for e in events)
    assert all(e.context["file_sha256"] == job.checksum for e in events)


def test_every_import_records_its_upload_and_its_end_with_file_checksum_and_counts(
    tmp_path, admin_user
):
    job = import_file(admin_user, write_csv(tmp_path / "d.csv", [HEADER, SITI, SITI]))

    actions = list(
        AuditEvent.objects.filter(object_type="import", object_id=str(job.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["import.upload", "import.save", "import.done"]
    done = AuditEvent.objects.get(action="import.done")
    assert done.context == {
        "file": "d.csv", "sha256": job.checksum, "rows": 2,
        "created": 1, "updated": 0, "unchanged": 0, "rejected": 1,
    }  # fmt: skip
    assert AuditEvent.objects.get(action="import.upload").context["sha256"] == job.checksum


def test_a_nik_twice_in_one_file_is_refused_the_second_time_naming_the_first_row(
    tmp_path, admin_user
):
    twin = [*RINA[:1], SITI[1], *RINA[2:]]
    job = import_file(admin_user, write_csv(tmp_path / "d.csv", [HEADER, SITI, RINA, twin]))

    assert outcome_of(job, 4) == ("rejected", "NIK sama dengan baris 2; baris ini dilewati")
    assert (job.created, job.rejected) == (2, 1)
    assert Worker.objects.get(nik=SITI[1]).full_name == "Siti Aminah"


def test_rows_outside_the_operators_district_are_refused_and_none_of_them_saved(
    tmp_path, loa_kulu_operator
):
    job = import_file(loa_kulu_operator, write_csv(tmp_path / "d.csv", [HEADER, SITI, YUSUF, RINA]))

    assert (job.created, job.rejected) == (1, 2)
    for row in (2, 4):
        outcome, message = outcome_of(job, row)
        assert outcome == "rejected"
        assert message.startswith("kolom 'Kode Desa': ")
    assert list(Worker.objects.values_list("nik", flat=True)) == [YUSUF[1]]
    assert all(e.context["row"] == 3 for e in worker_events())


def test_a_nik_held_by_a_worker_of_another_district_is_refused_without_naming_them(
    tmp_path, loa_kulu_operator, tenggarong_worker
):
    row = [*YUSUF[:1], tenggarong_worker.nik, "Orang Lain", *YUSUF[3:]]
    events_before = worker_events()
    job = import_file(loa_kulu_operator, write_csv(tmp_path / "d.csv", [HEADER, row]))

    outcome, message = outcome_of(job, 2)
    assert (outcome, message) == ("rejected", "NIK ini terdaftar di wilayah lain")
    tenggarong_worker_after = Worker.objects.get(pk=tenggarong_worker.pk)
    assert tenggarong_worker_after.full_name == "Siti Aminah"
    assert tenggarong_worker_after.version == tenggarong_worker.version
    assert Worker.objects.count() == 1
    assert worker_events() == events_before
    assert "Siti" not in str(job.preview)


def test_empty_cells_never_erase_stored_values(tmp_path, admin_user, tenggarong_worker):
    sparse = ["1", tenggarong_worker.nik, "Siti Aminah", "", "", TENGGARONG_VILLAGE, "", "", ""]
    job = import_file(admin_user, write_csv(tmp_path / "d.csv", [HEADER, sparse]))

    assert outcome_of(job, 2)[0] == "unchanged"
    stored = Worker.objects.get(pk=tenggarong_worker.pk)
    assert stored.phone == tenggarong_worker.phone
    assert stored.address == tenggarong_worker.address
    assert stored.birth_date == tenggarong_worker.birth_date
    assert stored.occupation == tenggarong_worker.occupation
    assert stored.version == tenggarong_worker.version


def test_a_changed_cell_updates_the_stored_worker_with_an_audited_before_and_after(
    tmp_path, admin_user, tenggarong_worker
):
    row = ["1", tenggarong_worker.nik, "Siti Aminah", "", "", TENGGARONG_VILLAGE,
           "081399998888", "", ""]  # fmt: skip
    job = import_file(admin_user, write_csv(tmp_path / "d.csv", [HEADER, row]))

    assert outcome_of(job, 2) == ("updated", "diubah: kolom 'No HP'")
    stored = Worker.objects.get(pk=tenggarong_worker.pk)
    assert stored.version == tenggarong_worker.version + 1
    event = AuditEvent.objects.get(action="worker.update", worker_id=stored.pk)
    assert event.changes == {"phone": [tenggarong_worker.phone, stored.phone]}
    assert event.context["import"] == job.pk
    assert event.context["row"] == 2


def test_a_checked_file_cannot_be_checked_again_after_it_was_saved(tmp_path, admin_user):
    job = import_file(admin_user, write_csv(tmp_path / "d.csv", [HEADER, SITI]))
    for save in (False, True):
        with pytest.raises(DomainError):
            start_import_pass(actor=admin_user, job_id=job.pk, save=save, in_background=False)
    assert Worker.objects.count() == 1


def test_an_unsaved_import_can_be_deleted_with_its_files_but_a_saved_one_stays(
    tmp_path, admin_user, django_capture_on_commit_callbacks
):
    checked = import_file(admin_user, write_csv(tmp_path / "a.csv", [HEADER, SITI]), save=False)
    folder = import_dir(checked.pk)
    with django_capture_on_commit_callbacks(execute=True):
        delete_import(actor=admin_user, job_id=checked.pk)
    assert not ImportJob.objects.filter(pk=checked.pk).exists()
    assert not folder.exists()
    assert AuditEvent.objects.get(action="import.delete").context["file"] == "a.csv"

    saved = import_file(admin_user, write_csv(tmp_path / "b.csv", [HEADER, RINA]))
    with pytest.raises(DomainError):
        delete_import(actor=admin_user, job_id=saved.pk)
    assert ImportJob.objects.filter(pk=saved.pk).exists()


def test_a_queued_pass_runs_in_the_background_task(
    tmp_path, admin_user, inline_tasks, django_capture_on_commit_callbacks
):
    job = upload(admin_user, write_csv(tmp_path / "d.csv", [HEADER, SITI, RINA]))
    with django_capture_on_commit_callbacks(execute=True):
        queued = start_import_pass(actor=admin_user, job_id=job.pk, save=False)
    assert queued.status == ImportStatus.CHECKING
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert job.task_id
    assert (job.processed_rows, job.created) == (2, 2)


def test_a_profile_can_be_saved_from_a_job(tmp_path, admin_user):
    job = upload(admin_user, write_csv(tmp_path / "d.csv", [HEADER, SITI]))
    profile = save_import_profile(actor=admin_user, name=" Kecamatan ", job=job)
    assert profile.name == "Kecamatan"
    assert profile.mapping["no hp"] == "phone"
    event = AuditEvent.objects.get(action="import.profile")
    assert event.context["name"] == "Kecamatan"


# A corrected copy of the sample list -----------------------------------------------------------


def corrected_sample(tmp_path, changes: dict[tuple[int, int], str]):
    """The sample workbook rewritten cell for cell, with ``changes`` (row, column) applied."""
    workbook = CalamineWorkbook.from_path(str(SAMPLE_XLSX))
    sheets = {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}
    data = sheets["Data Pekerja"]
    for (row, column), value in changes.items():
        data[row][column] = value
    return write_xlsx(tmp_path / "daftar_pekerja_rentan_2026_perbaikan.xlsx", sheets)


def test_a_corrected_sample_updates_exactly_the_changed_rows_with_audited_changes(
    tmp_path, admin_user
):
    require_samples()
    first = import_file(admin_user, SAMPLE_XLSX)
    # 0-based (row, column): the phone of the first data row (sheet row 5) and the name of
    # the second (sheet row 6).
    path = corrected_sample(tmp_path, {(4, 11): "081299990000", (5, 1): "Aminah Syafii Rahman"})
    before = {w.pk: (w.full_name, w.phone, w.version) for w in Worker.objects.all()}

    job = import_file(admin_user, path)

    assert (job.created, job.updated, job.rejected) == (0, 2, first.rejected)
    assert job.unchanged == first.created - 2
    outcomes = engine.read_outcomes(job)
    assert outcomes[5][0] == outcomes[6][0] == "updated"
    phone_worker = Worker.objects.get(pk=int(outcomes[5][1]))
    name_worker = Worker.objects.get(pk=int(outcomes[6][1]))
    assert name_worker.full_name == "Aminah Syafii Rahman"
    for worker in (phone_worker, name_worker):
        assert worker.version == before[worker.pk][2] + 1
    changed = (phone_worker.pk, name_worker.pk)
    others = {pk: values for pk, values in before.items() if pk not in changed}
    after = {
        w.pk: (w.full_name, w.phone, w.version) for w in Worker.objects.exclude(pk__in=changed)
    }
    assert after == others

    updates = AuditEvent.objects.filter(action="worker.update").order_by("sequence")
    assert [(e.worker_id, list(e.changes)) for e in updates] == [
        (phone_worker.pk, ["phone"]),
        (name_worker.pk, ["full_name"]),
    ]
    phone_event, name_event = updates
    assert phone_event.changes["phone"] == [before[phone_worker.pk][1], phone_worker.phone]
    assert name_event.changes["full_name"] == ["Aminah Syafii", "Aminah Syafii Rahman"]
    assert (phone_event.context["import"], phone_event.context["row"]) == (job.pk, 5)
    assert (name_event.context["import"], name_event.context["row"]) == (job.pk, 6)
