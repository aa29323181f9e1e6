"""The records of a case side by side: which fields differ, what each shows, and the
evidence for and against, in the words and masks the pages and the API use."""

from dataclasses import dataclass
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from lindung.core.formatting import (
    format_date,
    format_money,
    mask_identity_number,
    mask_phone,
)
from lindung.dedup.models import CandidatePair
from lindung.dedup.selectors import CaseRecord
from lindung.registry.models import Worker, WorkerStatus
from lindung.registry.services import IDENTITY_FIELDS, editable_values

COMPARED_FIELDS = (
    "full_name", "nik", "kk_number", "birth_place", "birth_date", "sex", "phone", "address",
    "rt", "rw", "village", "occupation", "sector", "monthly_income", "welfare_decile",
    "source_ref", "legal_basis",
)  # fmt: skip
_MASKS = {"nik": mask_identity_number, "kk_number": mask_identity_number, "phone": mask_phone}
# The engine names its comparisons by these keys.
EVIDENCE_LABELS = {
    "nik": _("NIK"),
    "name": _("Name"),
    "full_name": _("Name"),
    "birth_date": _("Date of birth"),
    "sex": _("Sex"),
    "village": _("Village"),
    "district": _("District"),
    "kk_number": _("Family card (KK)"),
    "phone": _("Phone"),
    "birth_place": _("Place of birth"),
    "address": _("Address"),
    "nik_birth_date": _("NIK and date of birth"),
    "kk_number_phone": _("Family card or phone"),
}


@dataclass(frozen=True)
class Cell:
    worker_id: int
    text: str
    masked: bool = False


@dataclass(frozen=True)
class Row:
    field: str
    label: str
    cells: list[Cell]
    differs: bool


def field_label(field: str) -> str:
    model_field = Worker._meta.get_field(field)
    return capfirst(str(getattr(model_field, "verbose_name", field)))


def display_value(worker: Worker, field: str) -> str:
    """A worker's value as a person reads it; NIK, KK and phone masked."""
    value = getattr(worker, field)
    if field in _MASKS:
        return _MASKS[field](value) or "—"
    if value in (None, ""):
        return "—"
    if field == "birth_date":
        return format_date(value)
    if field == "village":
        return value.label
    if field == "sector":
        return value.name
    if field == "monthly_income":
        return format_money(value)
    if field in ("sex", "legal_basis"):
        return str(getattr(worker, f"get_{field}_display")())
    return str(value)


def comparison_rows(records: list[CaseRecord]) -> list[Row]:
    """One row per field, for the records the user may see."""
    workers = [record.worker for record in records if record.worker is not None]
    stored = {worker.pk: editable_values(worker) for worker in workers}
    rows = []
    for field in COMPARED_FIELDS:
        values = {_comparable(stored[w.pk][field]) for w in workers}
        rows.append(
            Row(
                field=field,
                label=field_label(field),
                cells=[
                    Cell(w.pk, display_value(w, field), masked=field in IDENTITY_FIELDS)
                    for w in workers
                ],
                differs=len(values) > 1,
            )
        )
    return rows


def differing_fields(records: list[CaseRecord]) -> list[str]:
    return [row.field for row in comparison_rows(records) if row.differs]


def _comparable(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else value


def default_worker(workers: list[Worker]) -> Worker:
    """The record a merge keeps unless the verifier chooses otherwise: verified first, then
    the most recently updated."""
    return max(workers, key=lambda w: (w.status == WorkerStatus.VERIFIED, w.updated_at, -w.pk))


@dataclass(frozen=True)
class EvidenceLine:
    field: str
    label: str
    level: str
    weight: float
    width: int  # percent of the widest bar of the pair
    supports: bool  # for "same person"


def evidence_lines(pair: CandidatePair) -> list[EvidenceLine]:
    items = pair.evidence or []
    widest = max((abs(item.get("weight", 0)) for item in items), default=0) or 1
    return [
        EvidenceLine(
            field=item.get("field", ""),
            label=str(EVIDENCE_LABELS.get(item.get("field", ""), item.get("field", ""))),
            level=item.get("level", ""),
            weight=item.get("weight", 0),
            width=max(2, round(100 * abs(item.get("weight", 0)) / widest)),
            supports=item.get("weight", 0) >= 0,
        )
        for item in sorted(items, key=lambda item: -item.get("weight", 0))
    ]
