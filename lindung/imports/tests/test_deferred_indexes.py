"""A file too large to be checked row by row for duplicates is saved without the duplicate
check's and worklists' indexes, which are built again afterwards, however the save ends."""

import pytest
from django.db import connection

from lindung.imports import engine, models
from lindung.imports.deferred_indexes import DEFERRED_INDEXES, drop_deferred_indexes
from lindung.imports.models import ImportJob, ImportStatus
from lindung.imports.services import resume_interrupted_imports, start_import_pass, upload_import
from lindung.imports.tests.test_engine import seven_people
from lindung.registry.models import Worker

# A large file's save judges on a second thread, through its own connection: it sees only
# what is committed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def worker_indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, Worker._meta.db_table))


@pytest.fixture
def indexes_while_saving(monkeypatch):
    """The deferred indexes present at each chunk's save."""
    seen: list[set[str]] = []
    real_save = engine.save_checked_workers

    def save(**kwargs):
        seen.append(worker_indexes() & set(DEFERRED_INDEXES))
        return real_save(**kwargs)

    monkeypatch.setattr(engine, "save_checked_workers", save)
    return seen


def upload(actor, path) -> ImportJob:
    with path.open("rb") as handle:
        return upload_import(actor=actor, file=handle, original_name=path.name)


def test_every_deferred_index_is_one_the_worker_model_declares():
    declared = {index.name for index in Worker._meta.indexes}

    assert set(DEFERRED_INDEXES) <= declared
    assert set(DEFERRED_INDEXES) <= worker_indexes()


def test_a_large_file_is_saved_without_them_and_they_are_built_again_after(
    tmp_path, admin_user, monkeypatch, indexes_while_saving
):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 3)
    monkeypatch.setattr(engine, "LARGE_FILE_CHUNK_ROWS", 3)
    monkeypatch.setattr(models, "DUPLICATE_CHECK_MAX_ROWS", 5)
    job = upload(admin_user, seven_people(tmp_path))

    job = start_import_pass(actor=admin_user, job_id=job.pk, save=True, in_background=False)

    assert (job.status, job.created) == (ImportStatus.DONE, 7)
    assert indexes_while_saving == [set(), set(), set()]
    assert set(DEFERRED_INDEXES) <= worker_indexes()


def test_a_file_checked_row_by_row_keeps_them_while_it_is_saved(
    tmp_path, admin_user, monkeypatch, indexes_while_saving
):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 3)
    monkeypatch.setattr(engine, "LARGE_FILE_CHUNK_ROWS", 3)
    job = upload(admin_user, seven_people(tmp_path))

    start_import_pass(actor=admin_user, job_id=job.pk, save=False, in_background=False)
    job = start_import_pass(actor=admin_user, job_id=job.pk, save=True, in_background=False)

    assert job.created == 7
    assert indexes_while_saving == [set(DEFERRED_INDEXES)] * 3


def test_a_save_that_fails_still_builds_them_again(tmp_path, admin_user, monkeypatch):
    monkeypatch.setattr(models, "DUPLICATE_CHECK_MAX_ROWS", 5)

    def fail(**kwargs):
        raise OSError("disk went away")

    monkeypatch.setattr(engine, "save_checked_workers", fail)
    job = upload(admin_user, seven_people(tmp_path))

    with pytest.raises(OSError):
        start_import_pass(actor=admin_user, job_id=job.pk, save=True, in_background=False)

    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.FAILED
    assert not Worker.objects.exists()
    assert set(DEFERRED_INDEXES) <= worker_indexes()


def test_the_start_after_a_crash_builds_what_the_crashed_save_left_unbuilt():
    # A process killed mid-save runs no clean-up: the indexes stay dropped until the start.
    drop_deferred_indexes()
    assert not worker_indexes() & set(DEFERRED_INDEXES)

    resume_interrupted_imports()

    assert set(DEFERRED_INDEXES) <= worker_indexes()


def test_any_other_import_pass_builds_them_first(tmp_path, admin_user):
    drop_deferred_indexes()  # as a large save whose rebuild failed would leave them
    job = upload(admin_user, seven_people(tmp_path))

    start_import_pass(actor=admin_user, job_id=job.pk, save=False, in_background=False)

    assert set(DEFERRED_INDEXES) <= worker_indexes()
