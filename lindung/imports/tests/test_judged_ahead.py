"""The save of a large file judges each chunk on a second thread while the one before it is
written: the same outcomes as judging in turn, and a chunk whose workers someone changed
meanwhile is judged again with what the registry holds when it is written."""

import threading

import pytest
from django.db import connection

from conftest import worker_input
from lindung.audit.models import AuditEvent
from lindung.audit.services import verify_chain
from lindung.imports import engine, models
from lindung.imports.ahead import JudgedAhead
from lindung.imports.deferred_indexes import DEFERRED_INDEXES
from lindung.imports.models import ImportStatus
from lindung.imports.services import start_import_pass, upload_import
from lindung.imports.tests.sheets import HEADER, write_csv
from lindung.imports.tests.test_deferred_indexes import worker_indexes
from lindung.registry.models import Worker
from lindung.registry.services import register_worker, update_worker

# The judging thread reads through its own connection: it sees only what is committed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FIFTH_NIK = "6402064203850005"  # row 6, in the second chunk (rows 5-7)


@pytest.fixture(autouse=True)
def large_file(monkeypatch):
    """Seven rows count as a large file, saved in chunks of three."""
    monkeypatch.setattr(engine, "CHUNK_ROWS", 3)
    monkeypatch.setattr(engine, "LARGE_FILE_CHUNK_ROWS", 3)
    monkeypatch.setattr(models, "DUPLICATE_CHECK_MAX_ROWS", 2)


def person(number: int, nik: str | None = None, **cells) -> list[str]:
    row = {
        "No": str(number), "NIK": nik or f"64020642038500{number:02d}",
        "Nama": f"Pekerja {number}", "Tgl Lahir": "02-03-1985", "L/P": "P",
        "Kode Desa": "6402061001", "No HP": f"08123456780{number}", "Alamat": "Jl. Pesut",
        "Pekerjaan": "Petani",
    } | cells  # fmt: skip
    return [row[column] for column in HEADER]


def save_file(actor, tmp_path, rows):
    path = write_csv(tmp_path / "daftar.csv", [HEADER, *rows])
    with path.open("rb") as handle:
        job = upload_import(actor=actor, file=handle, original_name=path.name)
    return start_import_pass(actor=actor, job_id=job.pk, save=True, in_background=False)


def outcomes(job) -> dict[int, tuple[str, str, str]]:
    return engine.read_outcomes(job)


class ChangedBeforeSecondChunk(JudgedAhead):
    """Runs ``change`` after the second chunk was judged and before it is written, as another
    user saving at that moment would."""

    change = staticmethod(lambda: None)

    def __iter__(self):
        for number, judged in enumerate(super().__iter__(), start=1):
            if number == 2:
                self.change()
            yield judged


def judge_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "import-judge"]


def test_a_large_file_gets_the_outcomes_judging_in_turn_gives(tmp_path, admin_user, monkeypatch):
    judged_on = []
    real_judge = engine.ImportRun._judge

    def judge(self, chunk, **options):
        judged_on.append(threading.current_thread().name)
        return real_judge(self, chunk, **options)

    monkeypatch.setattr(engine.ImportRun, "_judge", judge)
    register_worker(
        actor=admin_user,
        data=worker_input(nik=FIFTH_NIK, full_name="Pekerja 5", phone="", heirs=[]),
    )
    rows = [person(n) for n in range(1, 8)] + [person(8, nik="6402064203850002")]

    job = save_file(admin_user, tmp_path, rows)

    assert job.status == ImportStatus.DONE
    assert (job.created, job.updated, job.unchanged, job.rejected) == (6, 1, 0, 1)
    seen = outcomes(job)
    assert seen[6][0] == "updated"
    assert seen[9] == ("rejected", "", "NIK sama dengan baris 3; baris ini dilewati")
    assert Worker.objects.count() == 7
    assert AuditEvent.objects.filter(action="worker.import").count() == 6
    assert verify_chain().ok
    assert set(DEFERRED_INDEXES) <= worker_indexes()
    assert judge_threads() == []
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    assert judged_on == ["MainThread" if in_memory else "import-judge"] * 3


def test_a_nik_registered_after_its_chunk_was_judged_is_updated_not_added_twice(
    tmp_path, admin_user, monkeypatch
):
    def register_the_fifth():
        register_worker(
            actor=admin_user,
            data=worker_input(nik=FIFTH_NIK, full_name="Pekerja Lima", phone="", heirs=[]),
        )

    monkeypatch.setattr(ChangedBeforeSecondChunk, "change", staticmethod(register_the_fifth))
    monkeypatch.setattr(engine, "JudgedAhead", ChangedBeforeSecondChunk)

    job = save_file(admin_user, tmp_path, [person(n) for n in range(1, 8)])

    assert (job.status, job.created, job.updated) == (ImportStatus.DONE, 6, 1)
    fifth = Worker.objects.get(nik=FIFTH_NIK)
    assert outcomes(job)[6][:2] == ("updated", str(fifth.pk))
    assert fifth.full_name == "Pekerja 5"
    assert Worker.objects.count() == 7
    assert verify_chain().ok


def test_a_worker_corrected_after_its_chunk_was_judged_keeps_the_correction(
    tmp_path, admin_user, monkeypatch
):
    fifth = register_worker(
        actor=admin_user,
        data=worker_input(nik=FIFTH_NIK, full_name="Pekerja 5", phone="", heirs=[]),
    )

    def correct_the_fifth():
        update_worker(
            actor=admin_user,
            worker_id=fifth.pk,
            expected_version=fifth.version,
            changes={"address": "Jl. Baru No. 9"},
        )

    monkeypatch.setattr(ChangedBeforeSecondChunk, "change", staticmethod(correct_the_fifth))
    monkeypatch.setattr(engine, "JudgedAhead", ChangedBeforeSecondChunk)
    # The file leaves the address empty: it must not undo the correction made meanwhile.
    rows = [person(n) for n in range(1, 5)] + [person(5, Alamat="")]

    job = save_file(admin_user, tmp_path, [*rows, person(6), person(7)])

    fifth.refresh_from_db()
    assert (job.status, job.created, job.updated) == (ImportStatus.DONE, 6, 1)
    assert fifth.address == "Jl. Baru No. 9"
    assert fifth.phone == "+6281234567805"
    assert fifth.version == 3
    assert list(
        AuditEvent.objects.filter(worker_id=fifth.pk)
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == ["worker.register", "worker.update", "worker.update"]
    imported = AuditEvent.objects.filter(worker_id=fifth.pk).latest("sequence")
    assert (imported.context["import"], imported.context["version"]) == (job.pk, 3)
    assert "address" not in imported.changes


def test_an_error_on_the_judging_thread_fails_the_job_after_the_chunks_it_saved(
    tmp_path, admin_user, monkeypatch
):
    real_clean = engine.clean_worker_values

    def clean(values, **kwargs):
        if values.get("nik") == FIFTH_NIK:
            raise RuntimeError("cleaning broke")
        return real_clean(values, **kwargs)

    monkeypatch.setattr(engine, "clean_worker_values", clean)

    with pytest.raises(RuntimeError, match="cleaning broke"):
        save_file(admin_user, tmp_path, [person(n) for n in range(1, 8)])

    job = models.ImportJob.objects.get()
    assert (job.status, job.error, job.saved_through_row) == (
        ImportStatus.FAILED,
        "cleaning broke",
        4,
    )
    assert sorted(Worker.objects.values_list("nik", flat=True)) == [
        f"64020642038500{n:02d}" for n in range(1, 4)
    ]
    assert set(DEFERRED_INDEXES) <= worker_indexes()
    assert judge_threads() == []

    monkeypatch.setattr(engine, "clean_worker_values", real_clean)
    job = start_import_pass(actor=admin_user, job_id=job.pk, save=True, in_background=False)

    assert (job.status, job.created, job.processed_rows) == (ImportStatus.DONE, 7, 7)
    assert Worker.objects.count() == 7
    assert AuditEvent.objects.filter(action="worker.import").count() == 7
