"""Was a worker covered on a date, by which programme and funders, and if not, why not.

Benefits need active membership on the day of the event (FACTS §2), so the answer is read
from the enrolments' dates: covered from the coverage start BPJS gave up to and including
the last day covered (``ended_on`` of an enrolment that had been active). Two queries: the
worker (scoped) and their enrolments with programmes.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.core.formatting import format_date
from lindung.enrolment.models import EndReason, Enrolment, EnrolmentStatus
from lindung.registry.models import Worker
from lindung.registry.selectors import get_worker_for_user


def mask_kpj(value: str) -> str:
    """`*******8901`: the last four digits are enough to tell two cards apart."""
    if not value:
        return ""
    return "*" * max(0, len(value) - 4) + value[-4:]


@dataclass(frozen=True)
class Coverage:
    worker: Worker
    on: dt.date
    state: str  # covered, not_enrolled, candidate, submitted, ended
    explanation: str
    enrolment: Enrolment | None = None

    @property
    def covered(self) -> bool:
        return self.state == "covered"

    @property
    def program(self):
        return self.enrolment.program if self.enrolment else None

    @property
    def funders(self) -> list[dict]:
        return list(self.enrolment.funder_split) if self.enrolment else []

    @property
    def funder_names(self) -> str:
        return ", ".join(f"{part['name']} ({part['percent']}%)" for part in self.funders)

    @property
    def kpj_masked(self) -> str:
        return mask_kpj(self.enrolment.kpj_number) if self.enrolment else ""


def state_on(enrolment: Enrolment, on: dt.date) -> str | None:
    """The enrolment's status on ``on`` from its dates ("covered" when active), or None
    before it existed."""
    if enrolment.ended_on is not None:
        was_active = enrolment.coverage_start is not None
        if (was_active and on > enrolment.ended_on) or (
            not was_active and on >= enrolment.ended_on
        ):
            return EnrolmentStatus.ENDED
    if enrolment.coverage_start is not None and on >= enrolment.coverage_start:
        return "covered"  # BPJS's start counts even before the enrolment was recorded
    if on < enrolment.candidate_since:
        return None
    if enrolment.submitted_on is not None and on >= enrolment.submitted_on:
        return EnrolmentStatus.SUBMITTED
    return EnrolmentStatus.CANDIDATE


def coverage_on(user: User, worker_id: int, on: dt.date) -> Coverage:
    """The worker's coverage on ``on``, for a user who may see the worker."""
    worker = get_worker_for_user(user, worker_id)
    return coverage_of(worker, on)


def coverage_of(worker: Worker, on: dt.date) -> Coverage:
    enrolments = list(
        Enrolment.objects.filter(worker_id=worker.pk)
        .select_related("program")
        .order_by("-candidate_since", "-id")
    )
    states = [(enrolment, state_on(enrolment, on)) for enrolment in enrolments]
    for enrolment, state in states:
        if state == "covered":
            return Coverage(
                worker,
                on,
                "covered",
                _("Covered by %(program)s since %(date)s.")
                % {
                    "program": enrolment.program.name,
                    "date": format_date(enrolment.coverage_start),
                },
                enrolment,
            )
    # Not covered: the most telling enrolment is the one that was furthest along that day.
    rank = {EnrolmentStatus.SUBMITTED: 3, EnrolmentStatus.CANDIDATE: 2, EnrolmentStatus.ENDED: 1}
    known = [(enrolment, state) for enrolment, state in states if state is not None]
    if not known:
        return Coverage(worker, on, "not_enrolled", _("Not enrolled in any programme."))
    enrolment, state = max(known, key=lambda pair: (rank[pair[1]], pair[0].candidate_since))
    return Coverage(worker, on, state, _explain(enrolment, state), enrolment)


def _explain(enrolment: Enrolment, state: str) -> str:
    values = {"program": enrolment.program.name}
    if state == EnrolmentStatus.SUBMITTED:
        return _("Submitted to BPJS on %(date)s for %(program)s, not active yet.") % (
            values | {"date": format_date(enrolment.submitted_on)}
        )
    if state == EnrolmentStatus.CANDIDATE:
        return _("Candidate for %(program)s since %(date)s, not submitted to BPJS yet.") % (
            values | {"date": format_date(enrolment.candidate_since)}
        )
    reason = EndReason(enrolment.end_reason).label if enrolment.end_reason else ""
    if enrolment.end_reason == EndReason.REFUSED_BY_BPJS and enrolment.end_note:
        reason = f"{reason} ({enrolment.end_note})"
    return _("Ended on %(date)s: %(reason)s (%(program)s).") % (
        values | {"date": format_date(enrolment.ended_on), "reason": reason}
    )
