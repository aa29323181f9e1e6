"""Every read of duplicate cases, scoped to what the user may see.

A case is visible to a user who sees at least one of its workers; the workers outside their
area are shown only as "another district". Deciding a case needs every worker in scope
(``sees_every_worker``).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, has_capability, require
from lindung.accounts.scope import area_scope
from lindung.core.exceptions import NotFound
from lindung.dedup.models import (
    CandidatePair,
    CaseMember,
    CaseStatus,
    Decision,
    DuplicateCase,
    DuplicateRun,
    Merge,
)
from lindung.regions.models import Region
from lindung.registry.models import Worker
from lindung.registry.selectors import districts_for_user


def _members_in_scope(user: User) -> Q:
    return area_scope(user, village_field="worker__village", district_field="worker__district")


def cases_for_user(user: User) -> QuerySet[DuplicateCase]:
    """All cases with at least one worker in the user's area, and none other."""
    require(user, Capability.RESOLVE_DUPLICATES)
    cases = DuplicateCase.objects.all()
    scope = _members_in_scope(user)
    if scope:  # a regency-wide user sees every case without a subquery
        members = CaseMember.objects.filter(scope, case=OuterRef("pk"))
        cases = cases.filter(Exists(members))
    return cases


def get_case_for_user(user: User, case_id: int, *, for_update: bool = False) -> DuplicateCase:
    """One case, or NotFound when it does not exist *or* lies wholly outside the user's area."""
    cases = cases_for_user(user).select_related("district", "resolved_by")
    if for_update:
        cases = cases.select_for_update(of=("self",))
    case = cases.filter(pk=case_id).first()
    if case is None:
        raise NotFound("Kasus duplikat tidak ditemukan.")
    return case


@dataclass(frozen=True)
class CaseFilters:
    district: str = ""
    level: str = ""
    status: str = CaseStatus.OPEN

    def as_dict(self) -> dict[str, str]:
        return {key: value for key, value in self.__dict__.items() if value}


def search_cases(user: User, filters: CaseFilters) -> QuerySet[DuplicateCase]:
    """The review queue: cases matching the filters, the strongest first."""
    cases = cases_for_user(user).select_related("district")
    if filters.district:
        in_district = CaseMember.objects.filter(
            case=OuterRef("pk"), worker__district_id=filters.district
        )
        cases = cases.filter(Exists(in_district))
    if filters.level:
        cases = cases.filter(level=filters.level)
    if filters.status:
        cases = cases.filter(status=filters.status)
    return cases.order_by("-best_weight", "id")


def case_counts(user: User, *, district: str = "") -> dict[str, int]:
    """How many cases of the user's area (and district, if chosen) are in each status."""
    cases = search_cases(user, CaseFilters(district=district, status=""))
    found = dict(cases.order_by().values_list("status").annotate(n=Count("id")))
    return {status: found.get(status, 0) for status in CaseStatus.values}


def case_districts(user: User) -> QuerySet[Region]:
    return districts_for_user(user)


@dataclass(frozen=True)
class QueueRow:
    case: DuplicateCase
    names: list[str]  # the workers in the user's area, by name
    elsewhere: int  # how many workers lie in another district


def queue_rows(user: User, cases: list[DuplicateCase]) -> list[QueueRow]:
    """A page of the queue with the names of its workers: two queries whatever its size."""
    members = list(
        CaseMember.objects.filter(case__in=cases).select_related("worker").order_by("worker_id")
    )
    visible = _visible_worker_ids(user, [member.worker_id for member in members])
    by_case: dict[int, list[CaseMember]] = {}
    for member in members:
        by_case.setdefault(member.case_id, []).append(member)
    return [
        QueueRow(
            case=case,
            names=[m.worker.full_name for m in by_case.get(case.pk, []) if m.worker_id in visible],
            elsewhere=sum(1 for m in by_case.get(case.pk, []) if m.worker_id not in visible),
        )
        for case in cases
    ]


@dataclass
class CaseRecord:
    """One worker of a case as its page shows it; ``worker`` is None outside the user's
    area (then only ``district_name`` may be shown)."""

    worker_id: int
    worker: Worker | None
    district_name: str = ""

    @property
    def in_scope(self) -> bool:
        return self.worker is not None


@dataclass
class CaseDetail:
    case: DuplicateCase
    records: list[CaseRecord]
    pairs: list[CandidatePair]
    decisions: list[Decision]
    merge: Merge | None  # the merge in force, if the case is merged
    can_resolve: bool
    heir_counts: dict[int, int] = field(default_factory=dict)


def case_detail(user: User, case: DuplicateCase) -> CaseDetail:
    """Everything the case page and the API show, in a fixed number of queries."""
    members = list(
        CaseMember.objects.filter(case=case)
        .select_related("worker__village__parent", "worker__sector", "worker__updated_by")
        .order_by("worker_id")
    )
    visible = _visible_worker_ids(user, [member.worker_id for member in members])
    records = [
        CaseRecord(
            worker_id=member.worker_id,
            worker=member.worker if member.worker_id in visible else None,
            district_name=member.worker.village.parent.name if member.worker.village.parent else "",
        )
        for member in members
    ]
    pairs = list(case.pairs.order_by("-match_weight", "id"))
    decisions = list(case.decisions.select_related("decided_by").order_by("-decided_at", "-id"))
    merge = (
        case.merges.filter(undone_by__isnull=True).prefetch_related("merged_workers").first()
        if case.status == CaseStatus.MERGED
        else None
    )
    heir_counts = dict(
        Worker.objects.filter(pk__in=visible)
        .annotate(n=Count("heirs"))
        .values_list("pk", "n")
        .order_by()
    )
    return CaseDetail(
        case=case,
        records=records,
        pairs=pairs,
        decisions=decisions,
        merge=merge,
        can_resolve=len(visible) == len(members)
        and has_capability(user, Capability.RESOLVE_DUPLICATES),
        heir_counts=heir_counts,
    )


def _visible_worker_ids(user: User, worker_ids: list[int]) -> set[int]:
    scope = area_scope(user)
    if not scope:
        return set(worker_ids)
    return set(Worker.objects.filter(scope, pk__in=worker_ids).values_list("pk", flat=True))


def sees_every_worker(user: User, case: DuplicateCase) -> bool:
    """Whether every worker of the case lies in the user's area (needed to decide it)."""
    ids = list(CaseMember.objects.filter(case=case).values_list("worker_id", flat=True))
    return len(_visible_worker_ids(user, ids)) == len(ids)


def sees_case_worker(user: User, case: DuplicateCase, worker_id: int) -> bool:
    """Whether the worker is one of the case's records *and* lies in the user's area: a
    record of another district is shown only by its district, never by its numbers."""
    if not CaseMember.objects.filter(case=case, worker_id=worker_id).exists():
        return False
    return bool(_visible_worker_ids(user, [worker_id]))


def open_case_of_worker(user: User, worker_id: int) -> DuplicateCase | None:
    """The open case a worker the user may see belongs to, for the worker's page."""
    if not has_capability(user, Capability.VIEW_WORKERS):
        return None
    membership = (
        CaseMember.objects.filter(worker_id=worker_id, case__status=CaseStatus.OPEN)
        .filter(Q(worker__in=Worker.objects.filter(area_scope(user))))
        .select_related("case")
        .first()
    )
    return membership.case if membership else None


def survivor_of_worker(user: User, worker_id: int) -> Worker | None:
    """The worker a record was merged into (the merge still in force), if the user sees it."""
    merge = (
        Merge.objects.filter(merged_workers__worker_id=worker_id, undone_by__isnull=True)
        .select_related("survivor")
        .first()
    )
    if merge is None or not has_capability(user, Capability.VIEW_WORKERS):
        return None
    return merge.survivor if _visible_worker_ids(user, [merge.survivor_id]) else None


def records_merged_into(user: User, worker_id: int) -> list[Worker]:
    """The records merged into this worker (merges in force) that the user may see: their
    own history stays with them."""
    if not has_capability(user, Capability.VIEW_WORKERS):
        return []
    merged = Worker.objects.filter(
        merged_into__merge__survivor_id=worker_id, merged_into__merge__undone_by__isnull=True
    )
    return list(merged.filter(area_scope(user)).order_by("pk"))


@dataclass(frozen=True)
class ExportRow:
    case_id: int
    left_id: int
    right_id: int
    left_source_ref: str
    right_source_ref: str
    district: str
    match_weight: float
    probability: float
    level: str


def open_candidates(user: User) -> list[ExportRow]:
    """The candidate pairs of open cases in the user's area, strongest case first."""
    cases = cases_for_user(user).filter(status=CaseStatus.OPEN)
    pairs = (
        CandidatePair.objects.filter(case__in=cases.values("pk"))
        .select_related("left", "right", "case__district")
        .order_by("-case__best_weight", "case_id", "-match_weight", "id")
    )
    visible = _visible_worker_ids(user, _pair_worker_ids(pairs))
    return [
        ExportRow(
            case_id=pair.case_id,
            left_id=pair.left_id,
            right_id=pair.right_id,
            # A worker of another district is named by id only.
            left_source_ref=pair.left.source_ref if pair.left_id in visible else "",
            right_source_ref=pair.right.source_ref if pair.right_id in visible else "",
            district=pair.case.district.name,
            match_weight=pair.match_weight,
            probability=pair.probability,
            level=pair.level,
        )
        for pair in pairs
    ]


def _pair_worker_ids(pairs: QuerySet[CandidatePair]) -> list[int]:
    ids: set[int] = set()
    for left, right in pairs.values_list("left_id", "right_id"):
        ids.update((left, right))
    return list(ids)


def latest_run() -> DuplicateRun | None:
    return DuplicateRun.objects.first()


def get_run_for_user(user: User, run_id: int) -> DuplicateRun:
    require(user, Capability.RESOLVE_DUPLICATES)
    run = DuplicateRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound("Pencarian duplikat tidak ditemukan.")
    return run


def district_mix(workers: list[Worker]) -> str:
    """The district most of these workers live in (ties: the lowest code)."""
    counts = Counter(worker.district_id for worker in workers)
    return min(counts, key=lambda code: (-counts[code], code))
