"""What every background job (an import pass, a duplicate search, an eligibility run) does
when it fails: its row says so, with the error masked, and the trail records it."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from lindung.audit.services import record_event
from lindung.core.logging import describe_failure


def record_job_failure(
    job: QuerySet,
    error: BaseException,
    *,
    failed_status: str,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any,
    context: dict[str, Any] | None = None,
) -> None:
    """Mark ``job`` (a queryset of its one row) ``failed_status`` and record ``action``."""
    job.update(status=failed_status, error=describe_failure(error), finished_at=timezone.now())
    record_event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        context=(context or {}) | {"error": describe_failure(error, limit=500)},
    )
