"""What follows the survivor when records are merged, and goes back when the merge is undone.

Each kind of thing that belongs to a worker (heirs, status history, later enrolments) is one
``Follower``: ``move`` re-points what a merged record holds to the survivor and returns, as
JSON, what it moved; ``restore`` takes that back. A module that adds something a worker owns
appends its follower to ``FOLLOWERS``; the merge and its undo need no other change.

Both run inside the merge's (or the undo's) transaction and are told who decided it
(``actor``) and the duplicate case (``case_id``): a follower that changes more than which
worker a row points to (enrolments ended or reopened) records that change as its own app
does, by that verifier, with the case in the audit event's context. Re-pointing alone is not
audited per row: the merge's ``duplicate.merge`` event counts what moved, and the ``Merge``
row keeps the list.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Max

from lindung.accounts.models import User
from lindung.enrolment.followers import move_enrolments, restore_enrolments
from lindung.registry.models import Heir, Worker, WorkerStatusChange
from lindung.registry.names import normalize_name


class Mover(Protocol):
    def __call__(
        self, merged: Worker, survivor: Worker, *, actor: User, case_id: int
    ) -> list[Any]: ...


class Restorer(Protocol):
    def __call__(self, moved: list[Any], *, actor: User, case_id: int) -> None: ...


@dataclass(frozen=True)
class Follower:
    name: str
    move: Mover  # (merged, survivor) → what moved, as JSON
    restore: Restorer  # what ``move`` returned → put back


def _move_heirs(merged: Worker, survivor: Worker, *, actor: User, case_id: int) -> list[Any]:
    """The merged record's heirs join the survivor's, except a person already listed there
    (the same spouse entered on both records). The merge's correction event on the survivor
    lists its heirs before and after."""
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


def _restore_heirs(moved: list[Any], *, actor: User, case_id: int) -> None:
    for heir_id, worker_id, position in moved:
        Heir.objects.filter(pk=heir_id).update(worker_id=worker_id, position=position)


def _move_status_history(
    merged: Worker, survivor: Worker, *, actor: User, case_id: int
) -> list[Any]:
    """The merged record's earlier status moves join the survivor's history. The rows keep
    who made each move; only the worker they belong to changes, so nothing is written."""
    moved = list(merged.status_changes.values_list("pk", flat=True))
    WorkerStatusChange.objects.filter(pk__in=moved).update(worker=survivor)
    return [[change_id, merged.pk] for change_id in moved]


def _restore_status_history(moved: list[Any], *, actor: User, case_id: int) -> None:
    for change_id, worker_id in moved:
        WorkerStatusChange.objects.filter(pk=change_id).update(worker_id=worker_id)


FOLLOWERS: list[Follower] = [
    Follower("heirs", _move_heirs, _restore_heirs),
    Follower("status_changes", _move_status_history, _restore_status_history),
    Follower("enrolments", move_enrolments, restore_enrolments),
]


def move_to_survivor(
    merged: Worker, survivor: Worker, *, actor: User, case_id: int
) -> dict[str, list[Any]]:
    """What ``merged`` holds goes to ``survivor``, per follower, as the merge decided by
    ``actor`` on duplicate case ``case_id``."""
    return {
        follower.name: follower.move(merged, survivor, actor=actor, case_id=case_id)
        for follower in FOLLOWERS
    }


def restore_from_survivor(moved: dict[str, list[Any]], *, actor: User, case_id: int) -> None:
    """Undo ``move_to_survivor`` (what it returned, as the ``Merge`` row keeps it)."""
    for follower in FOLLOWERS:
        follower.restore(moved.get(follower.name, []), actor=actor, case_id=case_id)
