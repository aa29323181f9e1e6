"""Overrides: a verifier's documented decision about one worker, applied by later runs."""

import pytest

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import NotFound, PermissionDenied
from lindung.eligibility.models import EligibilityDecision, EligibilityOverride, OverrideKind
from lindung.eligibility.reasons import Reason
from lindung.eligibility.services import apply_eligibility, record_override, withdraw_override
from lindung.eligibility.tests.conftest import ON

pytestmark = pytest.mark.django_db

REASON = "Rumah tangga miskin baru; survei lapangan 3 Juni 2026, DTSEN belum diperbarui."


def _decision(admin_user, rules, worker) -> EligibilityDecision:
    run = apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)
    return EligibilityDecision.objects.get(run=run, worker_id=worker.pk)


def test_a_verifier_waives_the_decile_with_a_reason_and_the_next_run_applies_it(
    admin_user, verifier, rules, make_worker
):
    worker = make_worker(welfare_decile=6)

    override = record_override(
        actor=verifier, program_id=rules.program_id, worker_id=worker.pk,
        kind=OverrideKind.WAIVE_DECILE, reason=REASON,
    )  # fmt: skip

    assert (override.decided_by, override.reason) == (verifier, REASON)
    event = AuditEvent.objects.get(action="eligibility_override.record")
    assert (event.actor_id, event.worker_id) == (verifier.pk, worker.pk)
    assert event.changes == {"kind": [None, "waive_decile"]}
    assert event.context == {"program_id": rules.program_id, "reason": REASON}
    decision = _decision(admin_user, rules, worker)
    assert (decision.eligible, decision.reasons, decision.decile_waived) == (True, 0, True)


def test_a_waiver_covers_the_decile_only(admin_user, verifier, rules, make_worker):
    worker = make_worker(welfare_decile=6, monthly_income=9_000_000)
    record_override(
        actor=verifier, program_id=rules.program_id, worker_id=worker.pk,
        kind=OverrideKind.WAIVE_DECILE, reason=REASON,
    )  # fmt: skip

    decision = _decision(admin_user, rules, worker)

    assert (decision.eligible, decision.reasons) == (False, Reason.INCOME_TOO_HIGH)


def test_an_exclusion_makes_an_eligible_worker_not_eligible(admin_user, rules, make_worker):
    worker = make_worker()
    record_override(
        actor=admin_user, program_id=rules.program_id, worker_id=worker.pk,
        kind=OverrideKind.EXCLUDE, reason="Bekerja tetap di perusahaan sawit sejak Mei 2026.",
    )  # fmt: skip

    decision = _decision(admin_user, rules, worker)

    assert (decision.eligible, decision.reasons) == (False, Reason.EXCLUDED_BY_OVERRIDE)


def test_a_new_override_replaces_the_standing_one_and_a_withdrawal_is_audited(
    admin_user, rules, make_worker
):
    worker = make_worker(welfare_decile=6)
    first = record_override(
        actor=admin_user, program_id=rules.program_id, worker_id=worker.pk,
        kind=OverrideKind.WAIVE_DECILE, reason=REASON,
    )  # fmt: skip
    second = record_override(
        actor=admin_user, program_id=rules.program_id, worker_id=worker.pk,
        kind=OverrideKind.EXCLUDE, reason="Ternyata pegawai kontrak di kantor desa.",
    )  # fmt: skip
    first.refresh_from_db()
    assert first.withdrawn_at is not None and first.withdrawn_by == admin_user

    withdraw_override(actor=admin_user, override_id=second.pk)

    assert not EligibilityOverride.objects.filter(withdrawn_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="eligibility_override.withdraw")
    assert (event.worker_id, event.changes) == (worker.pk, {"kind": ["exclude", None]})


def test_an_override_needs_a_reason(verifier, rules, make_worker):
    from django.core.exceptions import ValidationError

    worker = make_worker(welfare_decile=6)

    with pytest.raises(ValidationError) as error:
        record_override(
            actor=verifier, program_id=rules.program_id, worker_id=worker.pk,
            kind=OverrideKind.WAIVE_DECILE, reason="  ok ",
        )  # fmt: skip

    assert list(error.value.message_dict) == ["reason"]
    assert not EligibilityOverride.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="eligibility_override").exists()


@pytest.mark.parametrize("role", ["tenggarong_operator", "leader", "bpjs_liaison", "auditor"])
def test_other_roles_cannot_record_an_override(request, role, rules, make_worker):
    worker = make_worker(welfare_decile=6)

    with pytest.raises(PermissionDenied):
        record_override(
            actor=request.getfixturevalue(role), program_id=rules.program_id,
            worker_id=worker.pk, kind=OverrideKind.WAIVE_DECILE, reason=REASON,
        )  # fmt: skip

    assert not EligibilityOverride.objects.exists()


def test_a_district_verifier_cannot_decide_about_a_worker_of_another_district(rules, make_worker):
    from conftest import _user
    from lindung.accounts.models import Role

    loa_kulu_verifier = _user("verifikator_lkl", Role.VERIFIER, "64.02.02")
    worker = make_worker(welfare_decile=6)  # Tenggarong

    with pytest.raises(NotFound):
        record_override(
            actor=loa_kulu_verifier, program_id=rules.program_id, worker_id=worker.pk,
            kind=OverrideKind.WAIVE_DECILE, reason=REASON,
        )  # fmt: skip

    assert not EligibilityOverride.objects.exists()
