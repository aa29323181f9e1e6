"""Finding duplicate candidates in the whole registry (or around the workers just changed)."""

import datetime as dt

import pyarrow as pa
from django.db.models import Q, QuerySet

from lindung.dedup.linkage.engine import Progress, frame_from_columns, score_table
from lindung.dedup.pairs import ScoredPair
from lindung.registry.models import Worker, WorkerStatus

_CHUNK = 20_000
_COLUMNS = (
    "id", "nik", "kk_number", "name_normalized", "birth_date", "sex", "village_id",
    "district_id", "phone",
)  # fmt: skip


def find_pairs(
    *, changed_since: dt.datetime | None = None, progress: Progress | None = None
) -> list[ScoredPair]:
    """Pairs of workers (not inactive or rejected) that may be one person, best first.

    With ``changed_since``, only pairs in which at least one worker was created or changed
    since then: those are compared with everyone, the others not with each other."""
    report = progress or (lambda done, total: None)
    steps = 4
    report(0, steps)
    incremental = changed_since is not None
    if changed_since is not None and not (
        _active_workers().filter(_changed_since(changed_since)).exists()
    ):
        report(steps, steps)
        return []
    frame = _registry_frame(changed_since)
    return score_table(
        frame,
        incremental=incremental,
        progress=lambda done, total: report(1 + done, steps),
    )


def _active_workers() -> QuerySet[Worker]:
    return Worker.objects.exclude(status__in=[WorkerStatus.INACTIVE, WorkerStatus.REJECTED])


def _changed_since(moment: dt.datetime) -> Q:
    return Q(updated_at__gte=moment) | Q(created_at__gte=moment)


def _registry_frame(changed_since: dt.datetime | None) -> pa.Table:
    """The workers as the engine's input, read in chunks (a million rows fit easily in
    memory as columns; as model instances they would not)."""
    workers = _active_workers()
    fields: tuple[str, ...] = _COLUMNS
    if changed_since is not None:
        workers = workers.annotate(changed=_changed_since(changed_since))
        fields = (*_COLUMNS, "changed")
    columns: list[list] = [[] for _ in fields]
    for row in workers.order_by().values_list(*fields).iterator(chunk_size=_CHUNK):
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    names = dict(zip(fields, columns, strict=True))
    return frame_from_columns(
        ids=names["id"],
        niks=names["nik"],
        kk_numbers=names["kk_number"],
        names=names["name_normalized"],
        birth_dates=names["birth_date"],
        sexes=names["sex"],
        village_ids=names["village_id"],
        district_ids=names["district_id"],
        phones=names["phone"],
        changed=[bool(value) for value in names["changed"]] if "changed" in names else None,
    )
