"""Funders and a programme like Kukar's: the regency budget pays every member's Rp16.800."""

import datetime as dt
from decimal import Decimal

import pytest

from lindung.programs.budget import NoEnrolments, current_member_source, use_member_source
from lindung.programs.inputs import FundingSourceInput, ProgramInput, RateInput
from lindung.programs.models import FunderKind
from lindung.programs.services import (
    add_rate_version,
    create_program,
    save_funding_source,
    set_funding_budget,
    set_funding_shares,
)


@pytest.fixture
def apbd(admin_user):
    source = save_funding_source(
        actor=admin_user,
        data=FundingSourceInput(
            name="APBD Kukar",
            kind=FunderKind.REGENCY_BUDGET,
            membership_kind="SG",
            contact_name="Bidang Jaminan Sosial",
            agreement_reference="PKS 560/123/2026",
        ),
    )
    set_funding_budget(
        actor=admin_user, funding_source_id=source.pk, fiscal_year=2026, amount=10_000_000_000
    )
    return source


@pytest.fixture
def csr(admin_user):
    source = save_funding_source(
        actor=admin_user,
        data=FundingSourceInput(name="CSR PT Tambang Mahakam", kind=FunderKind.CSR),
    )
    set_funding_budget(
        actor=admin_user, funding_source_id=source.pk, fiscal_year=2026, amount=100_000_000
    )
    return source


@pytest.fixture
def program(admin_user, apbd):
    program = create_program(
        actor=admin_user,
        data=ProgramInput(
            name="Perlindungan Pekerja Rentan Kukar",
            owning_office="Dinas Transmigrasi dan Tenaga Kerja",
            first_fiscal_year=2025,
        ),
    )
    set_funding_shares(
        actor=admin_user, program_id=program.pk, area_code=None, shares={apbd.pk: Decimal(100)}
    )
    return program


def rate_input(**overrides) -> RateInput:
    values = dict(
        valid_from=dt.date(2030, 1, 1),
        jkk_percent=Decimal("1.00"),
        jkm_amount=6800,
        jht_percent=Decimal("2.00"),
        legal_reference="PP 44/2015",
    )
    values.update(overrides)
    return RateInput(**values)


@pytest.fixture
def add_rate(admin_user):
    return lambda program=None, **overrides: add_rate_version(
        actor=admin_user, program_id=program.pk if program else None, data=rate_input(**overrides)
    )


@pytest.fixture
def without_members():
    """The budget guard with no member source: query counts then measure this module's own
    queries, not those of the enrolment module's headcounts."""
    previous = current_member_source()
    use_member_source(NoEnrolments())
    yield
    use_member_source(previous)
