"""What follows the survivor when records are merged, and goes back when the merge is undone.

Each kind of thing that belongs to a worker (heirs, status history, later enrolments) is one
``Follower``: ``move`` re-points what a merged record holds to the survivor and returns, as
JSON, what it moved; ``restore`` takes that back. A module that adds something a worker owns
appends its follower to ``FOLLOWERS``; the merge and its undo need no other change.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from lindung.enrolment.followers import move_enrolments, restore_enrolments
from lindung.registry.models import Heir, Worker, WorkerStatusChange
from lindung.registry.names import normalize_name


@dataclass(frozen=True)
class Follower:
    name: str
    move: Callable[[Worker, Worker], list[Any]]  # (merged, survivor) → what moved
    restore: Callable[[list[Any]], None]


def _move_heirs(merged: Worker, survivor: Worker) -> list[Any]:
    """The merged record's heirs join the survivor's, except a person already listed there
    (the same spouse entered on both records)."""
    known = {(normalize_name(heir.full_name), heir.relationship) for heir in survivor.heirs.all()}
    next_position = (survivor.heirs.aggregate(last=Max("position"))["last"] or 0) + 1
    moved = []
    for heir in merged.heirs.order_by("priority", "position", "id"):
        if (normalize_name(heir.full_name), heir.relationship) in known:
            continue
        moved.append([heir.pk, merged.pk, heir.position])
        heir.worker, heir.position = survivor, next_position
        heir.save(update_fields=["worker", "position"])
        next_position += 1
    return moved


def _restore_heirs(moved: list[Any]) -> None:
    for heir_id, worker_id, position in moved:
        Heir.objects.filter(pk=heir_id).update(worker_id=worker_id, position=position)


def _move_status_history(merged: Worker, survivor: Worker) -> list[Any]:
    """The merged record's earlier status moves join the survivor's history."""
    moved = list(merged.status_changes.values_list("pk", flat=True))
    WorkerStatusChange.objects.filter(pk__in=moved).update(worker=survivor)
    return [[change_id, merged.pk] for change_id in moved]


def _restore_status_history(moved: list[Any]) -> None:
    for change_id, worker_id in moved:
        WorkerStatusChange.objects.filter(pk=change_id).update(worker_id=worker_id)


FOLLOWERS: list[Follower] = [
    Follower("heirs", _move_heirs, _restore_heirs),
    Follower("status_changes", _move_status_history, _restore_status_history),
    Follower("enrolments", move_enrolments, restore_enrolments),
]


def move_to_survivor(merged: Worker, survivor: Worker) -> dict[str, list[Any]]:
    return {follower.name: follower.move(merged, survivor) for follower in FOLLOWERS}


def restore_from_survivor(moved: dict[str, list[Any]]) -> None:
    for follower in FOLLOWERS:
        follower.restore(moved.get(follower.name, []))
