"""Eligibility speed: the rules over the whole registry with every decision stored, and the
impact preview of a rule change, on PostgreSQL.

Targets (issue "programmes, funders, eligibility and enrolment"): at 1,000,000 registered
workers on a 2-core machine, a full run with its reasons stored under 60 s; the impact
preview of a rule change under 10 s.

    nice -n 19 .venv/bin/python benchmarks/eligibility_speed.py --workers 1000000

The database named by --database-url is created if missing and filled by `lindung seed_demo`
up to --workers (kept between runs). The programme, its funder and its rules are made once.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lindung_bench_eligibility"
PROGRAM_CODE = "bench-pekerja-rentan"
TARGETS = {"run": 60.0, "preview": 10.0}


def _setup(database_url: str) -> None:
    data_dir = ROOT / "benchmarks" / "results"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LINDUNG_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.config.settings")
    os.environ["DATABASE_URL"] = database_url
    _ensure_postgres_database(database_url)
    import django

    django.setup()


def _ensure_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _prepare(workers: int, on: dt.date):
    from django.core.management import call_command
    from django.db import connection

    from lindung.accounts.models import Role, User
    from lindung.accounts.services import create_user
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
        print(f"seeded {missing} workers in {time.perf_counter() - started:.1f} s")
    program = _programme(admin, on)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return admin, program


def _programme(admin, on: dt.date):
    """Kukar's programme: the regency budget (Rp10 billion) pays every member, rules v1 are
    the defaults (18–65, decile ≤ 4, income under the UMK, resident) with Tenggarong's
    quota at 5,000."""
    from decimal import Decimal

    from lindung.eligibility.models import RuleVersion
    from lindung.eligibility.services import adopt_version, create_draft
    from lindung.programs.inputs import FundingSourceInput, ProgramInput
    from lindung.programs.models import FunderKind, Program
    from lindung.programs.services import (
        create_program,
        save_funding_source,
        set_funding_budget,
        set_funding_shares,
    )

    program = Program.objects.filter(code=PROGRAM_CODE).first()
    if program is None:
        funder = save_funding_source(
            actor=admin,
            data=FundingSourceInput(
                name="APBD Kukar (bench)", kind=FunderKind.REGENCY_BUDGET, membership_kind="SG"
            ),
        )
        set_funding_budget(
            actor=admin, funding_source_id=funder.pk, fiscal_year=on.year, amount=10_000_000_000
        )
        program = create_program(
            actor=admin,
            data=ProgramInput(
                name="Bench pekerja rentan", owning_office="Distransnaker", first_fiscal_year=2025
            ),
        )
        Program.objects.filter(pk=program.pk).update(code=PROGRAM_CODE)
        program.refresh_from_db()
        set_funding_shares(
            actor=admin, program_id=program.pk, area_code=None, shares={funder.pk: Decimal(100)}
        )
    if not program.eligibility_versions.filter(status=RuleVersion.Status.ADOPTED).exists():
        draft = create_draft(actor=admin, program_id=program.pk)
        RuleVersion.objects.filter(pk=draft.pk).update(district_quotas={"64.02.06": 5000})
        adopt_version(
            actor=admin,
            program_id=program.pk,
            version_id=draft.pk,
            effective_from=dt.date(on.year, 1, 1),
            today=dt.date(on.year, 1, 1),
        )
    return program


def _draft_change(admin, program):
    """A rule change to preview: decile up to 5, age up to 60, fisheries and farming only."""
    from lindung.eligibility.inputs import RULE_FIELDS, RulesInput
    from lindung.eligibility.services import create_draft, update_draft

    draft = program.eligibility_versions.filter(status="draft").first()
    if draft is None:
        draft = create_draft(actor=admin, program_id=program.pk)
    values = {name: getattr(draft, name) for name in RULE_FIELDS}
    values |= {"max_welfare_decile": 5, "max_age": 60}
    values["sector_codes"] = ["perikanan", "pertanian", "perkebunan"]
    return update_draft(
        actor=admin,
        program_id=program.pk,
        version_id=draft.pk,
        expected_version=draft.version,
        data=RulesInput(**values),
    )


def _time_pages(admin, run) -> dict[str, float]:
    """What the results page reads for an administrator: the counts by district, sector
    and reason, and the first page of eligible workers in priority order."""
    from lindung.eligibility.selectors import DecisionFilters, run_counts, search_decisions

    timings = {}
    started = time.perf_counter()
    run_counts(admin, run)
    timings["counts"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    decisions = search_decisions(admin, run, DecisionFilters(eligible=True))
    list(decisions[:50])
    decisions.count()
    timings["first_page"] = round(time.perf_counter() - started, 2)
    print(f"results page: counts {timings['counts']} s, first page {timings['first_page']} s")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--on", type=dt.date.fromisoformat, default=dt.date(2026, 7, 1))
    args = parser.parse_args()
    _setup(args.database_url)

    from lindung.eligibility.preview import preview_impact
    from lindung.eligibility.services import apply_eligibility
    from lindung.registry.models import Worker

    admin, program = _prepare(args.workers, args.on)
    count = Worker.objects.count()
    runs, previews = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        run = apply_eligibility(actor=admin, program_id=program.pk, on=args.on)
        runs.append(time.perf_counter() - started)
        print(f"run: {runs[-1]:.1f} s  {run.counts}  cut={json.dumps(run.cut, default=str)}")
    pages = _time_pages(admin, run)
    draft = _draft_change(admin, program)
    for _ in range(args.rounds):
        started = time.perf_counter()
        impact = preview_impact(actor=admin, version=draft, on=args.on)
        previews.append(time.perf_counter() - started)
        total = impact.total
        print(
            f"preview: {previews[-1]:.1f} s  before={total.before} after={total.after} "
            f"gained={total.gained} lost={total.lost}"
        )
    result = {
        "workers": count,
        "database": "postgresql",
        "run_seconds": [round(s, 2) for s in runs],
        "preview_seconds": [round(s, 2) for s in previews],
        "counts": run.counts,
        "page_seconds": pages,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    out = ROOT / "benchmarks" / "results" / "eligibility_speed.json"
    out.write_text(json.dumps(result, indent=2))
    met_run, met_preview = min(runs) < TARGETS["run"], min(previews) < TARGETS["preview"]
    print(
        f"workers={count} run={min(runs):.1f}s (target <{TARGETS['run']:.0f}s: "
        f"{'met' if met_run else 'missed'}) preview={min(previews):.1f}s "
        f"(target <{TARGETS['preview']:.0f}s: {'met' if met_preview else 'missed'})"
    )
    return 0 if met_run and met_preview else 1


if __name__ == "__main__":
    raise SystemExit(main())
