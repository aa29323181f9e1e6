"""Writing and verifying the audit trail.

Every service calls ``record_event`` inside its own transaction, so an event exists exactly
when its change does. Events are only ever inserted: nothing here updates or deletes one.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from lindung.audit.models import AuditChainHead, AuditEvent
from lindung.core.bulk_insert import bare_instance, can_return_ids, insert_rows, prepared

GENESIS_HASH = "0" * 64


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), default=_json_default, ensure_ascii=False
    )


def _event_digest(event: AuditEvent) -> str:
    payload = canonical_json(
        {
            "sequence": event.sequence,
            "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(),
            "actor_id": event.actor_id,
            "actor_username": event.actor_username,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "worker_id": event.worker_id,
            "changes": event.changes,
            "context": event.context,
        }
    )
    return hashlib.sha256((event.previous_hash + payload).encode()).hexdigest()


def record_event(
    *,
    actor,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    worker_id: int | None = None,
    changes: dict | None = None,
    context: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    event = PendingEvent(action, object_type, object_id, worker_id, changes, context)
    return record_events(actor=actor, events=[event])[0]


@dataclass(frozen=True)
class PendingEvent:
    action: str
    object_type: str = ""
    object_id: str | int = ""
    worker_id: int | None = None
    changes: dict | None = None
    context: dict | None = None


def record_events(*, actor, events: list[PendingEvent]) -> list[AuditEvent]:
    """Append many events at once (a bulk import's rows), in the caller's transaction."""
    if not events:
        return []
    with transaction.atomic():
        # The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) first, so two
        # writers can never chain onto the same previous event.
        AuditChainHead.objects.get_or_create(id=1)
        AuditChainHead.objects.filter(id=1).update(sequence=F("sequence") + len(events))
        head = AuditChainHead.objects.get(id=1)
        sequence = head.sequence - len(events)
        previous_hash = head.hash
        now = timezone.now()
        actor_id = actor.pk if actor is not None and actor.pk else None
        actor_username = getattr(actor, "username", "") or ""
        rows = []
        for pending in events:
            sequence += 1
            # Built without Model.__init__: an import records one event per row of its file.
            event = bare_instance(
                AuditEvent,
                {
                    "id": None,
                    "sequence": sequence,
                    "occurred_at": now,
                    "actor_id": actor_id,
                    "actor_username": actor_username,
                    "action": pending.action,
                    "object_type": pending.object_type,
                    "object_id": str(pending.object_id),
                    "worker_id": pending.worker_id,
                    "changes": _jsonable(pending.changes) if pending.changes else {},
                    "context": _jsonable(pending.context) if pending.context else {},
                    "previous_hash": previous_hash,
                    "hash": "",
                },
            )
            event.hash = previous_hash = _event_digest(event)
            rows.append(event)
        _insert_events(rows)
        AuditChainHead.objects.filter(id=1).update(hash=previous_hash)
    return rows


_EVENT_FIELDS = (
    "sequence", "occurred_at", "actor_id", "actor_username", "action", "object_type",
    "object_id", "worker_id", "changes", "context", "previous_hash", "hash",
)  # fmt: skip


def _insert_events(events: list[AuditEvent]) -> None:
    """Plain multi-row inserts: an import writes one event per row of its file, and
    ``bulk_create`` would spend more time compiling the values than hashing them."""
    occurred_at = prepared(AuditEvent, "occurred_at", events[0].occurred_at)
    rows = [
        [
            event.sequence,
            occurred_at,
            event.actor_id,
            event.actor_username,
            event.action,
            event.object_type,
            event.object_id,
            event.worker_id,
            event.changes,
            event.context,
            event.previous_hash,
            event.hash,
        ]
        for event in events
    ]
    ids = insert_rows(AuditEvent, _EVENT_FIELDS, rows, return_ids=can_return_ids())
    alias = connection.alias
    for event, pk in zip(events, ids, strict=False):
        event.pk = pk
        event._state.adding, event._state.db = False, alias


def _jsonable(value: dict) -> dict:
    """What the database will give back, so the digest is computed over stored values."""
    if all(type(k) is str and type(v) in _PLAIN_JSON for k, v in value.items()):
        return dict(value)  # a flat dict of text and numbers comes back as it is
    return json.loads(canonical_json(value))


_PLAIN_JSON = (str, int, bool, type(None))


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    broken_sequence: int | None = None
    problem: str = ""


def verify_chain(*, batch_size: int = 5000) -> ChainReport:
    """Re-compute every hash in order; report the first event that does not fit."""
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    last_sequence = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(sequence__gt=last_sequence).order_by("sequence")[:batch_size]
        )
        if not batch:
            break
        for event in batch:
            if event.sequence != expected_sequence:
                return ChainReport(
                    False, checked, expected_sequence, f"event #{expected_sequence} is missing"
                )
            if event.previous_hash != previous_hash:
                return ChainReport(
                    False, checked, event.sequence, "does not point to the event before it"
                )
            if _event_digest(event) != event.hash:
                return ChainReport(
                    False, checked, event.sequence, "its content does not match its hash"
                )
            previous_hash = event.hash
            expected_sequence += 1
            checked += 1
        last_sequence = batch[-1].sequence
    head = AuditChainHead.objects.filter(id=1).first()
    if head and head.sequence != checked:
        return ChainReport(False, checked, checked + 1, f"event #{checked + 1} is missing")
    return ChainReport(True, checked)


def request_chain_verification(*, actor) -> AuditEvent:
    """Record that someone asked for the chain to be verified (the check itself is a task)."""
    from lindung.accounts.permissions import Capability, require

    require(actor, Capability.READ_AUDIT)
    return record_event(actor=actor, action="audit.verify_requested", object_type="audit_chain")
