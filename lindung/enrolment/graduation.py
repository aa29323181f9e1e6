"""Workers who leave a funded programme to pay their own contributions (*mandiri*).

The subsidy is meant to lead workers to pay for themselves later (FACTS §1). Graduating
prices what the worker will pay a month with the rate version in effect for a self-paying
worker on the day they start (the PP 50/2025 discount where a version for self-paying
workers says so), ends the funded enrolment the day before with reason "graduated", and
keeps the figures for the letter. Whether they kept paying is read later from BPJS's
participant lists (``BpjsParticipant`` rows for their NIK, paid by themselves, active).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import ConcurrentEdit, DomainError, NotFound
from lindung.core.formatting import format_date
from lindung.enrolment.models import (
    BpjsParticipant,
    EndReason,
    Enrolment,
    EnrolmentStatus,
    Graduation,
    ParticipantPayer,
)
from lindung.enrolment.selectors import get_enrolment_for_user
from lindung.enrolment.services import Move, apply_move, check_move
from lindung.programs.models import FunderKind, Program, RateVersion
from lindung.programs.rates import contribution_under, rate_in_effect, rate_versions_for

SELF_PAID = FunderKind.SELF_PAID
FOLLOW_UP_MONTHS = (3, 6, 12)


def graduate_to_self_paying(
    *,
    user: User,
    enrolment: Enrolment | int,
    on: dt.date,
    rate: RateVersion | None = None,
    expected_version: int | None = None,
) -> Graduation:
    """Record that the worker pays their own contributions from ``on``; ``rate`` is the
    version to price them with (by default the one in effect on ``on`` for self-paying
    workers)."""
    require(user, Capability.EDIT_WORKERS)
    enrolment_id = enrolment if isinstance(enrolment, int) else enrolment.pk
    with transaction.atomic():
        enrolment = get_enrolment_for_user(user, enrolment_id, for_update=True)
        if expected_version is not None and enrolment.version != expected_version:
            raise ConcurrentEdit(
                "Kepesertaan ini telah diubah pengguna lain. Muat ulang halaman lalu ulangi."
            )
        if enrolment.status != EnrolmentStatus.ACTIVE:
            raise DomainError("Hanya peserta aktif yang dapat lulus menjadi peserta mandiri.")
        if on <= enrolment.coverage_start:
            raise DomainError(
                "Tanggal mulai mandiri harus sesudah mulai kepesertaan "
                f"({format_date(enrolment.coverage_start)})."
            )
        version = _rate_for(enrolment.program, on, rate)
        contribution = contribution_under(version, enrolment.program)
        move = Move(EnrolmentStatus.ENDED, on - dt.timedelta(days=1), EndReason.GRADUATED)
        check_move(enrolment, move)
        change, event = apply_move(enrolment, move, actor=user, now=timezone.now())
        enrolment.save()
        change.save()
        graduation = Graduation.objects.create(
            enrolment=enrolment,
            worker_id=enrolment.worker_id,
            program=enrolment.program,
            self_paying_from=on,
            rate_version=version,
            reported_income=enrolment.program.reported_income,
            jkk=contribution.jkk,
            jkm=contribution.jkm,
            jht=contribution.jht,
            discount_percent=version.discount_percent,
            monthly_amount=contribution.total,
            created_at=timezone.now(),
            created_by=user,
        )
        _record(user, event, graduation)
    return graduation


def _rate_for(program: Program, on: dt.date, rate: RateVersion | None) -> RateVersion:
    versions = rate_versions_for(program)
    if rate is None:
        rate = rate_in_effect(versions, on=on, payer_kinds={SELF_PAID})
        if rate is None:
            raise DomainError(
                f"Tidak ada tarif iuran peserta mandiri yang berlaku pada {format_date(on)}."
            )
        return rate
    usable = (
        rate.pk in {version.pk for version in versions}
        and rate.applies_to(SELF_PAID)
        and rate.valid_from <= on
        and (rate.valid_until is None or rate.valid_until >= on)
    )
    if not usable:
        raise DomainError(
            f"Tarif {rate.legal_reference} tidak berlaku untuk peserta mandiri "
            f"pada {format_date(on)}."
        )
    return rate


def _record(user: User, event, graduation: Graduation) -> None:
    record_event(
        actor=user,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        worker_id=event.worker_id,
        changes=event.changes,
        context=event.context
        | {
            "self_paying_from": graduation.self_paying_from,
            "monthly_amount": graduation.monthly_amount,
            "rate_version": graduation.rate_version_id,
            "discount_percent": str(graduation.discount_percent),
        },
    )


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class FollowUp:
    months: int
    due: int  # graduates whose N months have passed
    paying: int  # of them, listed by BPJS as self-paying and active N months on or later

    @property
    def percent(self) -> int | None:
        return round(100 * self.paying / self.due) if self.due else None


@dataclass(frozen=True)
class GraduationFigures:
    graduated: int
    follow_ups: list[FollowUp]


def graduation_figures(program: Program, *, today: dt.date | None = None) -> GraduationFigures:
    """How many of the programme's members graduated, and how many of those whose 3, 6 and
    12 months have passed BPJS later listed as paying for themselves. Two queries."""
    today = today or timezone.localdate()
    graduations = list(
        Graduation.objects.filter(program=program).values_list("worker_id", "self_paying_from")
    )
    last_listed: dict[int, dt.date] = {}
    for worker_id, as_of in (
        BpjsParticipant.objects.filter(
            worker_id__in=[worker_id for worker_id, _start in graduations],
            payer=ParticipantPayer.SELF,
            is_active=True,
        )
        .values_list("worker_id", "as_of")
        .order_by("as_of")
    ):
        last_listed[worker_id] = as_of
    follow_ups = []
    for months in FOLLOW_UP_MONTHS:
        due = paying = 0
        for worker_id, start in graduations:
            mark = add_months(start, months)
            if mark > today:
                continue
            due += 1
            listed = last_listed.get(worker_id)
            paying += listed is not None and listed >= mark
        follow_ups.append(FollowUp(months, due, paying))
    return GraduationFigures(len(graduations), follow_ups)


def graduation_for_user(user: User, graduation_id: int) -> Graduation:
    """A graduation (for its letter), when the user may see its enrolment."""
    graduation = Graduation.objects.select_related("rate_version").filter(pk=graduation_id).first()
    if graduation is None:
        raise NotFound("Data kelulusan tidak ditemukan.")
    get_enrolment_for_user(user, graduation.enrolment_id)
    return graduation
