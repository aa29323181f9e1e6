import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import DomainError, PermissionDenied
from lindung.programs.models import FunderKind, RateVersion
from lindung.programs.rates import monthly_contribution, split_by_shares
from lindung.programs.services import (
    add_rate_version,
    update_rate_version,
    withdraw_rate_version,
)
from lindung.programs.tests.conftest import rate_input

pytestmark = pytest.mark.django_db

APBD = FunderKind.REGENCY_BUDGET
MANDIRI = FunderKind.SELF_PAID


def test_national_rates_from_2015_cost_16800_for_jkk_and_jkm_at_one_million(program):
    contribution = monthly_contribution(program, on=dt.date(2026, 5, 6), payer_kind=APBD)

    assert (contribution.jkk, contribution.jkm, contribution.jht) == (10_000, 6_800, 0)
    assert contribution.total == 16_800
    assert contribution.rate.legal_reference == "PP 44/2015"
    assert contribution.rate.valid_from == dt.date(2015, 7, 1)


def test_old_age_savings_add_two_percent_of_the_reported_income(program):
    program.includes_jht = True

    assert monthly_contribution(program, on=dt.date(2026, 5, 6), payer_kind=APBD).total == 36_800


def test_contribution_follows_the_rate_version_of_the_date(program, add_rate):
    add_rate(program, valid_from=dt.date(2030, 7, 1), jkk_percent=Decimal("1.24"), jkm_amount=7_000)

    before = monthly_contribution(program, on=dt.date(2030, 6, 30), payer_kind=APBD)
    after = monthly_contribution(program, on=dt.date(2030, 7, 1), payer_kind=APBD)

    assert before.total == 16_800
    assert (after.jkk, after.jkm, after.total) == (12_400, 7_000, 19_400)


def test_components_are_rounded_half_up_to_whole_rupiah(program, add_rate):
    program.reported_income = 1_234_550
    add_rate(program, jkk_percent=Decimal("0.54"), jkm_amount=6_800)

    contribution = monthly_contribution(program, on=dt.date(2030, 1, 1), payer_kind=APBD)

    assert contribution.jkk == 6_667  # 6.666,57
    assert contribution.total == 6_667 + 6_800


def test_the_pp_50_2025_discount_is_for_self_paying_workers_only(program, add_rate):
    add_rate(
        valid_from=dt.date(2030, 1, 1),
        valid_until=dt.date(2031, 3, 31),
        discount_percent=Decimal(50),
        payer_kinds=[MANDIRI],
        legal_reference="PP 50/2025 diskon 50%",
    )
    during, after = dt.date(2030, 6, 1), dt.date(2031, 4, 1)

    assert monthly_contribution(program, on=during, payer_kind=MANDIRI).total == 8_400
    assert monthly_contribution(program, on=during, payer_kind=APBD).total == 16_800
    # A member shared between the worker and the regency is partly paid by APBD: no discount.
    assert monthly_contribution(program, on=during, payer_kind={MANDIRI, APBD}).total == 16_800
    assert monthly_contribution(program, on=after, payer_kind=MANDIRI).total == 16_800


def test_a_programmes_own_version_wins_over_the_national_one_of_the_same_day(program, add_rate):
    add_rate(valid_from=dt.date(2030, 1, 1), jkm_amount=7_000, legal_reference="Nasional")
    add_rate(program, valid_from=dt.date(2030, 1, 1), jkm_amount=6_900, legal_reference="Perbup")

    assert monthly_contribution(program, on=dt.date(2030, 2, 1), payer_kind=APBD).jkm == 6_900


def test_a_date_before_any_rate_is_refused(program):
    with pytest.raises(DomainError, match="Tidak ada tarif iuran yang berlaku pada 1 Januari 2010"):
        monthly_contribution(program, on=dt.date(2010, 1, 1), payer_kind=APBD)


def test_shares_of_a_contribution_add_up_to_the_total():
    assert split_by_shares(16_800, [Decimal(50), Decimal(50)]) == [8_400, 8_400]
    assert split_by_shares(16_801, [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]) == [
        5_603,  # 5.601 and the 2 rupiah that rounding down left over
        5_599,
        5_599,
    ]


def test_adding_a_rate_version_is_audited(admin_user, program):
    version = add_rate_version(
        actor=admin_user,
        program_id=program.pk,
        data=rate_input(jkk_percent=Decimal("0.5"), legal_reference="PP 50/2025 diskon 50%"),
    )

    assert version.program == program and version.jkk_percent == Decimal("0.50")
    event = AuditEvent.objects.get(action="rate_version.create", object_id=str(version.pk))
    assert event.actor_id == admin_user.pk
    assert event.changes["jkk_percent"] == [None, "0.50"]
    assert event.context == {"program_id": program.pk}


def test_a_backdated_version_is_marked_in_the_audit_trail(admin_user, program):
    version = add_rate_version(
        actor=admin_user, program_id=program.pk, data=rate_input(valid_from=dt.date(2020, 1, 1))
    )

    event = AuditEvent.objects.get(action="rate_version.create", object_id=str(version.pk))
    assert event.context["backdated"] is True


def test_a_rate_version_in_effect_cannot_be_edited_or_withdrawn(admin_user):
    national = RateVersion.objects.get(program=None, valid_from=dt.date(2015, 7, 1))
    events = AuditEvent.objects.count()

    with pytest.raises(DomainError, match="sudah berlaku tidak dapat diubah"):
        update_rate_version(
            actor=admin_user, rate_version_id=national.pk, data=rate_input(jkm_amount=1)
        )
    with pytest.raises(DomainError, match="sudah berlaku tidak dapat diubah"):
        withdraw_rate_version(actor=admin_user, rate_version_id=national.pk)

    national.refresh_from_db()
    assert national.jkm_amount == 6_800
    assert AuditEvent.objects.count() == events


def test_an_upcoming_rate_version_can_be_corrected_and_withdrawn(admin_user, program, add_rate):
    version = add_rate(program, jkm_amount=7_000)

    update_rate_version(
        actor=admin_user, rate_version_id=version.pk, data=rate_input(jkm_amount=7_100)
    )
    version.refresh_from_db()
    assert version.jkm_amount == 7_100
    update_event = AuditEvent.objects.get(action="rate_version.update")
    assert update_event.changes == {"jkm_amount": [7_000, 7_100]}

    withdraw_rate_version(actor=admin_user, rate_version_id=version.pk)
    assert not RateVersion.objects.filter(pk=version.pk).exists()
    assert AuditEvent.objects.filter(action="rate_version.withdraw", object_id=str(version.pk))


def test_two_versions_for_the_same_payers_and_day_are_refused(program, add_rate):
    add_rate(program)

    with pytest.raises(ValidationError) as error:
        add_rate(program)

    assert "valid_from" in error.value.message_dict
    assert RateVersion.objects.filter(program=program).count() == 1


def test_rate_values_are_checked(admin_user, program):
    with pytest.raises(ValidationError) as error:
        add_rate_version(
            actor=admin_user,
            program_id=program.pk,
            data=rate_input(
                jkk_percent=Decimal("101"),
                jkm_amount=-1,
                legal_reference=" ",
                valid_until=dt.date(2029, 1, 1),
                payer_kinds=["apbn"],
            ),
        )

    assert set(error.value.message_dict) == {
        "jkk_percent", "jkm_amount", "legal_reference", "valid_until", "payer_kinds"
    }  # fmt: skip


def test_only_administrators_add_rate_versions(leader, tenggarong_operator, program):
    for user in (leader, tenggarong_operator):
        with pytest.raises(PermissionDenied):
            add_rate_version(actor=user, program_id=program.pk, data=rate_input())

    assert not RateVersion.objects.filter(program=program).exists()
