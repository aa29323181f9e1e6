"""Import speed and memory: Lindung against a bulk_create floor and django-import-export.

Targets (issue "bulk import"), on a 2-core machine, on SQLite and on PostgreSQL:
- a 35,000-row XLSX imported end to end (read, checked, written, audited) in under 20 s;
- a 1,000,000-row CSV in under 5 minutes with peak memory under 1.5 GB;
- Lindung within 3x of a plain ``bulk_create`` of the same workers (the floor);
- Lindung at least 5x faster than django-import-export with its bulk options.

Each measurement is one process started on a freshly made database (migrated, regions
loaded, one administrator), timed from start to exit; its peak memory is that process's
maximum resident set size. Lindung runs as ``lindung import_workers FILE``; the floor and
django-import-export run from ``import_baselines.py`` on the accepted rows, already typed.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/import_speed.py                        # both databases
    .venv/bin/python benchmarks/import_speed.py --databases sqlite --csv-rows 0

Exits 1 if a target is missed. Results are also written to
``benchmarks/results/imports/import_speed.json``.
"""

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "imports"
PYTHON = sys.executable
LINDUNG = [PYTHON, str(ROOT / "lindung" / "manage.py")]
BASELINES = [PYTHON, str(ROOT / "benchmarks" / "import_baselines.py")]
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/lindung_bench_import"

XLSX_SECONDS = 20.0
CSV_SECONDS = 300.0
CSV_PEAK_MB = 1500.0
MAX_TIMES_FLOOR = 3.0
MIN_SPEEDUP_OVER_IMPORT_EXPORT = 5.0


@dataclass
class Measurement:
    database: str
    case: str  # "xlsx" or "csv"
    tool: str  # "lindung", "floor", "import-export"
    rows: int  # rows given to the tool
    seconds: float
    peak_mb: float
    output: str
    extrapolated_from: int = 0  # rows actually run, when ``seconds`` is scaled up

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


class BenchDatabase:
    """A database made afresh before every measurement."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.data_dir = RESULTS / f"data_{name}"
        self.env = os.environ | {
            "LINDUNG_DATA_DIR": str(self.data_dir),
            "DJANGO_SETTINGS_MODULE": "lindung.config.settings",
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("DATABASE_URL", None)
        if name == "postgresql":
            self.env["DATABASE_URL"] = POSTGRES_URL

    def recreate(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.data_dir.mkdir(parents=True)
        if self.name == "postgresql":
            _recreate_postgres(POSTGRES_URL)
        for command in (
            ["migrate", "-v0"],
            ["load_regions"],
            ["createuser", "bench_admin", "--role", "admin"],
        ):
            subprocess.run(
                [*LINDUNG, *command],
                env=self.env,
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )

    def measure(self, command: list[str]) -> tuple[float, float, str]:
        """(seconds from start to exit, peak RSS in MB, standard output) of one process."""
        busy = _busy_cores()
        if busy > 0.25:
            # Another process is using the machine: the figures will be slower than they are.
            print(f"  ({busy:.1f} cores busy with other work before this run)")
        out_path, err_path = self.data_dir / "stdout.txt", self.data_dir / "stderr.txt"
        with out_path.open("w") as out, err_path.open("w") as err:
            started = time.perf_counter()
            process = subprocess.Popen(command, env=self.env, stdout=out, stderr=err)
            # wait4 gives this child's own resource use (RUSAGE_CHILDREN would mix in the
            # migrate runs before it).
            _pid, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{err_path.read_text()[-3000:]}")
        output = out_path.read_text()
        return seconds, usage.ru_maxrss / 1024, output.strip()

    def run(self, args: list[str]) -> str:
        done = subprocess.run(
            [*LINDUNG, *args], env=self.env, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()


def _busy_cores(seconds: float = 1.0) -> float:
    """How many cores other processes kept busy over the last ``seconds`` (the load average
    would still count the previous measurement for a minute)."""

    def times() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(values), values[3] + values[4]  # all, idle + iowait

    total, idle = times()
    time.sleep(seconds)
    total_after, idle_after = times()
    elapsed = total_after - total
    return (os.cpu_count() or 1) * (1 - (idle_after - idle) / elapsed) if elapsed else 0.0


def _recreate_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def measure_case(db: BenchDatabase, case: str, path: Path, sample: int) -> list[Measurement]:
    from import_files import expected_counts, typed_path

    total, accepted = expected_counts(path)
    results = []
    db.recreate()
    seconds, peak, output = db.measure([*LINDUNG, "import_workers", str(path)])
    expected = f"rows={total} created={accepted} "
    if not output.startswith(expected):
        raise SystemExit(f"Lindung imported {output!r}, expected {expected!r}")
    verified = db.run(["audit_verify"])
    if not verified.startswith("OK"):
        raise SystemExit(f"audit chain does not verify after the import: {verified}")
    results.append(Measurement(db.name, case, "lindung", total, seconds, peak, output))
    print(f"  lindung        {seconds:8.1f} s  {peak:7.0f} MB  {output}; audit {verified}")

    db.recreate()
    seconds, peak, output = db.measure([*BASELINES, "floor", str(typed_path(path))])
    results.append(Measurement(db.name, case, "floor", accepted, seconds, peak, output))
    print(f"  floor          {seconds:8.1f} s  {peak:7.0f} MB  {output}")

    limit = min(accepted, sample) if sample else accepted
    db.recreate()
    command = [*BASELINES, "import-export", str(typed_path(path)), "--limit", str(limit)]
    seconds, peak, output = db.measure(command)
    if limit < accepted:
        # Its time grows with the rows (a few queries per row): the sample's time is scaled to
        # the whole file. Its peak memory is the sample's, as measured.
        seconds *= accepted / limit
    extrapolated = limit if limit < accepted else 0
    results.append(
        Measurement(db.name, case, "import-export", accepted, seconds, peak, output, extrapolated)
    )
    note = f"  (from {limit:,} rows, scaled)" if extrapolated else ""
    print(f"  import-export  {seconds:8.1f} s  {peak:7.0f} MB  {output}{note}")
    return results


def verdicts(results: list[Measurement]) -> list[tuple[str, bool, str]]:
    checks = []
    by_key = {(m.database, m.case, m.tool): m for m in results}
    for (database, case, tool), lindung in by_key.items():
        if tool != "lindung":
            continue
        floor = by_key[(database, case, "floor")]
        other = by_key[(database, case, "import-export")]
        label = f"{database} {case} {lindung.rows:,} rows"
        if case == "xlsx":
            checks.append(
                (f"{label}: under {XLSX_SECONDS:.0f} s", lindung.seconds < XLSX_SECONDS,
                 f"{lindung.seconds:.1f} s")
            )  # fmt: skip
        else:
            checks.append(
                (f"{label}: under {CSV_SECONDS:.0f} s", lindung.seconds < CSV_SECONDS,
                 f"{lindung.seconds:.1f} s")
            )  # fmt: skip
            checks.append(
                (f"{label}: peak under {CSV_PEAK_MB:.0f} MB", lindung.peak_mb < CSV_PEAK_MB,
                 f"{lindung.peak_mb:.0f} MB")
            )  # fmt: skip
        ratio = lindung.seconds / floor.seconds
        checks.append(
            (f"{label}: within {MAX_TIMES_FLOOR:.0f}x of the floor", ratio <= MAX_TIMES_FLOOR,
             f"{ratio:.2f}x")
        )  # fmt: skip
        speedup = other.seconds / lindung.seconds
        checks.append(
            (f"{label}: {MIN_SPEEDUP_OVER_IMPORT_EXPORT:.0f}x faster than django-import-export",
             speedup >= MIN_SPEEDUP_OVER_IMPORT_EXPORT, f"{speedup:.1f}x")
        )  # fmt: skip
    return checks


def print_table(results: list[Measurement]) -> None:
    by_key = {(m.database, m.case, m.tool): m for m in results}
    print()
    print(
        f"{'database':<11}{'case':<6}{'tool':<15}{'rows':>10}{'seconds':>10}{'rows/s':>10}"
        f"{'peak MB':>9}{'x floor':>9}{'speedup':>9}"
    )
    for m in results:
        floor = by_key[(m.database, m.case, "floor")]
        other = by_key[(m.database, m.case, "import-export")]
        ratio = m.seconds / floor.seconds
        speedup = other.seconds / m.seconds
        mark = "*" if m.extrapolated_from else ""
        print(
            f"{m.database:<11}{m.case:<6}{m.tool:<15}{m.rows:>10,}{m.seconds:>9.1f}{mark:1}"
            f"{m.rows_per_second:>10,.0f}{m.peak_mb:>9.0f}{ratio:>8.2f}x{speedup:>8.1f}x"
        )
    if any(m.extrapolated_from for m in results):
        print("* django-import-export ran on a sample: time scaled to all rows, peak as measured")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--xlsx-rows", type=int, default=35_000)
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--import-export-sample",
        type=int,
        default=100_000,
        help="rows given to django-import-export at most (it needs hours for a million)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    RESULTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "import_files.py"), str(RESULTS),
         "--xlsx-rows", str(args.xlsx_rows), "--csv-rows", str(args.csv_rows)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    files = []
    if args.xlsx_rows:
        files.append(("xlsx", RESULTS / f"daftar_pekerja_{args.xlsx_rows}.xlsx"))
    if args.csv_rows:
        files.append(("csv", RESULTS / f"daftar_pekerja_{args.csv_rows}.csv"))
    results: list[Measurement] = []
    for name in args.databases.split(","):
        db = BenchDatabase(name.strip())
        for case, path in files:
            print(f"{db.name}: {path.name}")
            results.extend(measure_case(db, case, path, args.import_export_sample))
    print_table(results)
    checks = verdicts(results)
    print()
    for label, ok, value in checks:
        print(f"{'PASS' if ok else 'MISS'}  {label}: {value}")
    _save(results, checks)
    sys.exit(0 if all(ok for _label, ok, _value in checks) else 1)


def _save(results: list[Measurement], checks) -> None:
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "results": [asdict(m) | {"rows_per_second": m.rows_per_second} for m in results],
        "checks": [{"check": label, "ok": ok, "value": value} for label, ok, value in checks],
    }
    (RESULTS / "import_speed.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
