"""A worker's audit events told as a timeline a person can read, identity numbers masked."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.core.formatting import format_date, format_money, mask_identity_number, mask_phone
from lindung.regions.selectors import region_labels
from lindung.registry.models import (
    HeirRelationship,
    InactiveReason,
    LegalBasis,
    Sex,
    Worker,
    WorkerStatus,
)
from lindung.registry.selectors import sector_names

HISTORY_LIMIT = 100
ACTIONS = {
    "worker.register": gettext_lazy("Registered"),
    "worker.update": gettext_lazy("Corrected"),
    "worker.status": gettext_lazy("Status changed"),
    "worker.reveal": gettext_lazy("Full number viewed"),
}
_MASKERS = {"nik": mask_identity_number, "kk_number": mask_identity_number, "phone": mask_phone}
_CHOICES = {
    "sex": Sex,
    "status": WorkerStatus,
    "inactive_reason": InactiveReason,
    "legal_basis": LegalBasis,
}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class TimelineItem:
    time: dt.datetime
    actor: str
    action: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""


def timeline(events, status_changes) -> list[TimelineItem]:
    """Items newest first. ``status_changes`` (newest first) supply the notes of status moves."""
    events = list(events[:HISTORY_LIMIT])
    names = _reference_names(events)
    notes = [change for change in status_changes if change.from_status]
    status_events = [event for event in events if event.action == "worker.status"]
    # Both are written in the same transaction, so the n-th of each is the same move.
    note_by_event = {
        event.pk: change.note for event, change in zip(status_events, notes, strict=False)
    }
    items = []
    for event in events:
        item = TimelineItem(
            time=event.occurred_at,
            actor=event.actor_username or _("system"),
            action=str(ACTIONS.get(event.action, event.action)),
        )
        if event.action == "worker.reveal":
            item.action = _("Full %(field)s viewed") % {
                "field": _field_label(event.context.get("field", ""))
            }
        elif event.action in ("worker.update", "worker.status"):
            item.changes = [
                _change(key, values, names) for key, values in sorted(event.changes.items())
            ]
            item.note = note_by_event.get(event.pk) or event.context.get("note", "")
        items.append(item)
    return items


def _reference_names(events) -> dict[str, dict[str, str]]:
    """Village and sector names for the codes the events mention: two queries at most."""
    villages, sectors = set(), set()
    for event in events:
        for key, values in event.changes.items():
            target = villages if key == "village" else sectors if key == "sector" else None
            if target is not None and isinstance(values, list):
                target.update(value for value in values if value)
    return {"village": region_labels(villages), "sector": sector_names(sectors)}


def _change(key: str, values: Any, names: dict) -> Change:
    before, after = values if isinstance(values, list) and len(values) == 2 else (None, values)
    if key == "heirs":
        before_text, after_text = _heirs_text(before), _heirs_text(after)
        if before_text == after_text:  # only a masked detail (NIK, phone, date) changed
            after_text = _("details corrected")
        return Change(_field_label(key), before_text, after_text)
    return Change(
        _field_label(key), _value_text(key, before, names), _value_text(key, after, names)
    )


def _field_label(key: str) -> str:
    if key == "heirs":
        return _("heirs")
    if key == "status":
        return _("status")
    try:
        return str(Worker._meta.get_field(key).verbose_name)
    except Exception:  # a field that no longer exists in old events
        return key


def _value_text(key: str, value: Any, names: dict) -> str:
    if value in (None, ""):
        return "—"
    if key in _MASKERS:
        return _MASKERS[key](str(value))
    if key in names:
        return names[key].get(value, str(value))
    if key in _CHOICES and value in _CHOICES[key].values:
        return str(_CHOICES[key](value).label)
    if key == "birth_date":
        return format_date(dt.date.fromisoformat(value))
    if key == "monthly_income":
        return format_money(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _heirs_text(heirs: Any) -> str:
    """Heirs by name and relationship only: their NIK and phone stay out of the timeline."""
    if not heirs:
        return "—"
    parts = []
    for heir in heirs:
        relationship = heir.get("relationship", "")
        if relationship in HeirRelationship.values:
            relationship = HeirRelationship(relationship).label
        parts.append(f"{heir.get('full_name', '')} ({relationship})")
    return "; ".join(parts)
