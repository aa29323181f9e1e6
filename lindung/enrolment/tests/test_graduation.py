import datetime as dt
from decimal import Decimal

import pytest

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import DomainError, PermissionDenied
from lindung.enrolment.graduation import graduate_to_self_paying, graduation_figures
from lindung.enrolment.models import (
    BpjsFileImport,
    BpjsParticipant,
    EndReason,
    EnrolmentStatus,
    Graduation,
    ParticipantPayer,
)
from lindung.programs.inputs import RateInput
from lindung.programs.services import add_rate_version

START = dt.date(2026, 10, 1)


@pytest.fixture
def pp50_discount(admin_user):
    """PP 50/2025: half of JKK and JKM for self-paying workers, for a limited period."""
    return add_rate_version(
        actor=admin_user,
        program_id=None,
        data=RateInput(
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2027, 3, 31),
            jkk_percent=Decimal("1.00"),
            jkm_amount=6800,
            jht_percent=Decimal("2.00"),
            discount_percent=Decimal(50),
            payer_kinds=["self_paid"],
            legal_reference="PP 50/2025",
        ),
    )


def test_graduating_prices_the_national_rate_and_ends_the_funded_enrolment(admin_user, active):
    graduation = graduate_to_self_paying(user=admin_user, enrolment=active, on=START)

    assert (graduation.jkk, graduation.jkm, graduation.jht, graduation.monthly_amount) == (
        10_000,
        6_800,
        0,
        16_800,
    )
    assert graduation.rate_version.legal_reference == "PP 44/2015"
    active.refresh_from_db()
    assert (active.status, active.end_reason, active.ended_on) == (
        EnrolmentStatus.ENDED,
        EndReason.GRADUATED,
        dt.date(2026, 9, 30),
    )
    event = AuditEvent.objects.filter(action="enrolment.transition").latest("sequence")
    assert event.context["monthly_amount"] == 16_800
    assert event.changes["end_reason"] == ["", EndReason.GRADUATED]


def test_the_pp_50_discount_halves_jkk_and_jkm_for_a_self_paying_worker(
    admin_user, active, pp50_discount
):
    graduation = graduate_to_self_paying(user=admin_user, enrolment=active, on=START)

    assert graduation.rate_version == pp50_discount
    assert (graduation.jkk, graduation.jkm, graduation.monthly_amount) == (5_000, 3_400, 8_400)
    assert graduation.discount_percent == Decimal(50)


def test_after_the_discount_ends_the_full_rate_applies(admin_user, active, pp50_discount):
    graduation = graduate_to_self_paying(user=admin_user, enrolment=active, on=dt.date(2027, 4, 1))
    assert graduation.monthly_amount == 16_800


def test_a_rate_not_meant_for_self_paying_workers_is_refused(admin_user, active):
    apbd_only = add_rate_version(
        actor=admin_user,
        program_id=None,
        data=RateInput(
            valid_from=dt.date(2026, 1, 1),
            jkk_percent=Decimal("1.00"),
            jkm_amount=6800,
            jht_percent=Decimal("2.00"),
            payer_kinds=["regency_budget"],
            legal_reference="Perbup 2026",
        ),
    )

    with pytest.raises(DomainError, match="tidak berlaku untuk peserta mandiri"):
        graduate_to_self_paying(user=admin_user, enrolment=active, on=START, rate=apbd_only)
    active.refresh_from_db()
    assert active.status == EnrolmentStatus.ACTIVE


def test_only_an_active_member_graduates(admin_user, submitted):
    with pytest.raises(DomainError, match="Hanya peserta aktif"):
        graduate_to_self_paying(user=admin_user, enrolment=submitted, on=START)
    assert not Graduation.objects.exists()


def test_a_bpjs_liaison_cannot_graduate_a_worker(bpjs_liaison, active):
    with pytest.raises(PermissionDenied):
        graduate_to_self_paying(user=bpjs_liaison, enrolment=active, on=START)
    assert not Graduation.objects.exists()


def test_figures_count_graduates_and_those_bpjs_lists_as_still_paying(
    admin_user, active, tenggarong_worker
):
    graduate_to_self_paying(user=admin_user, enrolment=active, on=dt.date(2026, 7, 1))
    source = BpjsFileImport.objects.create(
        kind="participants", file_name="p.csv", checksum="x", created_at=active.created_at
    )
    BpjsParticipant.objects.create(
        nik=tenggarong_worker.nik,
        worker=tenggarong_worker,
        payer=ParticipantPayer.SELF,
        is_active=True,
        as_of=dt.date(2026, 12, 1),
        source=source,
    )

    figures = graduation_figures(active.program, today=dt.date(2027, 1, 15))

    assert figures.graduated == 1
    assert [(f.months, f.due, f.paying) for f in figures.follow_ups] == [
        (3, 1, 1),
        (6, 1, 0),
        (12, 0, 0),
    ]
