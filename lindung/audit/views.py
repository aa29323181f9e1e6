"""The auditors' pages: browse the trail, read one event, verify the chain."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from lindung.accounts.permissions import Capability, has_capability
from lindung.audit.selectors import (
    audit_events_for_user,
    change_rows,
    get_audit_event_for_user,
    masked,
)
from lindung.audit.services import request_chain_verification
from lindung.audit.tasks import verify_audit_chain
from lindung.core.exceptions import NotFound
from lindung.registry.models import Worker

EVENTS_PER_PAGE = 50
VERIFICATION_SESSION_KEY = "audit_verification"

# Human words for the action codes services write; an unknown code is shown as it is.
ACTION_LABELS = {
    "worker.register": _("Worker registered"),
    "worker.update": _("Worker corrected"),
    "worker.status": _("Worker status changed"),
    "worker.reveal": _("Full identity number viewed"),
    "worker.export": _("Worker list exported"),
    "sector.create": _("Sector added"),
    "sector.update": _("Sector changed"),
    "occupation.map": _("Occupation assigned to a sector"),
    "occupation.unmap": _("Occupation removed"),
    "regions.load": _("Regions loaded"),
    "region.validity": _("Region validity changed"),
    "user.create": _("User created"),
    "api_token.issue": _("API token issued"),
    "api_token.revoke": _("API token revoked"),
    "audit.verify_requested": _("Audit chain verification requested"),
    "system.start": _("Instance set up"),
    "demo.seed": _("Demo workers added"),
    "worker.import": _("Worker saved from an import"),
    "import.upload": _("File uploaded for import"),
    "import.sheet": _("Another sheet of the file chosen"),
    "import.mapping": _("Import columns mapped"),
    "import.profile": _("Import profile saved"),
    "import.check": _("Import checked"),
    "import.save": _("Import save started"),
    "import.done": _("Import saved"),
    "import.failed": _("Import stopped with an error"),
    "import.delete": _("Import deleted"),
    "duplicate.run": _("Duplicate search started"),
    "duplicate.run_done": _("Duplicate search finished"),
    "duplicate.run_failed": _("Duplicate search failed"),
    "duplicate.candidates": _("Possible duplicates recorded"),
    "duplicate.merge": _("Duplicate records merged"),
    "duplicate.undo_merge": _("Merge undone"),
    "duplicate.different": _("Records judged to be different people"),
    "duplicate.separate": _("Record taken out of a duplicate case"),
    "duplicate.export": _("Duplicate list exported"),
    "minimum_wage.set": _("Minimum wage (UMK) set"),
    "funding_source.create": _("Funder added"),
    "funding_source.update": _("Funder changed"),
    "funding_source.budget": _("Funder's budget set"),
    "rate_version.create": _("Contribution rate added"),
    "rate_version.update": _("Contribution rate changed"),
    "rate_version.withdraw": _("Contribution rate withdrawn"),
    "program.create": _("Programme created"),
    "program.update": _("Programme changed"),
    "program.shares": _("Programme's funding shares changed"),
    "eligibility_rules.create": _("Eligibility rules drafted"),
    "eligibility_rules.update": _("Eligibility rules draft changed"),
    "eligibility_rules.adopt": _("Eligibility rules adopted"),
    "eligibility.run_requested": _("Eligibility run requested"),
    "eligibility.run": _("Eligibility decisions stored"),
    "eligibility.run_failed": _("Eligibility run stopped with an error"),
    "eligibility_override.record": _("Eligibility decided by hand"),
    "eligibility_override.withdraw": _("Decision by hand withdrawn"),
    "enrolment.create": _("Enrolment candidate added"),
    "enrolment.transition": _("Enrolment status changed"),
    "enrolment.reveal": _("Full KPJ number viewed"),
    "enrolment.batch_export": _("Registration batch sent to BPJS"),
    "enrolment.batch_download": _("Registration batch file downloaded"),
    "enrolment.export_template": _("BPJS file columns set"),
    "enrolment.bpjs_answer_import": _("BPJS answer imported"),
    "enrolment.bpjs_participants_import": _("BPJS participant list imported"),
    "enrolment.bpjs_report_download": _("BPJS file report downloaded"),
}
OBJECT_LABELS = {
    "worker": _("Worker"),
    "worker_list": _("Worker list"),
    "sector": _("Sector"),
    "occupation": _("Occupation"),
    "region": _("Region"),
    "user": _("User"),
    "api_token": _("API token"),
    "audit_chain": _("Audit chain"),
    "import": _("Import"),
    "import_profile": _("Import profile"),
    "duplicate_case": _("Duplicate case"),
    "duplicate_list": _("Duplicate list"),
    "duplicate_run": _("Duplicate search"),
    "minimum_wage": _("Minimum wage (UMK)"),
    "funding_source": _("Funder"),
    "rate_version": _("Contribution rate"),
    "program": _("Programme"),
    "rule_version": _("Eligibility rules"),
    "eligibility_override": _("Decision by hand"),
    "enrolment": _("Enrolment"),
    "registration_batch": _("Registration batch"),
    "bpjs_file": _("BPJS file"),
}
# Field names in ``changes`` as the worker's form labels them; others are shown as they are.
FIELD_LABELS = {
    field.name: field.verbose_name
    for field in Worker._meta.get_fields()
    if hasattr(field, "verbose_name") and not field.auto_created
} | {"heirs": _("heirs"), "mapping": _("column mapping"), "sheet": _("sheet")}


class AuditFilterForm(forms.Form):
    worker = forms.IntegerField(label=_("Worker ID"), required=False, min_value=1)
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["action"].choices = [("", _("All actions"))] + [
            (code, action_label(code)) for code in actions
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def _require_auditor(request) -> None:
    if not has_capability(request.user, Capability.READ_AUDIT):
        raise HttpForbidden


@login_required
def event_list(request):
    _require_auditor(request)
    # The known actions, plus one asked for in the address: a DISTINCT over millions of events
    # would cost more than the page itself.
    actions = sorted(set(ACTION_LABELS) | {request.GET.get("action", "")} - {""}, key=action_label)
    form = AuditFilterForm(request.GET or None, actions=actions)
    if form.is_bound and not form.is_valid():
        events = audit_events_for_user(request.user).none()
    else:
        values = form.cleaned_data if form.is_bound else {}
        events = audit_events_for_user(
            request.user,
            worker_id=values.get("worker"),
            username=values.get("user"),
            action=values.get("action"),
            date_from=values.get("date_from"),
            date_to=values.get("date_to"),
        )
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [_list_row(event) for event in page.object_list]
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "is_filtered": form.is_bound,
            "verification": _latest_verification(request),
        },
    )


def _changes(event) -> list[dict]:
    return [
        {
            "field": str(FIELD_LABELS.get(row.field, row.field)),
            "before": _text(row.before),
            "after": _text(row.after),
            "is_pair": row.is_pair,
        }
        for row in change_rows(event)
    ]


def _text(value) -> str:
    """A stored JSON value as a person reads it (already masked)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_text(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value)
    return str(value)


def _list_row(event) -> dict:
    changes = _changes(event)
    return {
        "event": event,
        "action": action_label(event.action),
        "object": _object_label(event),
        "changes": changes[:3],
        "more_changes": max(len(changes) - 3, 0),
    }


def _object_label(event) -> str:
    if not event.object_type:
        return ""
    label = str(OBJECT_LABELS.get(event.object_type, event.object_type))
    return f"{label} #{event.object_id}" if event.object_id else label


@login_required
def event_detail(request, sequence: int):
    _require_auditor(request)
    try:
        event = get_audit_event_for_user(request.user, sequence)
    except NotFound as error:
        raise Http404 from error
    return render(
        request,
        "audit/event_detail.html",
        {
            "event": event,
            "action": action_label(event.action),
            "object": _object_label(event),
            "changes": _changes(event),
            "context": [(key, _text(value)) for key, value in masked(event.context).items()],
            "has_next": audit_events_for_user(request.user)
            .filter(sequence__gt=event.sequence)
            .exists(),
        },
    )


@login_required
@require_POST
def verify(request):
    _require_auditor(request)
    request_chain_verification(actor=request.user)
    result = verify_audit_chain.enqueue()
    stored = {"id": result.id}
    if result.is_finished:
        # A backend that runs tasks inline cannot look results up later: keep the outcome.
        stored |= {"status": str(result.status), "outcome": _outcome(result)}
    request.session[VERIFICATION_SESSION_KEY] = stored
    if request.htmx:
        return verification_status(request)
    return redirect("audit:event_list")


@login_required
def verification_status(request):
    _require_auditor(request)
    return render(
        request, "audit/_verification.html", {"verification": _latest_verification(request)}
    )


def _latest_verification(request) -> dict | None:
    """What became of the last verification this user asked for, or None."""
    stored = request.session.get(VERIFICATION_SESSION_KEY)
    if not stored:
        return None
    if "status" in stored:
        return {"finished": True, "status": stored["status"], "outcome": stored["outcome"]}
    try:
        result = verify_audit_chain.get_result(stored["id"])
    except (TaskResultDoesNotExist, NotImplementedError):
        return None
    return {
        "finished": result.is_finished,
        "status": result.status,
        "outcome": _outcome(result),
        "enqueued_at": result.enqueued_at,
        "finished_at": result.finished_at,
    }


def _outcome(result) -> dict | None:
    if result.status != TaskResultStatus.SUCCESSFUL:
        return None
    return result.return_value
