"""Reading the audit trail: who may read it, which events, and how personal data looks in it."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.models import AuditEvent
from lindung.core.exceptions import NotFound
from lindung.core.formatting import mask_identity_number, mask_phone

IDENTITY_KEYS = frozenset({"nik", "kk_number", "kpj_number"})
PHONE_KEYS = frozenset({"phone"})
# A run of ten or more digits anywhere else (a NIK typed into a search box, say) is masked too.
_LONG_NUMBER = re.compile(r"(?<!\d)\d{10,}(?!\d)")


def audit_events_for_user(
    user: User,
    *,
    worker_id: int | None = None,
    username: str | None = None,
    action: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events matching the filters, newest first. Dates are days on the local (WITA) clock."""
    require(user, Capability.READ_AUDIT)
    events = AuditEvent.objects.order_by("-sequence")
    if worker_id is not None:
        events = events.filter(worker_id=worker_id)
    if username:
        events = events.filter(actor_username=username.strip())
    if action:
        events = events.filter(action=action)
    if date_from is not None:
        events = events.filter(occurred_at__gte=_start_of_day(date_from))
    if date_to is not None:
        events = events.filter(occurred_at__lt=_start_of_day(date_to + dt.timedelta(days=1)))
    return events


def get_audit_event_for_user(user: User, sequence: int) -> AuditEvent:
    require(user, Capability.READ_AUDIT)
    event = AuditEvent.objects.filter(sequence=sequence).first()
    if event is None:
        raise NotFound("Peristiwa audit tidak ditemukan.")
    return event


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def masked(value: Any, key: str = "") -> Any:
    """``value`` with identity and phone numbers masked, however deeply they are nested."""
    if isinstance(value, dict):
        return {k: masked(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [masked(item, key) for item in value]
    if not isinstance(value, str) or not value:
        return value
    if key in IDENTITY_KEYS:
        return mask_identity_number(value)
    if key in PHONE_KEYS:
        return mask_phone(value)
    return _LONG_NUMBER.sub(lambda match: mask_identity_number(match.group()), value)


@dataclass(frozen=True)
class ChangeRow:
    field: str
    before: Any
    after: Any
    # False for a value that is not a [before, after] pair (shown in ``after`` only).
    is_pair: bool = True


def change_rows(event: AuditEvent) -> list[ChangeRow]:
    """The event's changes, masked, one row per field."""
    rows = []
    for field, value in masked(event.changes).items():
        if isinstance(value, list) and len(value) == 2:
            rows.append(ChangeRow(field, value[0], value[1]))
        else:
            rows.append(ChangeRow(field, None, value, is_pair=False))
    return rows
