"""Taking one record out of a cluster: it is a different person from the others, who stay in
the case to be decided among themselves."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import DomainError
from lindung.dedup.models import (
    CandidatePair,
    CaseMember,
    CaseStatus,
    Decision,
    DuplicateCase,
    Level,
)
from lindung.dedup.selectors import get_case_for_user
from lindung.dedup.services.candidates import Components, refresh_cases
from lindung.dedup.services.decisions import (
    ensure_versions,
    lock_workers,
    record_decision,
    required_reason,
)


def separate_worker(
    *,
    user: User,
    case: DuplicateCase,
    worker_id: int,
    reason: str,
    expected_versions: dict[int, int] | None = None,
) -> Decision:
    """Record that ``worker_id`` is not the person the other records of the case are.

    Its pairs go to a new case decided "different people" (so they are not proposed again
    until a record changes); the others stay open. Refused when the record is the only link
    between the others: then the case is decided as a whole.
    """
    require(user, Capability.RESOLVE_DUPLICATES)
    reason = required_reason(reason)
    with transaction.atomic():
        case = get_case_for_user(user, case.pk, for_update=True)
        if case.status != CaseStatus.OPEN:
            raise DomainError(_("Only an open case can be split."))
        workers = lock_workers(user, case)
        if expected_versions:
            ensure_versions(workers, expected_versions)
        if worker_id not in workers:
            raise DomainError(_("Choose a record of this case."))
        if len(workers) < 3:
            raise DomainError(_("A case of two records is decided as a whole."))
        others = sorted(set(workers) - {worker_id})
        pairs = list(case.pairs.all())
        leaving = [pair for pair in pairs if worker_id in (pair.left_id, pair.right_id)]
        if not _still_linked(others, [pair for pair in pairs if pair not in leaving]):
            raise DomainError(
                _(
                    "This record is the only link between the other records; decide the case "
                    "as a whole."
                )
            )
        now = timezone.now()
        split = _split_case(case, worker_id, others, leaving, user=user, now=now)
        decision = record_decision(
            split, Decision.Kind.DIFFERENT_PEOPLE, reason, user, workers, now
        )
        decision.apart = [sorted((worker_id, other)) for other in others]
        decision.save(update_fields=["apart"])
        refresh_cases({case.pk}, now=now)
        record_event(
            actor=user,
            action="duplicate.separate",
            object_type="duplicate_case",
            object_id=case.pk,
            context={
                "reason": reason,
                "decision": decision.pk,
                "worker": worker_id,
                "remaining": others,
                "split_case": split.pk,
            },
        )
    return decision


def _still_linked(worker_ids: list[int], pairs: list[CandidatePair]) -> bool:
    components = Components()
    for worker_id in worker_ids:
        components.find(("worker", worker_id))
    for pair in pairs:
        components.join(("worker", pair.left_id), ("worker", pair.right_id))
    return len({components.find(("worker", worker_id)) for worker_id in worker_ids}) == 1


def _split_case(
    case: DuplicateCase,
    worker_id: int,
    others: list[int],
    leaving: list[CandidatePair],
    *,
    user: User,
    now,
) -> DuplicateCase:
    """A decided case holding the record taken out, its pairs, and the records it was
    found different from."""
    best = max(leaving, key=lambda pair: pair.match_weight)
    member = CaseMember.objects.select_related("worker").get(case=case, worker_id=worker_id)
    split = DuplicateCase.objects.create(
        status=CaseStatus.DIFFERENT,
        level=Level.DUPLICATE
        if any(pair.level == Level.DUPLICATE for pair in leaving)
        else Level.POSSIBLE,
        best_weight=best.match_weight,
        best_probability=best.probability,
        district_id=member.worker.district_id,
        worker_count=1 + len(others),
        created_at=now,
        updated_at=now,
        resolved_at=now,
        resolved_by=user,
    )
    CaseMember.objects.bulk_create(
        CaseMember(case=split, worker_id=member_id) for member_id in [worker_id, *others]
    )
    CandidatePair.objects.filter(pk__in=[pair.pk for pair in leaving]).update(case=split)
    member.delete()
    return split
