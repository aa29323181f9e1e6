"""What the service tests look at besides a service's result: the worker events it wrote, and
the state a refused change must leave as it was."""

from lindung.audit.models import AuditEvent
from lindung.registry.models import Heir, Worker, WorkerStatusChange


def worker_events(action: str = "") -> list[AuditEvent]:
    events = AuditEvent.objects.filter(action__startswith="worker.").order_by("sequence")
    return list(events.filter(action=action) if action else events)


def state_of(worker: Worker) -> dict:
    """Everything a refused change must leave as it was."""
    return {
        "worker": Worker.objects.filter(pk=worker.pk).values().get(),
        "heirs": list(Heir.objects.filter(worker=worker).values()),
        "status_changes": WorkerStatusChange.objects.filter(worker=worker).count(),
        "events": AuditEvent.objects.count(),
    }
