"""Background work on the audit trail."""

from django_tasks import task

from lindung.audit.services import verify_chain


@task()
def verify_audit_chain() -> dict:
    """Re-compute the whole hash chain; safe to run any number of times."""
    report = verify_chain()
    return {"ok": report.ok, "events": report.events, "broken_sequence": report.broken_sequence}
