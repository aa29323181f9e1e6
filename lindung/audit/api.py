"""The audit trail over the REST API, for auditors and administrators.

Identity numbers and phones inside recorded changes are masked as on the audit pages
(``selectors.masked``): the trail proves what changed without becoming a second copy of the
registry.
"""

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema

from lindung.accounts.api_auth import ApiRequest
from lindung.audit.models import AuditEvent
from lindung.audit.selectors import audit_events_for_user, masked
from lindung.core.api_schemas import ERROR_RESPONSES

router = Router(tags=["audit"])

MAX_PAGE_SIZE = 100


class AuditQuery(Schema):
    worker_id: int | None = None
    username: str = Field("", description="Exact username.")
    action: str = Field("", description="e.g. worker.update, worker.reveal.")
    date_from: dt.date | None = Field(None, description="First day, in local time (WITA).")
    date_to: dt.date | None = Field(None, description="Last day, included.")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class AuditEventOut(Schema):
    sequence: int
    occurred_at: dt.datetime
    username: str
    action: str
    object_type: str
    object_id: str
    worker_id: int | None
    changes: dict[str, Any] = Field(description="field: [before, after]; NIK, KK and phone masked.")
    context: dict[str, Any]


class AuditPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AuditEventOut]


@router.get("", response={200: AuditPage, **ERROR_RESPONSES})
def list_audit_events(request: ApiRequest, query: Query[AuditQuery]):
    """Audit events matching the filters, newest first."""
    events = audit_events_for_user(
        request.auth, worker_id=query.worker_id, username=query.username,
        action=query.action.strip(), date_from=query.date_from, date_to=query.date_to,
    )  # fmt: skip
    start = (query.page - 1) * query.page_size
    page = events[start : start + query.page_size]
    return {
        "count": events.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [_event_body(event) for event in page],
    }


def _event_body(event: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at,
        "username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "worker_id": event.worker_id,
        "changes": masked(event.changes),
        "context": masked(event.context),
    }
