"""Enrolment speed: coverage on a date, a 35,000-worker registration batch and BPJS's answer.

Targets (issue "programmes, funders, eligibility and enrolment"), on PostgreSQL with
1,000,000 registered workers: a coverage lookup under 20 ms at the 95th percentile;
exporting a registration batch of 35,000 and importing BPJS's answer for it under 15 s each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lindung_bench_enrolment \\
      .venv/bin/python benchmarks/enrolment_speed.py --workers 1000000

Each run enrols a fresh set of workers (the previous run's enrolments of the benchmark
programme are removed first), so it can be repeated on the same database.
"""

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from registry_speed import _ok, _p95, _setup, _time  # noqa: E402

PROGRAM_CODE = "bench-enrolment"
BATCH_SIZE = 35_000


def _prepare(workers: int):
    from django.core.management import call_command
    from django.db import connection

    from lindung.accounts.models import Role, User
    from lindung.accounts.services import create_user, issue_api_token
    from lindung.registry.models import Worker

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    admin = User.objects.filter(username="bench_admin").first() or create_user(
        actor=None, username="bench_admin", role=Role.ADMIN, password="bench-password-123"
    )
    missing = workers - Worker.objects.count()
    if missing > 0:
        started = time.perf_counter()
        call_command("seed_demo", workers=missing, seed=Worker.objects.count() + 1)
        print(f"seeded {missing} workers in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return admin, issue_api_token(actor=None, user=admin, label="benchmark")


def _program(admin):
    from decimal import Decimal

    from lindung.programs.inputs import FundingSourceInput, ProgramInput
    from lindung.programs.models import FunderKind, FundingSource, Program
    from lindung.programs.services import (
        create_program,
        save_funding_source,
        set_funding_budget,
        set_funding_shares,
    )

    program = Program.objects.filter(name="Benchmark Kepesertaan").first()
    if program is None:
        funder = FundingSource.objects.filter(name="APBD Benchmark").first() or (
            save_funding_source(
                actor=admin,
                data=FundingSourceInput(
                    name="APBD Benchmark", kind=FunderKind.REGENCY_BUDGET, membership_kind="SG"
                ),
            )
        )
        program = create_program(
            actor=admin,
            data=ProgramInput(
                name="Benchmark Kepesertaan", owning_office="Distransnaker", first_fiscal_year=2025
            ),
        )
        set_funding_shares(
            actor=admin, program_id=program.pk, area_code=None, shares={funder.pk: Decimal(100)}
        )
        for year in range(2025, 2036):
            set_funding_budget(
                actor=admin, funding_source_id=funder.pk, fiscal_year=year, amount=10**13
            )
    return program


def _reset(program) -> None:
    """Remove the previous run's enrolments, batches and graduations of the programme."""
    from lindung.enrolment.models import (
        Enrolment,
        EnrolmentStatusChange,
        Graduation,
        RegistrationBatch,
    )

    Graduation.objects.filter(program=program).delete()
    EnrolmentStatusChange.objects.filter(enrolment__program=program).delete()
    Enrolment.objects.filter(program=program).delete()
    RegistrationBatch.objects.filter(program=program).delete()


def _timed(label: str, call):
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    print(f"{label:52} {seconds:8.2f} s", flush=True)
    return result, seconds


def _answer_file(content: bytes, path: Path, start: dt.date) -> tuple[int, int, int]:
    """BPJS's answer to the batch: most accepted with a KPJ, some refused, a few NIKs BPJS
    made up (typos on their side), as an XLSX like BPJS branches send."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("Pendaftaran")
    niks = [row[0] for row in rows.to_python()[1:]]
    rng = random.Random(11)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Hasil")
    sheet.write_row(0, 0, ["NIK", "STATUS", "NO KPJ", "TGL KEPESERTAAN", "KETERANGAN"])
    accepted = refused = 0
    for index, nik in enumerate(niks, start=1):
        if rng.random() < 0.03:
            sheet.write_row(index, 0, [nik, "Ditolak", "", "", "Data tidak padan Dukcapil"])
            refused += 1
        else:
            kpj = f"26{index:09d}"
            sheet.write_row(index, 0, [nik, "Diterima", kpj, start.strftime("%d-%m-%Y"), ""])
            accepted += 1
    unknown = 100
    for offset in range(unknown):
        row = len(niks) + 1 + offset
        sheet.write_row(row, 0, [f"6402069999{offset:06d}", "Diterima", "1", "01-01-2027", ""])
    workbook.close()
    return accepted, refused, unknown


def run(workers: int, rounds: int) -> bool:
    from django.test import Client
    from django.utils import timezone

    from lindung.enrolment.coverage import coverage_on
    from lindung.enrolment.exchange_export import export_registration_batch
    from lindung.enrolment.exchange_import import import_bpjs_answer
    from lindung.enrolment.services import enrol_candidates
    from lindung.registry.models import Worker

    admin, token = _prepare(workers)
    program = _program(admin)
    _reset(program)
    total = Worker.objects.count()
    print(f"database=PostgreSQL workers={total:,} batch={BATCH_SIZE:,} rounds={rounds}")
    rng = random.Random(5)
    ids = list(
        Worker.objects.filter(status__in=["registered", "verified"]).values_list("pk", flat=True)
    )
    chosen = rng.sample(ids, BATCH_SIZE)
    _timed("enrol 35,000 candidates (service)", lambda: enrol_candidates(
        actor=admin, program=program, worker_ids=chosen))  # fmt: skip
    exported, export_seconds = _timed(
        "export the 35,000 batch as XLSX (service)",
        lambda: export_registration_batch(actor=admin, program=program, file_format="xlsx"),
    )
    results = Path(os.environ["LINDUNG_DATA_DIR"]) / "enrolment"
    results.mkdir(parents=True, exist_ok=True)
    answer = results / "jawaban-bpjs.xlsx"
    start = timezone.localdate() + dt.timedelta(days=1)
    accepted, refused, unknown = _answer_file(exported.content, answer, start)
    record, import_seconds = _timed(
        "import BPJS's answer to it (service)",
        lambda: import_bpjs_answer(actor=admin, path=answer),
    )
    assert record.counts == {
        "activated": accepted, "refused": refused, "unchanged": 0, "unmatched": unknown,
    }, record.counts  # fmt: skip
    again, _ = _timed(
        "the same answer again: nothing changes",
        lambda: import_bpjs_answer(actor=admin, path=answer),
    )
    assert again.counts["unchanged"] == accepted + refused, again.counts

    enrolled = rng.sample(chosen, rounds)
    others = rng.sample(ids, rounds)
    days = [start - dt.timedelta(days=30), start, start + dt.timedelta(days=200)]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    targets = iter((enrolled + others) * 4)

    def lookup_api():
        worker_id = next(targets)
        _ok(api.get(f"/api/v1/workers/{worker_id}/coverage", {"on": rng.choice(days)}))

    def lookup_service():
        coverage_on(admin, next(targets), rng.choice(days))

    api_times = _time(lookup_api, 2 * rounds)
    service_times = _time(lookup_service, 2 * rounds)
    print(f"{'measure':52} {'p50 ms':>8} {'p95 ms':>8} {'target':>8}")
    for name, timings in (
        ("GET /api/v1/workers/{id}/coverage?on=", api_times),
        ("coverage_on (selector)", service_times),
    ):
        print(f"{name:52} {statistics.median(timings):8.1f} {_p95(timings):8.1f} {20:8d}")
    verdicts = {
        "coverage p95 < 20 ms (API)": _p95(api_times) < 20,
        "export 35,000 < 15 s": export_seconds < 15,
        "import the answer < 15 s": import_seconds < 15,
    }
    for name, ok in verdicts.items():
        print(f"{name:52} {'ok' if ok else 'SLOW'}")
    return all(verdicts.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()
    if not (args.database_url or "").startswith("postgres"):
        raise SystemExit("Give a PostgreSQL DATABASE_URL (see the docstring).")
    _setup(args.database_url)
    sys.exit(0 if run(args.workers, args.rounds) else 1)


if __name__ == "__main__":
    main()
