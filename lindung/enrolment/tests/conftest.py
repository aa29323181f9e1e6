"""A programme like Kukar's (the regency budget pays every member's Rp16.800) and helpers
that take workers through the lifecycle: candidates, a batch sent to BPJS, BPJS's answer."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import worker_input
from lindung.enrolment.exchange_export import export_registration_batch
from lindung.enrolment.models import EnrolmentStatus
from lindung.enrolment.services import Move, enrol_candidates, transition
from lindung.programs.inputs import FundingSourceInput, ProgramInput
from lindung.programs.models import FunderKind
from lindung.programs.services import (
    create_program,
    save_funding_source,
    set_funding_budget,
    set_funding_shares,
)
from lindung.registry.services import register_worker

SUBMITTED_ON = dt.date(2026, 5, 3)
COVERAGE_START = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def apbd(admin_user):
    source = save_funding_source(
        actor=admin_user,
        data=FundingSourceInput(
            name="APBD Kukar", kind=FunderKind.REGENCY_BUDGET, membership_kind="SG"
        ),
    )
    for year in range(2026, 2036):
        set_funding_budget(
            actor=admin_user, funding_source_id=source.pk, fiscal_year=year, amount=10_000_000_000
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
def more_workers(admin_user):
    """``more_workers(n)``: n more men registered in Loa Ipuh, Tenggarong."""

    def make(count: int, *, village: str = "64.02.06.1002", start: int = 10):
        workers = []
        for index in range(start, start + count):
            workers.append(
                register_worker(
                    actor=admin_user,
                    data=worker_input(
                        nik=f"640206150870{index:04d}",
                        full_name=f"Pekerja Uji {index}",
                        birth_date=dt.date(1970, 8, 15),
                        sex="M",
                        village=village,
                        phone="",
                        source_ref=f"UJI-{index}",
                        heirs=[],
                    ),
                )
            )
        return workers

    return make


@pytest.fixture
def candidate(admin_user, program, tenggarong_worker):
    return enrol_candidates(
        actor=admin_user,
        program=program,
        worker_ids=[tenggarong_worker.pk],
        on=dt.date(2026, 4, 20),
    ).created[0]


@pytest.fixture
def submitted(admin_user, program, candidate):
    export_registration_batch(actor=admin_user, program=program, on=SUBMITTED_ON)
    candidate.refresh_from_db()
    return candidate


@pytest.fixture
def active(admin_user, submitted):
    return transition(
        actor=admin_user,
        enrolment_id=submitted.pk,
        move=Move(
            EnrolmentStatus.ACTIVE,
            COVERAGE_START,
            kpj_number="26012345678",
            coverage_start=COVERAGE_START,
        ),
    )


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
