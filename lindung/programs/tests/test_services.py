from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import ConcurrentEdit, DomainError, PermissionDenied
from lindung.programs.inputs import FundingSourceInput, ProgramInput
from lindung.programs.models import FunderKind, FundingBudget, FundingShare, FundingSource, Program
from lindung.programs.services import (
    create_program,
    save_funding_source,
    set_funding_budget,
    set_funding_shares,
    update_program,
)

pytestmark = pytest.mark.django_db

LOA_KULU = "64.02.02"
LOA_KULU_VILLAGE = "64.02.02.2003"


def source_input(**overrides) -> FundingSourceInput:
    values = dict(
        name="BAZNAS Kukar",
        kind=FunderKind.ZAKAT,
        membership_kind="sg",
        contact_name="  Ahmad   Fauzi ",
        contact_phone="0812-3456-7890",
        contact_email="baznas@example.org",
    )
    values.update(overrides)
    return FundingSourceInput(**values)


def program_input(**overrides) -> ProgramInput:
    values = dict(
        name="Pekerja Rentan 2027",
        owning_office="Dinas Sosial",
        first_fiscal_year=2027,
    )
    values.update(overrides)
    return ProgramInput(**values)


def test_adding_a_funding_source_cleans_its_values_and_is_audited(admin_user):
    source = save_funding_source(actor=admin_user, data=source_input())

    assert (source.code, source.membership_kind, source.contact_name) == (
        "baznas-kukar", "SG", "Ahmad Fauzi"
    )  # fmt: skip
    assert source.contact_phone == "+6281234567890"
    event = AuditEvent.objects.get(action="funding_source.create")
    assert event.object_id == str(source.pk)
    assert event.changes["kind"] == [None, "zakat"]


def test_correcting_a_funding_source_records_what_changed(admin_user):
    source = save_funding_source(actor=admin_user, data=source_input())

    save_funding_source(
        actor=admin_user,
        funding_source_id=source.pk,
        expected_version=1,
        data=source_input(agreement_reference="MoU 12/2026"),
    )

    source.refresh_from_db()
    assert (source.agreement_reference, source.version) == ("MoU 12/2026", 2)
    event = AuditEvent.objects.get(action="funding_source.update")
    assert event.changes == {"agreement_reference": ["", "MoU 12/2026"]}


def test_a_funding_source_saved_by_someone_else_in_between_is_not_overwritten(admin_user):
    source = save_funding_source(actor=admin_user, data=source_input())
    save_funding_source(
        actor=admin_user,
        funding_source_id=source.pk,
        expected_version=1,
        data=source_input(name="A"),
    )

    with pytest.raises(ConcurrentEdit):
        save_funding_source(
            actor=admin_user,
            funding_source_id=source.pk,
            expected_version=1,
            data=source_input(name="B"),
        )

    source.refresh_from_db()
    assert source.name == "A"


def test_a_village_budget_belongs_to_one_village_of_the_regency(admin_user):
    with pytest.raises(ValidationError) as error:
        save_funding_source(actor=admin_user, data=source_input(kind=FunderKind.VILLAGE_BUDGET))
    assert "village" in error.value.message_dict

    save_funding_source(
        actor=admin_user,
        data=source_input(name="APBDes Jembayan", kind="village_budget", village=LOA_KULU_VILLAGE),
    )
    with pytest.raises(ValidationError, match="sudah memiliki sumber dana APBDes"):
        save_funding_source(
            actor=admin_user,
            data=source_input(
                name="Dana Desa Jembayan", kind="village_budget", village="6402022003"
            ),
        )
    assert FundingSource.objects.filter(village_id=LOA_KULU_VILLAGE).count() == 1


def test_funding_source_values_are_checked_together(admin_user):
    with pytest.raises(ValidationError) as error:
        save_funding_source(
            actor=admin_user,
            data=source_input(
                name=" ", kind="apbn", membership_kind="S-G", contact_phone="12", contact_email="x"
            ),
        )

    assert set(error.value.message_dict) == {
        "name", "kind", "membership_kind", "contact_phone", "contact_email"
    }  # fmt: skip
    assert not FundingSource.objects.exists()


def test_setting_and_revising_a_budget_is_audited(admin_user, apbd):
    set_funding_budget(
        actor=admin_user,
        funding_source_id=apbd.pk,
        fiscal_year=2026,
        amount=9_500_000_000,
        note="APBD Perubahan",
    )

    assert FundingBudget.objects.get(funding_source=apbd, fiscal_year=2026).amount == 9_500_000_000
    event = AuditEvent.objects.filter(action="funding_source.budget").latest("sequence")
    assert event.changes == {"budget": [10_000_000_000, 9_500_000_000]}
    assert event.context == {"fiscal_year": 2026, "note": "APBD Perubahan"}


def test_creating_and_updating_a_programme_is_audited(admin_user):
    program = create_program(actor=admin_user, data=program_input())

    assert (program.reported_income, program.includes_jht, program.version) == (1_000_000, False, 1)
    assert AuditEvent.objects.filter(action="program.create", object_id=str(program.pk)).exists()

    update_program(
        actor=admin_user,
        program_id=program.pk,
        expected_version=1,
        data=program_input(owning_office="Distransnaker", includes_jht=True),
    )
    program.refresh_from_db()
    assert (program.owning_office, program.includes_jht, program.version) == (
        "Distransnaker", True, 2
    )  # fmt: skip
    event = AuditEvent.objects.get(action="program.update")
    assert event.changes == {
        "owning_office": ["Dinas Sosial", "Distransnaker"],
        "includes_jht": [False, True],
    }


def test_programme_values_are_checked(admin_user):
    with pytest.raises(ValidationError) as error:
        create_program(
            actor=admin_user,
            data=program_input(name="", owning_office="", last_fiscal_year=2026, reported_income=0),
        )

    assert set(error.value.message_dict) == {
        "name", "owning_office", "last_fiscal_year", "reported_income"
    }  # fmt: skip
    assert not Program.objects.exists()


def test_shares_of_an_area_replace_the_previous_ones_and_are_audited(
    admin_user, program, apbd, csr
):
    set_funding_shares(
        actor=admin_user,
        program_id=program.pk,
        area_code="6402.02",
        shares={apbd.pk: Decimal(50), csr.pk: Decimal("50.00")},
    )

    rules = FundingShare.objects.filter(program=program, area_id=LOA_KULU)
    assert {(s.funding_source_id, s.percent) for s in rules} == {(apbd.pk, 50), (csr.pk, 50)}
    event = AuditEvent.objects.filter(action="program.shares").latest("sequence")
    assert event.changes == {
        "shares": [None, {"apbd-kukar": "50.00", "csr-pt-tambang-mahakam": "50.00"}]
    }
    assert event.context == {"area": LOA_KULU}

    set_funding_shares(actor=admin_user, program_id=program.pk, area_code=LOA_KULU, shares={})
    assert not FundingShare.objects.filter(program=program, area_id=LOA_KULU).exists()


def test_shares_that_do_not_sum_to_100_change_nothing(admin_user, program, apbd, csr):
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError, match="Jumlah bagian harus 100%, sekarang 90%"):
        set_funding_shares(
            actor=admin_user,
            program_id=program.pk,
            area_code=None,
            shares={apbd.pk: Decimal(60), csr.pk: Decimal(30)},
        )

    [rule] = FundingShare.objects.filter(program=program)
    assert (rule.funding_source_id, rule.percent, rule.area_id) == (apbd.pk, 100, None)
    assert AuditEvent.objects.count() == events


def test_the_default_shares_cannot_be_emptied(admin_user, program):
    with pytest.raises(DomainError):
        set_funding_shares(actor=admin_user, program_id=program.pk, area_code=None, shares={})

    assert FundingShare.objects.filter(program=program).count() == 1


def test_a_village_budget_pays_only_in_its_own_village(admin_user, program):
    village_fund = save_funding_source(
        actor=admin_user,
        data=source_input(name="APBDes Jembayan", kind="village_budget", village=LOA_KULU_VILLAGE),
    )

    with pytest.raises(ValidationError, match="hanya dapat membiayai pekerja di desanya sendiri"):
        set_funding_shares(
            actor=admin_user,
            program_id=program.pk,
            area_code=LOA_KULU,
            shares={village_fund.pk: Decimal(100)},
        )
    assert not FundingShare.objects.filter(funding_source=village_fund).exists()


@pytest.mark.parametrize("role", ["leader", "tenggarong_operator", "verifier", "auditor"])
def test_only_administrators_change_funders_and_programmes(request, role, program, apbd):
    user = request.getfixturevalue(role)
    events = AuditEvent.objects.count()
    attempts = [
        lambda: save_funding_source(actor=user, data=source_input()),
        lambda: set_funding_budget(
            actor=user, funding_source_id=apbd.pk, fiscal_year=2026, amount=1
        ),
        lambda: create_program(actor=user, data=program_input()),
        lambda: update_program(
            actor=user, program_id=program.pk, expected_version=1, data=program_input()
        ),
        lambda: set_funding_shares(
            actor=user, program_id=program.pk, area_code=None, shares={apbd.pk: 100}
        ),
    ]

    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()

    assert AuditEvent.objects.count() == events
    assert FundingSource.objects.count() == 1 and Program.objects.count() == 1
    assert FundingBudget.objects.get(funding_source=apbd).amount == 10_000_000_000
    program.refresh_from_db()
    assert program.name == "Perlindungan Pekerja Rentan Kukar"
