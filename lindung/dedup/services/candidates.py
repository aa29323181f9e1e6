"""Keeping the engine's scored pairs as cases a verifier can decide.

Pairs are grouped into cases by connected components: a pair touching a worker of an open
case joins that case, and a pair linking two open cases joins them into one. Recording the
same pairs again changes nothing.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lindung.audit.services import record_event
from lindung.dedup.models import (
    CandidatePair,
    CaseMember,
    CaseStatus,
    Decision,
    DuplicateCase,
    DuplicateRun,
    Level,
    Merge,
)
from lindung.dedup.pairs import ScoredPair
from lindung.dedup.selectors import district_mix
from lindung.registry.models import Worker, WorkerStatus

# Ids per ``IN (...)``: well below SQLite's limit on query parameters.
ID_CHUNK = 2000


@dataclass(frozen=True)
class RecordOutcome:
    pairs_recorded: int  # new candidate pairs
    pairs_updated: int  # pairs of open cases scored again with another result
    cases_opened: int
    pairs_skipped: int  # an inactive worker, or people already found different


def record_candidates(*, pairs: list[ScoredPair], run: DuplicateRun | None = None) -> RecordOutcome:
    """Store scored pairs as open cases; skip what needs no new look."""
    now = timezone.now()
    with transaction.atomic():
        pairs = _one_per_couple(pairs)
        workers = _workers(pair_ids(pairs))
        live = [p for p in pairs if _both_active(p, workers)]
        declined = _declined_couples(live, workers)
        live = [p for p in live if (p.left_id, p.right_id) not in declined]
        known = _open_pairs(live)
        fresh = [p for p in live if (p.left_id, p.right_id) not in known]
        updated = _rescore(
            [(known[(p.left_id, p.right_id)], p) for p in live if (p.left_id, p.right_id) in known],
            workers,
            run=run,
            now=now,
        )
        # New cases get their score, level and district when created; joined ones here.
        touched, opened = _file_fresh_pairs(fresh, workers, run=run, now=now)
        refresh_cases(touched | {pair.case_id for pair in updated}, now=now)
        outcome = RecordOutcome(
            pairs_recorded=len(fresh),
            pairs_updated=len(updated),
            cases_opened=opened,
            pairs_skipped=len(pairs) - len(live),
        )
        if fresh or updated:
            record_event(
                actor=run.started_by if run else None,
                action="duplicate.candidates",
                object_type="duplicate_run" if run else "",
                object_id=run.pk if run else "",
                context=outcome.__dict__,
            )
    return outcome


def _one_per_couple(pairs: Iterable[ScoredPair]) -> list[ScoredPair]:
    """The engine promises ``left_id < right_id``; a couple scored twice keeps its best."""
    best: dict[tuple[int, int], ScoredPair] = {}
    for pair in pairs:
        if pair.left_id == pair.right_id:
            continue
        if pair.left_id > pair.right_id:
            pair = ScoredPair(
                pair.right_id, pair.left_id, pair.match_weight, pair.probability,
                pair.level, pair.evidence,
            )  # fmt: skip
        key = (pair.left_id, pair.right_id)
        if key not in best or pair.match_weight > best[key].match_weight:
            best[key] = pair
    return list(best.values())


def pair_ids(pairs: Iterable[ScoredPair]) -> set[int]:
    return {worker_id for pair in pairs for worker_id in (pair.left_id, pair.right_id)}


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = sorted(ids)
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


def _memberships(worker_ids: set[int], status: str) -> Iterator[tuple[int, int]]:
    """(worker, case) for the cases in ``status`` these workers belong to."""
    for chunk in _chunks(worker_ids):
        # Filtered by status here: in SQL, SQLite would walk every case of that status.
        rows = CaseMember.objects.filter(worker_id__in=chunk).values_list(
            "worker_id", "case_id", "case__status"
        )
        yield from ((worker, case) for worker, case, case_status in rows if case_status == status)


def _workers(ids: set[int]) -> dict[int, Worker]:
    found: dict[int, Worker] = {}
    for chunk in _chunks(ids):
        for worker in Worker.objects.filter(pk__in=chunk).only(
            "id", "status", "version", "district"
        ):
            found[worker.pk] = worker
    return found


def _both_active(pair: ScoredPair, workers: dict[int, Worker]) -> bool:
    return all(
        worker_id in workers and workers[worker_id].status != WorkerStatus.INACTIVE
        for worker_id in (pair.left_id, pair.right_id)
    )


def _declined_couples(pairs: list[ScoredPair], workers: dict[int, Worker]) -> set[tuple[int, int]]:
    """Couples a verifier found to be different people, neither of whom changed since."""
    cases_of: dict[int, set[int]] = defaultdict(set)
    for worker_id, case_id in _memberships(pair_ids(pairs), CaseStatus.DIFFERENT):
        cases_of[worker_id].add(case_id)
    shared = {case for pair in pairs for case in cases_of[pair.left_id] & cases_of[pair.right_id]}
    decided = {
        case_id: (versions, {tuple(couple) for couple in apart})
        for case_id, versions, apart in Decision.objects.filter(
            case_id__in=shared, kind=Decision.Kind.DIFFERENT_PEOPLE
        )
        .order_by("case_id", "decided_at", "id")
        .values_list("case_id", "worker_versions", "apart")
    }  # the last decision of each case wins
    declined = set()
    for pair in pairs:
        couple = (pair.left_id, pair.right_id)
        for case_id in cases_of[pair.left_id] & cases_of[pair.right_id]:
            versions, apart = decided.get(case_id, ({}, set()))
            unchanged = all(
                versions.get(str(worker_id)) == workers[worker_id].version for worker_id in couple
            )
            if unchanged and (not apart or couple in apart):
                declined.add(couple)
    return declined


def _open_pairs(pairs: list[ScoredPair]) -> dict[tuple[int, int], CandidatePair]:
    wanted = {(pair.left_id, pair.right_id) for pair in pairs}
    found = {}
    for chunk in _chunks({left for left, _ in wanted}):
        # The status is checked here, not in SQL: asked for it, SQLite walks every open case.
        for pair in CandidatePair.objects.filter(left_id__in=chunk).select_related("case"):
            if pair.case.status == CaseStatus.OPEN and (pair.left_id, pair.right_id) in wanted:
                found[(pair.left_id, pair.right_id)] = pair
    return found


def _evidence(pair: ScoredPair) -> list[dict]:
    return [
        {"field": item.field, "level": item.level, "weight": round(item.weight, 4)}
        for item in pair.evidence
    ]


def _rescore(
    known: list[tuple[CandidatePair, ScoredPair]],
    workers: dict[int, Worker],
    *,
    run: DuplicateRun | None,
    now,
) -> list[CandidatePair]:
    """Open pairs scored again: keep the newest score; an unchanged one is left alone."""
    changed = []
    for stored, scored in known:
        values = {
            "match_weight": scored.match_weight,
            "probability": scored.probability,
            "level": str(scored.level),
            "evidence": _evidence(scored),
            "left_version": workers[scored.left_id].version,
            "right_version": workers[scored.right_id].version,
        }
        if all(getattr(stored, key) == value for key, value in values.items()):
            continue
        for key, value in values.items():
            setattr(stored, key, value)
        stored.run, stored.scored_at = run, now
        changed.append(stored)
    CandidatePair.objects.bulk_update(changed, [*_SCORE_FIELDS, "run", "scored_at"])
    return changed


_SCORE_FIELDS = (
    "match_weight",
    "probability",
    "level",
    "evidence",
    "left_version",
    "right_version",
)


class Components:
    """Union-find over workers and open cases."""

    def __init__(self) -> None:
        self.parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(self, node: tuple[str, int]) -> tuple[str, int]:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def join(self, a: tuple[str, int], b: tuple[str, int]) -> None:
        self.parent[self.find(a)] = self.find(b)


def _file_fresh_pairs(
    fresh: list[ScoredPair], workers: dict[int, Worker], *, run: DuplicateRun | None, now
) -> tuple[set[int], int]:
    """Put new pairs into open cases (joining cases they link) or new ones. Returns the
    cases touched and how many were opened."""
    if not fresh:
        return set(), 0
    components = Components()
    for pair in fresh:
        components.join(("worker", pair.left_id), ("worker", pair.right_id))
    for worker_id, case_id in _memberships(pair_ids(fresh), CaseStatus.OPEN):
        components.join(("worker", worker_id), ("case", case_id))
    pairs_by_root: dict[tuple[str, int], list[ScoredPair]] = defaultdict(list)
    for pair in fresh:
        pairs_by_root[components.find(("worker", pair.left_id))].append(pair)
    cases_by_root: dict[tuple[str, int], list[int]] = defaultdict(list)
    for node in list(components.parent):
        if node[0] == "case":
            cases_by_root[components.find(node)].append(node[1])
    touched: set[int] = set()
    new_cases, new_pairs, new_members = [], [], []
    for root, group in pairs_by_root.items():
        existing = sorted(cases_by_root.get(root, []))
        if existing:
            case = _one_case_of(existing)
            touched.add(case.pk)
            members = set(CaseMember.objects.filter(case=case).values_list("worker_id", flat=True))
        else:
            case = _new_case(group, workers, now=now)
            new_cases.append(case)
            members = set()
        new_members += [
            CaseMember(case=case, worker_id=i) for i in sorted(pair_ids(group) - members)
        ]
        new_pairs += [_candidate(case, pair, workers, run=run, now=now) for pair in group]
    DuplicateCase.objects.bulk_create(new_cases)
    CaseMember.objects.bulk_create(new_members)
    CandidatePair.objects.bulk_create(new_pairs)
    return touched, len(new_cases)


def _new_case(group: list[ScoredPair], workers: dict[int, Worker], *, now) -> DuplicateCase:
    best = max(group, key=lambda pair: pair.match_weight)
    return DuplicateCase(
        status=CaseStatus.OPEN,
        level=_case_level(pair.level for pair in group),
        best_weight=best.match_weight,
        best_probability=best.probability,
        district_id=district_mix([workers[i] for i in sorted(pair_ids(group))]),
        worker_count=len(pair_ids(group)),
        created_at=now,
        updated_at=now,
    )


def _case_level(levels: Iterable[str]) -> str:
    """A case is as sure as its surest pair."""
    return Level.DUPLICATE if Level.DUPLICATE in set(levels) else Level.POSSIBLE


def _one_case_of(case_ids: list[int]) -> DuplicateCase:
    """The open case new pairs join; the open cases they link are joined into the one with
    decisions (an undone merge), else the oldest."""
    with_history = set(
        Decision.objects.filter(case_id__in=case_ids).values_list("case_id", flat=True)
    )
    target = min(case_ids, key=lambda case_id: (case_id not in with_history, case_id))
    others = [case_id for case_id in case_ids if case_id != target]
    if others:
        _join_cases(target, others)
    return DuplicateCase.objects.get(pk=target)


def _join_cases(target: int, others: list[int]) -> None:
    """Two open cases linked by a new pair become one: theirs is one cluster now."""
    target_members = set(
        CaseMember.objects.filter(case_id=target).values_list("worker_id", flat=True)
    )
    CaseMember.objects.filter(case_id__in=others, worker_id__in=target_members).delete()
    CaseMember.objects.filter(case_id__in=others).update(case_id=target)
    CandidatePair.objects.filter(case_id__in=others).update(case_id=target)
    Decision.objects.filter(case_id__in=others).update(case_id=target)
    Merge.objects.filter(case_id__in=others).update(case_id=target)
    DuplicateCase.objects.filter(pk__in=others).delete()


def _candidate(
    case: DuplicateCase,
    pair: ScoredPair,
    workers: dict[int, Worker],
    *,
    run: DuplicateRun | None,
    now,
) -> CandidatePair:
    return CandidatePair(
        case=case,
        left_id=pair.left_id,
        right_id=pair.right_id,
        match_weight=pair.match_weight,
        probability=pair.probability,
        level=str(pair.level),
        evidence=_evidence(pair),
        left_version=workers[pair.left_id].version,
        right_version=workers[pair.right_id].version,
        run=run,
        scored_at=now,
    )


def refresh_cases(case_ids: set[int], *, now) -> None:
    """A case's score, level, district and size follow from its pairs and members."""
    for case in DuplicateCase.objects.filter(pk__in=case_ids):
        pairs = list(case.pairs.all())
        members = [
            member.worker
            for member in CaseMember.objects.filter(case=case).select_related("worker")
        ]
        best = max(pairs, key=lambda pair: pair.match_weight)
        case.best_weight, case.best_probability = best.match_weight, best.probability
        case.level = _case_level(pair.level for pair in pairs)
        case.district_id = district_mix(members)
        case.worker_count = len(members)
        case.updated_at = now
        case.save()
