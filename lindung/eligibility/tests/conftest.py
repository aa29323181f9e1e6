"""A programme like Kukar's, its first rule version in effect, and workers made to measure.

The reference date of every run is 1 July 2026, when the UMK is Rp3.991.797."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from conftest import worker_input
from lindung.eligibility.services import adopt_version, create_draft
from lindung.programs.inputs import FundingSourceInput, ProgramInput
from lindung.programs.models import FunderKind
from lindung.programs.services import (
    create_program,
    save_funding_source,
    set_funding_budget,
    set_funding_shares,
)
from lindung.registry.models import Worker
from lindung.registry.services import register_worker

ON = dt.date(2026, 7, 1)
UMK_2026 = 3_991_797
_serials = itertools.count(1)


@pytest.fixture
def apbd(admin_user):
    source = save_funding_source(
        actor=admin_user,
        data=FundingSourceInput(
            name="APBD Kukar", kind=FunderKind.REGENCY_BUDGET, membership_kind="SG"
        ),
    )
    set_funding_budget(
        actor=admin_user, funding_source_id=source.pk, fiscal_year=2026, amount=10_000_000_000
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


@pytest.fixture
def rules(admin_user, program):
    """Version 1 with the default rules (18–65, decile ≤ 4, income under the UMK, resident,
    every sector), in effect since 1 January 2026."""
    draft = create_draft(actor=admin_user, program_id=program.pk)
    return adopt_version(
        actor=admin_user,
        program_id=program.pk,
        version_id=draft.pk,
        effective_from=dt.date(2026, 1, 1),
        today=dt.date(2026, 1, 1),
    )


@pytest.fixture
def make_worker(admin_user):
    """``make_worker(**fields)``: a registered worker in Jahab, Tenggarong, 41 years old on
    the reference date, decile 3, earning Rp1.500.000, farming; ``fields`` are then written
    as they are (as a correction or an old import would leave them)."""

    def make(**fields):
        serial = next(_serials)
        worker = register_worker(
            actor=admin_user,
            data=worker_input(
                nik=f"64020602038{serial:05d}",
                full_name=f"Pekerja Uji {serial}",
                sex="M",
                phone=f"0812{serial:08d}",
                source_ref=f"UJI-{serial}",
                heirs=[],
            ),
        )
        if fields:
            Worker.objects.filter(pk=worker.pk).update(**fields)
            worker.refresh_from_db()
        return worker

    return make


@pytest.fixture
def run_tasks_inline(settings, django_capture_on_commit_callbacks):
    """``with run_tasks_inline():`` queued runs are carried out when the request commits,
    inside the call that queued them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def inline():
        return django_capture_on_commit_callbacks(execute=True)

    return inline
