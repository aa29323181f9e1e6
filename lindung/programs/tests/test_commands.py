import io

import pytest
from django.core.management import CommandError, call_command

from lindung.audit.models import AuditEvent
from lindung.programs.models import RateVersion

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_budget_position_prints_one_line_per_funder(program, apbd):
    output = _run("budget_position", program.code, "--year", "2026")

    assert output == (
        "apbd-kukar budget=Rp10.000.000.000 committed=Rp0 forecast=Rp0 remaining=Rp10.000.000.000\n"
    )


def test_budget_position_is_refused_to_a_district_operator(program, tenggarong_operator):
    with pytest.raises(CommandError, match="Peran Anda tidak mengizinkan"):
        _run("budget_position", program.code, "--user", tenggarong_operator.username)


def test_a_national_discount_is_added_from_the_command_line(admin_user):
    output = _run(
        "add_rate_version", "--national", "--from", "2030-01-01", "--until", "2031-03-31",
        "--discount", "50", "--payers", "self_paid", "--reference", "PP 50/2025 diskon 50%",
    )  # fmt: skip

    version = RateVersion.objects.get(legal_reference="PP 50/2025 diskon 50%")
    assert output == f"rate_version={version.pk} valid_from=2030-01-01\n"
    assert (version.program, version.payer_kinds, version.discount_percent) == (
        None, ["self_paid"], 50
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="rate_version.create", actor_id=admin_user.pk)


def test_a_bad_rate_is_refused_with_the_fields_at_fault(admin_user):
    with pytest.raises(CommandError, match="jkk_percent"):
        _run("add_rate_version", "--national", "--from", "2030-01-01", "--jkk", "120",
             "--reference", "X")  # fmt: skip

    assert RateVersion.objects.count() == 1
