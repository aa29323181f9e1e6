"""Enrolments follow the survivor when duplicate records are merged (``dedup.followers``).

The merged record's enrolments, graduations and BPJS participant rows move to the survivor.
The database allows one active enrolment per worker, and one open enrolment per programme:
when both records have one, the merged record's is ended with reason "duplicate" on the
merge day (the survivor's stays; both were the same person, covered once). Undoing the
merge moves everything back and reopens what the merge ended.
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


def move_enrolments(merged: Worker, survivor: Worker) -> list[Any]:
    """What moved, as JSON: ["enrolment", id, from worker, ended by the merge (the status
    change id) or None], and ["graduation" | "participant", id, from worker]."""
    survivor_open = list(
        Enrolment.objects.filter(worker=survivor, status__in=OPEN_STATUSES).values_list(
            "program_id", "status"
        )
    )
    survivor_active = any(status == EnrolmentStatus.ACTIVE for _p, status in survivor_open)
    survivor_programs = {program for program, _status in survivor_open}
    moved: list[Any] = []
    today = timezone.localdate()
    for enrolment in Enrolment.objects.filter(worker=merged).order_by("id"):
        ended_change = None
        clashes = enrolment.status in OPEN_STATUSES and (
            enrolment.program_id in survivor_programs
            or (enrolment.status == EnrolmentStatus.ACTIVE and survivor_active)
        )
        if clashes:
            ended_change = _end_as_duplicate(enrolment, today)
        moved.append(["enrolment", enrolment.pk, merged.pk, ended_change])
    Enrolment.objects.filter(worker=merged).update(worker=survivor)
    for model, kind in ((Graduation, "graduation"), (BpjsParticipant, "participant")):
        ids = list(model.objects.filter(worker=merged).values_list("pk", flat=True))
        model.objects.filter(pk__in=ids).update(worker=survivor)
        moved.extend([kind, pk, merged.pk] for pk in ids)
    return moved


def _end_as_duplicate(enrolment: Enrolment, today) -> list[Any]:
    """End the merged record's enrolment; returns what undoing needs to reopen it."""
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
    for kind, pk, worker_id, *rest in moved:
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
