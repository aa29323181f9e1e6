"""Enrolments follow the survivor when duplicate records are merged (``dedup.followers``).

The merged record's enrolments, graduations and BPJS participant rows move to the survivor.
The database allows one active enrolment per worker, and one open enrolment per programme:
when both records have one in the same programme, the one further along stays (an active
enrolment, with its KPJ number and cover, over a candidate) and the other is ended with
reason "duplicate" on the merge day; two active ones in different programmes keep the
survivor's. That last rule comes first: when the merged record is active in a programme
where the survivor is only a candidate (or submitted) and the survivor is active in another
programme, the merged record's active enrolment ends and the survivor's candidate stays
open, since keeping the merged one would leave the person active twice or end the cover
the survivor already has. Both were the same person, covered once. Undoing the merge
moves everything back and reopens what the merge ended.

Ending is a status move like any other (``services.apply_move``): a history row by the
verifier who merged, the version and change time moved on, and an ``enrolment.transition``
audit event with the duplicate case in its context. The undo keeps that row and adds the
reopening after it (ended → the status before, effective the undo day), recorded the same
way: a move ``services.TRANSITIONS`` does not allow by hand, made here because it puts back
what the merge ended. Both events name the worker the enrolment belongs to outside the
merge, so that worker's history tells the ending and the reopening together. When that
worker has since had another enrolment opened in the same programme, the undo is refused
(``DomainError``) rather than leave the person with two: someone ends one of them first.
"""

import dataclasses
import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lindung.accounts.models import User
from lindung.audit.services import PendingEvent, record_events
from lindung.core.exceptions import DomainError
from lindung.enrolment.models import (
    OPEN_STATUSES,
    BpjsParticipant,
    EndReason,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Graduation,
)
from lindung.enrolment.services import Move, apply_move
from lindung.registry.models import Worker

NOTE = "Data ganda digabung; kepesertaan dilanjutkan pada data pekerja yang dipertahankan."
REOPEN_NOTE = "Penggabungan data ganda dibatalkan; kepesertaan dibuka kembali."
REOPEN_CLASH = (
    "Penggabungan tidak dapat dibatalkan: sejak digabung, pekerja ini mendapat kepesertaan "
    "lain yang masih terbuka di program yang sama. Akhiri salah satunya terlebih dahulu."
)
_STATUS_FIELDS = ["status", "ended_on", "end_reason", "end_note", "version", "updated_at"]


# How far an open enrolment has come: in a clash the more advanced one stays.
_PROGRESS = {EnrolmentStatus.CANDIDATE: 0, EnrolmentStatus.SUBMITTED: 1, EnrolmentStatus.ACTIVE: 2}


def move_enrolments(merged: Worker, survivor: Worker, *, actor: User, case_id: int) -> list[Any]:
    """What moved, as JSON: ["enrolment", id, from worker, ended by the merge (the status
    change id and what the enrolment was before) or None], ["kept", id, survivor, ended] for
    a survivor's enrolment ended because the merged record's was further along (an active
    one, with its KPJ number, outranks a candidate), and ["graduation" | "participant", id,
    from worker]. An ending is recorded by ``actor`` with ``case_id`` in its audit event."""
    survivor_open = {
        enrolment.program_id: enrolment
        for enrolment in Enrolment.objects.select_for_update().filter(
            worker=survivor, status__in=OPEN_STATUSES
        )
    }
    moved: list[Any] = []
    now = timezone.now()
    merged_enrolments = Enrolment.objects.select_for_update().filter(worker=merged).order_by("id")
    for enrolment in merged_enrolments:
        ended_change = None
        if enrolment.status in OPEN_STATUSES:
            same_programme = survivor_open.get(enrolment.program_id)
            # While the survivor is active, an active enrolment cannot come over, so it does
            # not outrank the survivor's candidate in its programme either: it ends, below.
            survivor_active = enrolment.status == EnrolmentStatus.ACTIVE and _has_active(
                survivor_open
            )
            if (
                same_programme is not None
                and not survivor_active
                and _PROGRESS[enrolment.status] > _PROGRESS[same_programme.status]
            ):
                ended = _end_as_duplicate(same_programme, actor=actor, case_id=case_id, now=now)
                moved.append(["kept", same_programme.pk, survivor.pk, ended])
                survivor_open[enrolment.program_id] = enrolment
            elif same_programme is not None or survivor_active:
                ended_change = _end_as_duplicate(enrolment, actor=actor, case_id=case_id, now=now)
            else:
                survivor_open[enrolment.program_id] = enrolment
        moved.append(["enrolment", enrolment.pk, merged.pk, ended_change])
    Enrolment.objects.filter(worker=merged).update(worker=survivor)
    for model, kind in ((Graduation, "graduation"), (BpjsParticipant, "participant")):
        ids = list(model.objects.filter(worker=merged).values_list("pk", flat=True))
        model.objects.filter(pk__in=ids).update(worker=survivor)
        moved.extend([kind, pk, merged.pk] for pk in ids)
    return moved


def _has_active(open_enrolments: dict[int, Enrolment]) -> bool:
    return any(e.status == EnrolmentStatus.ACTIVE for e in open_enrolments.values())


def _end_as_duplicate(
    enrolment: Enrolment, *, actor: User, case_id: int, now: dt.datetime
) -> list[Any]:
    """End one of two enrolments of the same person, before it changes worker; returns
    what undoing needs to reopen it: [status change id, status, ended_on, end_reason,
    end_note] as they were."""
    before = [
        enrolment.status,
        enrolment.ended_on and enrolment.ended_on.isoformat(),
        enrolment.end_reason,
        enrolment.end_note,
    ]
    move = Move(
        EnrolmentStatus.ENDED, timezone.localdate(now), reason=EndReason.DUPLICATE, note=NOTE
    )
    change, event = apply_move(enrolment, move, actor=actor, now=now)
    enrolment.save(update_fields=_STATUS_FIELDS)
    change.save()
    record_events(actor=actor, events=[_in_case(event, case_id)])
    return [change.pk, *before]


def restore_enrolments(moved: list[Any], *, actor: User, case_id: int) -> None:
    """Undo ``move_enrolments``; what it ended is reopened by ``actor``."""
    models = {"graduation": Graduation, "participant": BpjsParticipant}
    now = timezone.now()
    # Backwards: a merged record's enrolment goes home before the survivor's enrolment it
    # replaced is reopened (one open enrolment per worker and programme, at every step).
    for kind, pk, worker_id, *rest in reversed(moved):
        if kind in models:
            models[kind].objects.filter(pk=pk).update(worker_id=worker_id)
            continue
        Enrolment.objects.filter(pk=pk).update(worker_id=worker_id)
        ended = rest[0] if rest else None
        if ended:
            _reopen(pk, ended[1:], actor=actor, case_id=case_id, now=now)


def _reopen(
    enrolment_id: int, before: list[Any], *, actor: User, case_id: int, now: dt.datetime
) -> None:
    """Put an enrolment the merge ended back as it was, as a recorded status move. Its
    ending row stays in the history: the enrolment was ended for that time. Refused when
    the database's one open enrolment per worker and programme no longer allows it."""
    status, ended_on, end_reason, end_note = before
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
    restored = {
        "ended_on": dt.date.fromisoformat(ended_on) if ended_on else None,
        "end_reason": end_reason,
        "end_note": end_note,
    }
    changes = {"status": [enrolment.status, status]} | {
        name: [getattr(enrolment, name), value]
        for name, value in restored.items()
        if getattr(enrolment, name) != value
    }
    change = EnrolmentStatusChange(
        enrolment=enrolment,
        from_status=enrolment.status,
        to_status=status,
        effective_on=timezone.localdate(now),
        note=REOPEN_NOTE,
        changed_by=actor,
        changed_at=now,
    )
    enrolment.status, enrolment.ended_on = status, restored["ended_on"]
    enrolment.end_reason, enrolment.end_note = end_reason, end_note
    enrolment.version += 1
    enrolment.updated_at = now
    try:
        # A savepoint, so that the clash surfaces as a refusal and the caller's
        # transaction rolls the whole undo back rather than failing on a broken one.
        with transaction.atomic():
            enrolment.save(update_fields=_STATUS_FIELDS)
    except IntegrityError:
        raise DomainError(REOPEN_CLASH) from None
    change.save()
    event = PendingEvent(
        action="enrolment.transition",
        object_type="enrolment",
        object_id=enrolment.pk,
        worker_id=enrolment.worker_id,
        changes=changes,
        context={"program": enrolment.program_id, "note": REOPEN_NOTE}
        | ({"batch": enrolment.batch_id} if enrolment.batch_id else {}),
    )
    record_events(actor=actor, events=[_in_case(event, case_id)])


def _in_case(event: PendingEvent, case_id: int) -> PendingEvent:
    return dataclasses.replace(event, context={**(event.context or {}), "duplicate_case": case_id})
