"""Kukar's programme as a demonstration instance shows it (`lindung serve` on an empty
registry): the regency budget paying every member's Rp16.800 a month for 35,000 workers,
and, when the registry has workers, the first eligibility rules run over it.

Everything is written through the services, so the audit trail reads as if an administrator
had entered it by hand.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from lindung.accounts.models import User
from lindung.core.exceptions import DomainError
from lindung.eligibility.models import EligibilityRun
from lindung.eligibility.services import adopt_version, create_draft, evaluate_eligibility
from lindung.programs.inputs import FundingSourceInput, ProgramInput
from lindung.programs.models import FunderKind, FundingBudget, FundingSource, Program
from lindung.programs.services import (
    create_program,
    save_funding_source,
    set_funding_budget,
    set_funding_shares,
)

PROGRAM_NAME = "Perlindungan Pekerja Rentan Kukar"
OWNING_OFFICE = "Dinas Tenaga Kerja dan Transmigrasi Kabupaten Kutai Kartanegara"
FUNDER_NAME = "APBD Kabupaten Kutai Kartanegara"
MEMBERS = 35_000
MONTHLY_CONTRIBUTION = 16_800  # JKK 1% of Rp1.000.000 plus JKM Rp6.800 (PP 44/2015)
BUDGET = MEMBERS * MONTHLY_CONTRIBUTION * 12  # Rp7.056.000.000


@dataclass(frozen=True)
class DemoProgramme:
    program: Program
    funding_source: FundingSource
    budget: FundingBudget
    run: EligibilityRun | None  # None when the rules could not be run (no UMK for the year)
    created: bool  # False: the programme was already there and nothing was written


def seed_demo_programme(*, actor: User, today: dt.date | None = None) -> DemoProgramme:
    """The funder, its budget for this fiscal year, the programme with its shares, and the
    first eligibility rules (the defaults) adopted today, run and applied. A second call
    finds the programme and writes nothing."""
    today = today or timezone.localdate()
    existing = Program.objects.filter(name=PROGRAM_NAME).first()
    if existing is not None:
        source = FundingSource.objects.get(name=FUNDER_NAME)
        budget = source.budgets.filter(fiscal_year=today.year).first()
        run = existing.eligibility_runs.order_by("-pk").first()
        return DemoProgramme(existing, source, budget, run, created=False)
    source = save_funding_source(actor=actor, data=_funder(today.year))
    budget = set_funding_budget(
        actor=actor,
        funding_source_id=source.pk,
        fiscal_year=today.year,
        amount=BUDGET,
        note=f"{MEMBERS:,} peserta × Rp16.800 × 12 bulan".replace(",", "."),
    )
    program = create_program(
        actor=actor,
        data=ProgramInput(
            name=PROGRAM_NAME,
            owning_office=OWNING_OFFICE,
            first_fiscal_year=today.year,
            includes_jht=False,
            reported_income=1_000_000,
            description=(
                "Iuran JKK dan JKM BPJS Ketenagakerjaan bagi pekerja bukan penerima upah "
                "yang rentan, dibayar dari APBD Kabupaten Kutai Kartanegara."
            ),
        ),
    )
    set_funding_shares(
        actor=actor, program_id=program.pk, area_code=None, shares={source.pk: Decimal(100)}
    )
    run = _first_rules(actor=actor, program=program, today=today)
    return DemoProgramme(program, source, budget, run, created=True)


def _funder(year: int) -> FundingSourceInput:
    return FundingSourceInput(
        name=FUNDER_NAME,
        kind=FunderKind.REGENCY_BUDGET,
        membership_kind="SG",
        contact_name="Bidang Hubungan Industrial dan Jaminan Sosial",
        contact_email="jamsos.disnakertrans@kukarkab.go.id",
        agreement_reference=f"PKS 560/0417/Disnakertrans-BPJSTK/{year}",
        agreement_start=dt.date(year, 1, 1),
        agreement_end=dt.date(year, 12, 31),
    )


def _first_rules(*, actor: User, program: Program, today: dt.date) -> EligibilityRun | None:
    draft = create_draft(actor=actor, program_id=program.pk)
    adopt_version(
        actor=actor, program_id=program.pk, version_id=draft.pk, effective_from=today, today=today
    )
    try:
        result = evaluate_eligibility(actor=actor, program_id=program.pk, on=today, apply=True)
    except DomainError:
        # The default income limit is the UMK, entered year by year: without this year's,
        # the rules stand adopted and the page asks for it.
        return None
    return result.run
