"""Every change to import jobs and profiles: uploading, mapping, checking, saving."""

import datetime as dt
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import DomainError, NotFound
from lindung.core.jobs import record_job_failure
from lindung.imports import engine
from lindung.imports.columns import FIELD_LABELS, FIELD_SYNONYMS, guess_mapping, normalize_header
from lindung.imports.deferred_indexes import restore_deferred_indexes
from lindung.imports.models import ImportJob, ImportProfile, ImportStatus
from lindung.imports.readers import UnreadableFile, data_rows, find_layout, open_source
from lindung.imports.report import write_report
from lindung.imports.selectors import get_import_for_user
from lindung.imports.storage import original_path, remove_files, report_path, store_upload

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# A list cannot be judged without these: who (NIK, name) and where (a village column).
REQUIRED_FIELDS = ("nik", "full_name")
PLACE_FIELDS = ("village", "village_code")


def upload_import(
    *,
    actor: User,
    file: BinaryIO,
    original_name: str,
    sheet: str | None = None,
    profile_id: int | None = None,
) -> ImportJob:
    """Keep the file, find its sheet and header row, and propose a column mapping."""
    require(actor, Capability.EDIT_WORKERS)
    profile = ImportProfile.objects.filter(pk=profile_id).first() if profile_id else None
    if profile_id and profile is None:
        raise NotFound(_("Import profile not found."))
    suffix = Path(original_name).suffix or ".csv"
    job = None
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                created_by=actor,
                original_name=original_name[:255],
                stored_name="",
                checksum="",
                size=0,
                profile=profile,
            )
            _read_upload(job, file, suffix, sheet)
            record_event(
                actor=actor,
                action="import.upload",
                object_type="import",
                object_id=job.pk,
                context={
                    "file": original_name,
                    "sha256": job.checksum,
                    "size": job.size,
                    "sheet": job.sheet,
                    "rows": job.total_rows,
                },
            )
    except Exception:
        if job is not None:
            remove_files(job.pk)
        raise
    return job


def _read_upload(job: ImportJob, file: BinaryIO, suffix: str, sheet: str | None) -> None:
    path, checksum, size = store_upload(job.pk, file, suffix)
    if size == 0:
        raise DomainError(_("The file is empty."))
    if size > MAX_UPLOAD_BYTES:
        raise DomainError(_("The file is larger than 200 MB."))
    job.stored_name, job.checksum, job.size = path.name, checksum, size
    _read_layout(job, path, sheet)
    job.save()


def _read_layout(job: ImportJob, path: Path, sheet: str | None) -> None:
    """Find the job's sheet (the given one, or the one that holds the list), its header row
    and its rows, and propose a mapping for its columns."""
    try:
        source = open_source(path, job.original_name)
        layout = find_layout(source, sheet)
        total = sum(1 for _ in data_rows(source, layout))
    except UnreadableFile as error:
        raise DomainError(str(error)) from error
    job.sheet = layout.sheet or ""
    job.sheet_names = list(source.sheet_names)
    job.header_row, job.headers, job.total_rows = layout.header_row, layout.headers, total
    job.mapping = _initial_mapping(layout.headers, job.profile)


def choose_import_sheet(*, actor: User, job_id: int, sheet: str) -> ImportJob:
    """Read another sheet of an uploaded workbook: the one found by its column names is not
    always the list the operator meant. The mapping and any check start afresh."""
    with transaction.atomic():
        job = get_import_for_user(actor, job_id, for_update=True)
        _ensure_status(job, ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED)
        if job.saved_through_row:
            raise DomainError(_("Part of this file was saved; resume the save instead."))
        if sheet not in job.sheet_names:
            raise DomainError(_("The file has no sheet named %(sheet)s.") % {"sheet": sheet})
        before = job.sheet
        _read_layout(job, original_path(job), sheet)
        engine.reset_counts(job)
        job.status, job.started_at = ImportStatus.UPLOADED, None
        job.save()
        record_event(
            actor=actor,
            action="import.sheet",
            object_type="import",
            object_id=job.pk,
            changes={"sheet": [before, job.sheet]},
            context={"rows": job.total_rows},
        )
    return job


def _initial_mapping(headers: list[str], profile: ImportProfile | None) -> dict[str, str]:
    guessed = guess_mapping(list(headers))
    if profile is not None:
        for index, header in enumerate(headers):
            field = profile.mapping.get(normalize_header(header))
            if field:
                guessed = {i: f for i, f in guessed.items() if f != field and i != index}
                guessed[index] = field
    return {str(index): field for index, field in sorted(guessed.items())}


def set_import_mapping(
    *, actor: User, job_id: int, mapping: dict[str, str], profile_name: str = ""
) -> ImportJob:
    """The operator's corrected mapping (column index → field; empty means ignore)."""
    with transaction.atomic():
        job = get_import_for_user(actor, job_id, for_update=True)
        _ensure_status(job, ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED)
        if job.saved_through_row:
            # Rows were saved with this mapping; the rest must be read the same way.
            raise DomainError(_("Part of this file was saved; resume the save instead."))
        cleaned = _clean_mapping(job, mapping)
        before = job.mapping
        job.mapping = cleaned
        job.status = ImportStatus.UPLOADED
        job.save(update_fields=["mapping", "status"])
        if before != cleaned:
            record_event(
                actor=actor,
                action="import.mapping",
                object_type="import",
                object_id=job.pk,
                changes={"mapping": [before, cleaned]},
            )
        if profile_name.strip():
            save_import_profile(actor=actor, name=profile_name, job=job)
    return job


def _clean_mapping(job: ImportJob, mapping: dict[str, str]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    used: dict[str, str] = {}
    for index, field in mapping.items():
        if not field:
            continue
        if field not in FIELD_SYNONYMS:
            raise DomainError(_("Unknown field %(field)s.") % {"field": field})
        if not str(index).isdigit() or int(index) >= len(job.headers):
            raise DomainError(_("Column %(index)s does not exist.") % {"index": index})
        if field in used:
            raise DomainError(
                _("Columns %(a)s and %(b)s are both mapped to %(field)s.")
                % {"a": job.headers[int(used[field])], "b": job.headers[int(index)], "field": field}
            )
        used[field] = str(index)
        cleaned[str(int(index))] = field
    missing = [str(FIELD_LABELS[f]) for f in REQUIRED_FIELDS if f not in used]
    if not any(f in used for f in PLACE_FIELDS):
        missing.append(str(FIELD_LABELS["village"]))
    if missing:
        raise DomainError(
            _("These fields need a column: %(fields)s.") % {"fields": ", ".join(missing)}
        )
    return cleaned


def save_import_profile(*, actor: User, name: str, job: ImportJob) -> ImportProfile:
    require(actor, Capability.EDIT_WORKERS)
    mapping = {normalize_header(job.headers[int(i)]): f for i, f in job.mapping.items()}
    with transaction.atomic():
        profile, created = ImportProfile.objects.update_or_create(
            name=name.strip()[:80], defaults={"mapping": mapping, "created_by": actor}
        )
        record_event(
            actor=actor,
            action="import.profile",
            object_type="import_profile",
            object_id=profile.pk,
            context={"name": profile.name, "mapping": mapping, "new": created},
        )
    return profile


def start_import_pass(
    *, actor: User, job_id: int, save: bool, in_background: bool = True
) -> ImportJob:
    """Start the check (``save=False``) or the save of a mapped file: as a background job,
    or (for the command line) right here. The save judges every row again itself, so it
    may follow the upload directly."""
    from lindung.imports.tasks import run_import_pass as task

    with transaction.atomic():
        job = get_import_for_user(actor, job_id, for_update=True)
        # A save that stopped part-way goes on after its last saved chunk.
        resuming = save and job.status == ImportStatus.FAILED and job.saved_through_row > 0
        if save and not resuming:
            _ensure_status(job, ImportStatus.UPLOADED, ImportStatus.CHECKED)
        elif not save:
            _ensure_status(job, ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED)
            if job.saved_through_row:
                raise DomainError(_("Part of this file was saved; resume the save instead."))
        job.status = ImportStatus.SAVING if save else ImportStatus.CHECKING
        if not resuming:
            engine.reset_counts(job)
        job.error = ""
        job.save()
        record_event(
            actor=actor,
            action="import.save" if save else "import.check",
            object_type="import",
            object_id=job.pk,
            context={"file": job.original_name, "sha256": job.checksum},
        )
        if in_background:
            transaction.on_commit(lambda: _enqueue(task, job.pk, save))
    if not in_background:
        return run_import_pass(job.pk, save=save)
    return job


def _enqueue(task, job_id: int, save: bool) -> None:
    result = task.enqueue(job_id, save)
    ImportJob.objects.filter(pk=job_id).update(task_id=str(result.id))


def run_import_pass(job_id: int, *, save: bool) -> ImportJob:
    """Carry out a queued pass (from the task worker or the command line). Safe to call
    again after an interruption: a save resumes after its last saved chunk."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    expected = ImportStatus.SAVING if save else ImportStatus.CHECKING
    if job.status != expected:
        return job
    try:
        # Row messages go into the sender's report: always in the instance's language.
        with translation.override(settings.LANGUAGE_CODE):
            engine.ImportRun(job, save=save).run()
            write_report(job)
    except Exception as error:
        record_job_failure(
            ImportJob.objects.filter(pk=job.pk),
            error,
            failed_status=ImportStatus.FAILED,
            actor=job.created_by,
            action="import.failed",
            object_type="import",
            object_id=job.pk,
            context={"saved_through_row": job.saved_through_row},
        )
        raise
    job.status = engine.status_after(save)
    job.finished_at = timezone.now()
    job.report_name = report_path(job).name
    job.save()
    if save:
        record_event(
            actor=job.created_by,
            action="import.done",
            object_type="import",
            object_id=job.pk,
            context=_summary(job),
        )
    return job


def _summary(job: ImportJob) -> dict:
    return {
        "file": job.original_name,
        "sha256": job.checksum,
        "rows": job.processed_rows,
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "rejected": job.rejected,
    }


def resume_interrupted_imports(*, older_than: dt.timedelta = dt.timedelta(0)) -> list[int]:
    """Queue again the passes that were running when the application stopped."""
    from lindung.imports.tasks import run_import_pass as task

    # A save of a very large file stopped by a crash left the indexes it defers unbuilt.
    restore_deferred_indexes()
    cutoff = timezone.now() - older_than
    resumed = []
    for job in ImportJob.objects.filter(
        status__in=[ImportStatus.CHECKING, ImportStatus.SAVING], started_at__lte=cutoff
    ):
        if job.status == ImportStatus.CHECKING:
            # A check writes nothing but its own tallies: start it again from the top.
            engine.reset_counts(job)
            job.save()
        _enqueue(task, job.pk, job.status == ImportStatus.SAVING)
        resumed.append(job.pk)
    return resumed


def delete_import(*, actor: User, job_id: int) -> None:
    """Remove an unsaved job and its files (a saved one stays as evidence)."""
    with transaction.atomic():
        job = get_import_for_user(actor, job_id, for_update=True)
        _ensure_status(job, ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED)
        if job.saved_through_row:
            raise DomainError(_("Part of this file was saved; the job is kept as a record."))
        record_event(
            actor=actor,
            action="import.delete",
            object_type="import",
            object_id=job.pk,
            context={"file": job.original_name, "sha256": job.checksum},
        )
        job.delete()
        transaction.on_commit(lambda: remove_files(job_id))


def _ensure_status(job: ImportJob, *allowed: str) -> None:
    if job.status not in allowed:
        raise DomainError(
            _("This import is %(status)s; that step is not possible now.")
            % {"status": ImportStatus(job.status).label.lower()}
        )


def import_file_path(job: ImportJob) -> Path:
    return original_path(job)
