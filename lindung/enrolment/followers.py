"""Enrolments follow the survivor when duplicate records are merged (``dedup.followers``).

The merged record's enrolments, graduations and BPJS participant rows move to the survivor.
The database allows one active enrolment per worker, and one open enrolment per programme:
when both records have one in the same programme, the one further along stays (an active
enrolment, with its KPJ number and cover, over a candidate) and the other is ended with
reason "duplicate" on the merge day; two active ones in different programmes keep the
survivor's. Both were the same person, covered once. Undoing the merge moves everything
back and reopens what the merge ended.
"""

from typing import Any

from django.utils import timezone

from lindung.enrolment.models import (
    OPEN_STATUSES,
    BpjsParticipant,
    EndReason,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Graduation,
)
from lindung.registry.models import Worker

NOTE = "Data ganda digabung; kepesertaan dilanjutkan pada data pekerja yang dipertahankan."


# How far an open enrolment has come: in a clash the more advanced one stays.
_PROGRESS = {EnrolmentStatus.CANDIDATE: 0, EnrolmentStatus.SUBMITTED: 1, EnrolmentStatus.ACTIVE: 2}


def move_enrolments(merged: Worker, survivor: Worker) -> list[Any]:
    """What moved, as JSON: ["enrolment", id, from worker, ended by the merge (the status
    change id) or None], ["kept", id, survivor, ended] for a survivor's enrolment ended
    because the merged record's was further along (an active one, with its KPJ number,
    outranks a candidate), and ["graduation" | "participant", id, from worker]."""
    survivor_open = {
        enrolment.program_id: enrolment
        for enrolment in Enrolment.objects.filter(worker=survivor, status__in=OPEN_STATUSES)
    }
    moved: list[Any] = []
    today = timezone.localdate()
    for enrolment in Enrolment.objects.filter(worker=merged).order_by("id"):
        ended_change = None
        if enrolment.status in OPEN_STATUSES:
            same_programme = survivor_open.get(enrolment.program_id)
            if same_programme is not None and (
                _PROGRESS[enrolment.status] > _PROGRESS[same_programme.status]
            ):
                ended = _end_as_duplicate(same_programme, today)
                moved.append(["kept", same_programme.pk, survivor.pk, ended])
                survivor_open[enrolment.program_id] = enrolment
            elif same_programme is not None or (
                enrolment.status == EnrolmentStatus.ACTIVE and _has_active(survivor_open)
            ):
                ended_change = _end_as_duplicate(enrolment, today)
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


def _end_as_duplicate(enrolment: Enrolment, today) -> list[Any]:
    """End one of two enrolments of the same person; returns what undoing needs to reopen
    it."""
    before = [enrolment.status, enrolment.ended_on, enrolment.end_reason, enrolment.end_note]
    change = EnrolmentStatusChange.objects.create(
        enrolment=enrolment,
        from_status=enrolment.status,
        to_status=EnrolmentStatus.ENDED,
        effective_on=today,
        reason=EndReason.DUPLICATE,
        note=NOTE,
        changed_at=timezone.now(),
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=EnrolmentStatus.ENDED,
        ended_on=today,
        end_reason=EndReason.DUPLICATE,
        end_note=NOTE,
        version=enrolment.version + 1,
    )
    return [change.pk, before[0], before[1] and before[1].isoformat(), before[2], before[3]]


def restore_enrolments(moved: list[Any]) -> None:
    models = {"graduation": Graduation, "participant": BpjsParticipant}
    # Backwards: a merged record's enrolment goes home before the survivor's enrolment it
    # replaced is reopened (one open enrolment per worker and programme, at every step).
    for kind, pk, worker_id, *rest in reversed(moved):
        if kind in models:
            models[kind].objects.filter(pk=pk).update(worker_id=worker_id)
            continue
        Enrolment.objects.filter(pk=pk).update(worker_id=worker_id)
        ended = rest[0] if rest else None
        if ended:
            change_id, status, ended_on, reason, note = ended
            EnrolmentStatusChange.objects.filter(pk=change_id).delete()
            Enrolment.objects.filter(pk=pk).update(
                status=status, ended_on=ended_on, end_reason=reason, end_note=note
            )
