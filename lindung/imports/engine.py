"""Checking and saving the rows of an import job, chunk by chunk.

Both passes read the file the same way and judge each row with the registry's own cleaning
(``clean_worker_values``). The check writes nothing to the registry; the save writes each
chunk in one transaction together with the job's progress, so an interrupted save resumes
after its last saved chunk.

The save of a file too large to be checked row by row for duplicates goes faster three ways:
its chunks are judged on a second thread while the one before is written (``ahead``), the
indexes nothing in it reads are built once at the end (``deferred_indexes``), and its chunks
are larger.
"""

import gc
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lindung.dedup.check import import_flags
from lindung.imports.ahead import JudgedAhead
from lindung.imports.deferred_indexes import indexes_built_after, restore_deferred_indexes
from lindung.imports.models import ImportJob, ImportStatus
from lindung.imports.places import VillageDirectory
from lindung.imports.readers import SheetLayout, data_rows, open_source
from lindung.imports.rows import ParsedRow, RowReader
from lindung.imports.storage import original_path, outcomes_path
from lindung.registry.bulk import NewWorker, WorkerCorrection, save_checked_workers
from lindung.registry.cleaning import ReferenceData, clean_worker_values
from lindung.registry.models import Worker
from lindung.registry.services import audited_values, changed_values, editable_values

# Rows judged and written per transaction (and per checkpoint of the save). Larger chunks
# rewrite each index page less often (SQLite writes whole pages at every commit); smaller ones
# hold SQLite's write lock for less time while people work in the application.
CHUNK_ROWS = 10_000
# A file too large to be checked row by row for duplicates (``ImportJob.
# checks_rows_for_duplicates``) goes in larger chunks: at a million rows each commit rewrites
# most pages of the worker table's indexes, so fewer commits write less. A chunk then holds
# the write lock for about 6 s, within the 20 s other writers wait for it.
LARGE_FILE_CHUNK_ROWS = 30_000
PREVIEW_ROWS = 10
CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, REJECTED)
# Created rows that may be a worker already registered: counted and sampled apart as well.
POSSIBLE_DUPLICATES = "possible_duplicates"


@dataclass
class RowOutcome:
    row: int
    outcome: str
    worker_id: int | None = None
    message: str = ""
    name: str = ""
    flagged: bool = False  # a possible duplicate (see ``lindung.dedup.check``)

    def line(self) -> str:
        message = self.message.replace("\t", " ").replace("\n", " ")
        return f"{self.row}\t{self.outcome}\t{self.worker_id or ''}\t{message}\n"


@dataclass
class ChunkResult:
    outcomes: list[RowOutcome] = field(default_factory=list)
    new: list[NewWorker] = field(default_factory=list)
    corrections: list[WorkerCorrection] = field(default_factory=list)
    # The registry's workers the chunk was judged against: id → version.
    holders: dict[int, int] = field(default_factory=dict)


class ImportRun:
    """One pass over a job's file: a check (``save=False``) or the save."""

    def __init__(self, job: ImportJob, *, save: bool) -> None:
        self.job = job
        self.save = save
        self.actor = job.created_by
        self.mapping = {int(index): name for index, name in job.mapping.items()}
        self.headers = job.headers
        self.reference = ReferenceData(self.actor)
        self.reader = RowReader(self.mapping, VillageDirectory())
        self.seen_niks: dict[str, int] = {}
        self.source_context = {"import": job.pk, "file_sha256": job.checksum}

    def run(self) -> None:
        with _bulk_load_settings(), self._indexes_for_the_pass(), _collection_per_chunk():
            self._run()

    def _indexes_for_the_pass(self) -> AbstractContextManager[None]:
        # A file checked row by row for possible duplicates needs the duplicate check's
        # indexes (built first if a large save could not build them again); a larger one is
        # left to the duplicate search.
        if self.save and not self.job.checks_rows_for_duplicates:
            return indexes_built_after()
        restore_deferred_indexes()
        return nullcontext()

    def _run(self) -> None:
        source = open_source(original_path(self.job), self.job.original_name)
        layout = SheetLayout(self.job.sheet or None, self.job.header_row, self.job.headers, [])
        resume_after = self.job.saved_through_row if self.save else 0
        self._prepare_outcomes_file(keep=self.job.outcomes_size if self.save else 0)
        rows = data_rows(source, layout)
        if resume_after:
            rows = self._skip_saved(rows, resume_after)
        if self.save and not self.job.checks_rows_for_duplicates:
            self._save_judged_ahead(_chunks(rows, LARGE_FILE_CHUNK_ROWS))
            return
        for chunk in _chunks(rows, CHUNK_ROWS):
            if self.save:
                # Judged and written in one transaction: the rows locked while judging are
                # the rows written.
                with transaction.atomic():
                    self._save_chunk(self._judge(chunk), last_row=chunk[-1][0])
            else:
                self._record_progress(self._judge(chunk))
            # What a chunk left behind in reference cycles (little) goes with it.
            gc.collect(0)

    def _save_judged_ahead(self, chunks: Iterator[list[tuple[int, list[object]]]]) -> None:
        """The save of a large file, each chunk judged on a second thread while the one
        before it is written (see ``lindung.imports.ahead``)."""
        reference = ReferenceData(self.actor)  # the judging thread's own

        def judge(chunk):
            return self._judge(chunk, reference=reference, lock=False)

        with JudgedAhead(judge, chunks) as judged:
            for chunk, result in judged:
                with transaction.atomic():
                    self._save_judged(chunk, result)
                gc.collect(0)

    def _save_judged(self, chunk, result: ChunkResult) -> None:
        last_row = chunk[-1][0]
        if self._holders_unchanged(result):
            try:
                with transaction.atomic():
                    self._save_chunk(result, last_row=last_row)
                return
            except IntegrityError:
                pass  # one of its NIKs was registered since the chunk was judged
        # Judged again with what the registry holds now, the workers locked.
        self._save_chunk(self._judge(chunk), last_row=last_row)

    def _holders_unchanged(self, result: ChunkResult) -> bool:
        if not result.holders:
            return True
        current = (
            Worker.objects.filter(pk__in=list(result.holders))
            .select_for_update(of=("self",))
            .values_list("pk", "version")
        )
        return dict(current) == result.holders

    def _skip_saved(self, rows, resume_after: int) -> Iterator[tuple[int, list[object]]]:
        """Rows up to the checkpoint are saved already; remember their NIKs so a repeat
        further down the file is still reported as a repeat."""
        nik_column = next((i for i, name in self.mapping.items() if name == "nik"), None)
        for number, cells in rows:
            if number > resume_after:
                yield number, cells
                continue
            if nik_column is not None and nik_column < len(cells):
                parsed = self.reader.read(number, cells)
                nik = parsed.values.get("nik")
                if nik:
                    self.seen_niks.setdefault(nik, number)

    def _judge(
        self,
        chunk: list[tuple[int, list[object]]],
        *,
        reference: ReferenceData | None = None,
        lock: bool | None = None,
    ) -> ChunkResult:
        """Each row's outcome; with ``lock`` (a save, by default) the workers the rows match
        stay locked until the transaction ends."""
        reference = reference or self.reference
        lock = self.save if lock is None else lock
        parsed = [self.reader.read(number, cells) for number, cells in chunk]
        niks = {row.values["nik"] for row in parsed if row.values.get("nik")}
        holders = list(
            Worker.objects.filter(nik__in=niks).select_related("village__parent", "sector")
        )
        if lock:
            holders = list(
                Worker.objects.filter(pk__in=[w.pk for w in holders])
                .select_related("village__parent", "sector")
                .select_for_update(of=("self",))
            )
        reference.remember_holders(holders)
        by_nik = {worker.nik: worker for worker in holders}
        result = ChunkResult(holders={worker.pk: worker.version for worker in holders})
        for row in parsed:
            result.outcomes.append(self._judge_row(row, by_nik, result, reference))
        if self.job.checks_rows_for_duplicates:
            self._flag_possible_duplicates(result)
        return result

    def _flag_possible_duplicates(self, result: ChunkResult) -> None:
        """New rows that may be a worker already registered, or an earlier row of the chunk:
        still imported, but the message says who and how likely (masked by scope)."""
        flags = import_flags(
            user=self.actor, rows={worker.row: worker.cleaned for worker in result.new}
        )
        for outcome in result.outcomes:
            flag = flags.get(outcome.row)
            if flag:
                outcome.flagged = True
                outcome.message = "; ".join(part for part in (flag, outcome.message) if part)

    def _judge_row(
        self,
        row: ParsedRow,
        by_nik: dict[str, Worker],
        result: ChunkResult,
        reference: ReferenceData,
    ) -> RowOutcome:
        nik = row.values.get("nik") or ""
        name = row.values.get("full_name", "")
        first = self.seen_niks.get(nik) if nik else None
        # A chunk judged again finds its own rows here: only an earlier row is a repeat.
        if first is not None and first != row.number:
            return RowOutcome(
                row.number,
                REJECTED,
                name=name,
                message=f"NIK sama dengan baris {first}; baris ini dilewati",
            )
        if nik:
            self.seen_niks[nik] = row.number
        current = by_nik.get(nik)
        if current is not None and not reference.in_scope(current.village_id):
            return RowOutcome(
                row.number, REJECTED, name=name, message="NIK ini terdaftar di wilayah lain"
            )
        values = row.values
        if current is not None:
            # A cell left empty never erases what the registry already holds.
            values = editable_values(current) | {
                key: value for key, value in row.values.items() if value not in ("", None)
            }
        try:
            cleaned = clean_worker_values(
                values, actor=self.actor, current=current, reference=reference
            )
        except ValidationError as error:
            problems = {**error.message_dict}
            for key, messages in row.errors.items():
                problems.setdefault(key, []).extend(messages)
            return RowOutcome(
                row.number, REJECTED, name=name, message=self._describe(problems, row.errors)
            )
        if row.errors:
            return RowOutcome(
                row.number, REJECTED, name=name, message=self._describe(row.errors, row.errors)
            )
        note = "; ".join(row.notes if not row.values.get("birth_date") else [])
        if current is None:
            result.new.append(NewWorker(row.number, cleaned))
            return RowOutcome(row.number, CREATED, message=note, name=name)
        before = audited_values(current)
        after = audited_values(_with(current, cleaned))
        diff = changed_values(before, after)
        if not diff:
            return RowOutcome(row.number, UNCHANGED, current.pk, name=name)
        result.corrections.append(WorkerCorrection(row.number, current, cleaned))
        changed = ", ".join(self._column_label(key) for key in diff)
        return RowOutcome(row.number, UPDATED, current.pk, message=f"diubah: {changed}", name=name)

    def _describe(self, problems: dict[str, list[str]], cell_errors: dict) -> str:
        parts = []
        for key, messages in problems.items():
            # A cell that could not be read explains itself better than the consequence.
            shown = cell_errors.get(key) or messages
            unique = list(dict.fromkeys(str(m) for m in shown))
            parts.append(f"{self._column_label(key)}: {'; '.join(unique)}")
        return " | ".join(parts)

    def _column_label(self, key: str) -> str:
        aliases = {
            "village": ("village", "village_code", "district"),
            "birth_date": ("birth_date", "birth_place_date"),
            "sector": ("sector", "occupation"),
        }
        for index, name in self.mapping.items():
            if name in aliases.get(key, (key,)):
                return f"kolom '{self.headers[index]}'"
        return key

    def _save_chunk(self, result: ChunkResult, *, last_row: int) -> None:
        job = self.job
        with transaction.atomic():
            created = save_checked_workers(
                actor=self.actor,
                new=result.new,
                corrections=result.corrections,
                source=self.source_context,
            )
            ids = iter(worker.pk for worker in created)
            for outcome in result.outcomes:
                if outcome.outcome == CREATED:
                    outcome.worker_id = next(ids)
            size = self._append_outcomes(result.outcomes)
            self._count(result.outcomes)
            job.saved_through_row = last_row
            job.outcomes_size = size
            job.save(update_fields=[*_PROGRESS_FIELDS, "saved_through_row", "outcomes_size"])

    def _record_progress(self, result: ChunkResult) -> None:
        self._append_outcomes(result.outcomes)
        self._count(result.outcomes)
        self.job.save(update_fields=_PROGRESS_FIELDS)

    def _count(self, outcomes: list[RowOutcome]) -> None:
        job = self.job
        preview = job.preview or {}
        for outcome in outcomes:
            setattr(job, outcome.outcome, getattr(job, outcome.outcome) + 1)
            kinds = [outcome.outcome] + ([POSSIBLE_DUPLICATES] if outcome.flagged else [])
            job.possible_duplicates += outcome.flagged
            for kind in kinds:
                samples = preview.setdefault(kind, [])
                if len(samples) < PREVIEW_ROWS:
                    samples.append(
                        {"row": outcome.row, "name": outcome.name, "message": outcome.message}
                    )
        job.preview = preview
        job.processed_rows += len(outcomes)

    def _prepare_outcomes_file(self, *, keep: int) -> None:
        path = outcomes_path(self.job)
        with path.open("ab") as handle:
            handle.truncate(keep)

    def _append_outcomes(self, outcomes: list[RowOutcome]) -> int:
        with outcomes_path(self.job).open("a", encoding="utf-8") as handle:
            handle.writelines(outcome.line() for outcome in outcomes)
            handle.flush()
            os.fsync(handle.fileno())
            return handle.tell()


@contextmanager
def _bulk_load_settings() -> Iterator[None]:
    """SQLite settings for writing many rows into a dozen indexes, for this connection.

    A bigger page cache keeps the indexes' pages in memory (the default 2 MB makes most index
    inserts a read once the tables grow). Checkpointing the write-ahead log every 100 MB
    instead of every 4 MB copies a much-rewritten index page into the database file once
    rather than at nearly every chunk's commit; durability is unchanged (each commit is in the
    log as before)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute("PRAGMA wal_autocheckpoint")
        (checkpoint,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")


@contextmanager
def _collection_per_chunk() -> Iterator[None]:
    """Python's cycle collector paused for the pass, and run on what is left after each chunk.

    Judging and saving a chunk makes hundreds of thousands of short-lived containers (rows,
    cleaned values, workers, events), almost all freed by reference counting; the collector
    would still stop every 700 allocations to walk the survivors: a seventh of the time of
    a 300,000-row import on SQLite."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


SQLITE_CACHE_KIB = 384 * 1024
SQLITE_CHECKPOINT_PAGES = 25_000
_PROGRESS_FIELDS = [
    "processed_rows", "created", "updated", "unchanged", "rejected", POSSIBLE_DUPLICATES,
    "preview",
]  # fmt: skip


def _with(worker: Worker, cleaned: dict[str, Any]) -> Worker:
    """A copy of ``worker`` carrying the cleaned values, to compare without touching it."""
    copy = Worker(**{f.attname: getattr(worker, f.attname) for f in Worker._meta.concrete_fields})
    for key, value in cleaned.items():
        setattr(copy, key, value)
    return copy


def _chunks(rows, size: int) -> Iterator[list[tuple[int, list[object]]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def read_outcomes(job: ImportJob) -> dict[int, tuple[str, str, str]]:
    """Row number → (outcome, worker id, message) from a finished pass."""
    outcomes: dict[int, tuple[str, str, str]] = {}
    path = outcomes_path(job)
    if not path.exists():
        return outcomes
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row, outcome, worker_id, message = line.rstrip("\n").split("\t", 3)
            outcomes[int(row)] = (outcome, worker_id, message)
    return outcomes


def reset_counts(job: ImportJob) -> None:
    job.processed_rows = job.created = job.updated = job.unchanged = job.rejected = 0
    job.possible_duplicates = 0
    job.preview = {}
    job.saved_through_row = job.outcomes_size = 0
    job.started_at, job.finished_at, job.error = timezone.now(), None, ""


def status_after(save: bool) -> str:
    return ImportStatus.DONE if save else ImportStatus.CHECKED
