"""The impact of a draft before it is applied, and the command that runs the rules."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from lindung.audit.models import AuditEvent
from lindung.eligibility.inputs import RulesInput
from lindung.eligibility.models import EligibilityDecision, EligibilityRun
from lindung.eligibility.preview import preview_impact
from lindung.eligibility.services import apply_eligibility, create_draft, update_draft
from lindung.eligibility.tests.conftest import ON
from lindung.registry.models import Sector

pytestmark = pytest.mark.django_db

LOA_KULU = {"village_id": "64.02.02.2003", "district_id": "64.02.02"}


@pytest.fixture
def cohort(admin_user, rules, make_worker):
    """Applied under version 1: two in Tenggarong (deciles 4 and 5), two in Loa Kulu
    (a decile-2 trader and a 64-year-old farmer)."""
    workers = {
        "tgr_decile_4": make_worker(welfare_decile=4),
        "tgr_decile_5": make_worker(welfare_decile=5),
        "lkl_trader": make_worker(sector=Sector.objects.get(code="usaha-kecil"), **LOA_KULU),
        "lkl_64": make_worker(birth_date=dt.date(1962, 1, 1), **LOA_KULU),
    }
    apply_eligibility(actor=admin_user, program_id=rules.program_id, on=ON)
    return workers


def _draft(admin_user, rules, **changes):
    draft = create_draft(actor=admin_user, program_id=rules.program_id)
    values = {name: getattr(draft, name) for name in RulesInput.__dataclass_fields__}
    return update_draft(
        actor=admin_user,
        program_id=rules.program_id,
        version_id=draft.pk,
        expected_version=draft.version,
        data=RulesInput(**(values | changes)),
    )


def test_the_preview_counts_gains_and_losses_by_district_and_sector(admin_user, rules, cohort):
    draft = _draft(
        admin_user, rules, max_welfare_decile=5, max_age=60,
        sector_codes=["pertanian", "perikanan"],
    )  # fmt: skip
    stored = EligibilityDecision.objects.count()

    impact = preview_impact(actor=admin_user, version=draft, on=ON)

    total = impact.total
    assert (total.before, total.after, total.gained, total.lost) == (3, 2, 1, 2)
    by_district = {line.label: (line.before, line.after, line.gained, line.lost)
                   for line in impact.by_district}  # fmt: skip
    assert by_district == {"Tenggarong": (1, 2, 1, 0), "Loa Kulu": (2, 0, 0, 2)}
    by_sector = {line.label: (line.gained, line.lost) for line in impact.by_sector}
    assert by_sector == {"Pertanian": (1, 1), "Usaha kecil / UMKM": (0, 1)}
    assert EligibilityDecision.objects.count() == stored  # nothing written


def test_without_a_stored_run_every_eligible_worker_is_a_gain(admin_user, rules, make_worker):
    make_worker()

    impact = preview_impact(actor=admin_user, version=rules, on=ON)

    assert (impact.baseline, impact.total.gained, impact.total.lost) == (None, 1, 0)


def test_only_administrators_preview_a_draft(verifier, admin_user, rules):
    from lindung.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        preview_impact(actor=verifier, version=rules, on=ON)


def test_the_command_without_apply_prints_counts_and_impact_and_stores_nothing(rules, cohort):
    out = io.StringIO()
    runs = EligibilityRun.objects.count()

    call_command("run_eligibility", rules.program.code, "--on", ON.isoformat(), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[-1] == "workers=4 eligible=3 not_eligible=1 within_cut=3"
    assert "impact eligible_before=3 eligible_after=3 gained=0 lost=0" in lines
    assert EligibilityRun.objects.count() == runs
    assert AuditEvent.objects.filter(action="eligibility.run").count() == 1


def test_the_command_with_apply_stores_the_decisions_and_audits_them(
    rules, make_worker, admin_user
):
    make_worker()
    make_worker(welfare_decile=9)
    out = io.StringIO()

    call_command(
        "run_eligibility", rules.program.code, "--apply", "--on", ON.isoformat(), stdout=out
    )

    assert out.getvalue().splitlines()[-1] == "workers=2 eligible=1 not_eligible=1 within_cut=1"
    run = EligibilityRun.objects.get()
    assert EligibilityDecision.objects.filter(run=run).count() == 2
    event = AuditEvent.objects.get(action="eligibility.run")
    assert event.actor_username == admin_user.username and event.context["run_id"] == run.pk


def test_the_command_refuses_an_unknown_programme(regions):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("run_eligibility", "tidak-ada", stdout=io.StringIO())
