"""Duplicate detection speed: the batch over 1,000,000 workers, and the incremental run after
35,000 new ones.

Targets (issue "duplicate detection"): the batch under 3 minutes with peak memory under 6 GB
on a 2-core machine; the incremental run after importing 35,000 rows into 1,000,000 under
30 s. By default the engine alone runs on a synthetic registry (``dedup.linkage.synthetic``,
written once to a Parquet file in ``benchmarks/results/dedup/``); with ``--database``,
``find_pairs`` runs end to end on the workers of the database in ``LINDUNG_DATA_DIR``
(``benchmarks/results/dedup/`` unless set; fill it with ``lindung seed_demo``). Each
measurement runs in its own process, so its peak memory is its own.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "dedup"
TARGETS = {"batch_seconds": 180, "batch_peak_gb": 6, "incremental_seconds": 30}


def _setup() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LINDUNG_DATA_DIR", str(RESULTS))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.config.settings")
    import django

    django.setup()


def make_registry(workers: int, new: int, seed: int) -> Path:
    """The registry as the engine's input, the last ``new`` rows marked as changed."""
    import pyarrow.parquet as pq
    from django.core.management import call_command

    path = RESULTS / f"registry-{workers}-{new}-{seed}.parquet"
    if path.exists():
        return path
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    from lindung.dedup.linkage.engine import frame_from_columns
    from lindung.dedup.linkage.synthetic import as_columns, generate_registry
    from lindung.regions.selectors import regency_villages

    started = time.perf_counter()
    records = generate_registry(size=workers + new, villages=list(regency_villages()), seed=seed)
    # The newcomers are drawn at random, as an imported file mixes new people and repeats.
    random.Random(seed).shuffle(records)
    columns = as_columns(records)
    changed = [False] * workers + [True] * new
    pq.write_table(frame_from_columns(**columns, changed=changed), path)
    print(f"generated {workers + new:,} records in {time.perf_counter() - started:.0f} s")
    return path


def measure(path: Path, *, incremental: bool, threads: int) -> dict:
    """One run of the engine in this process: seconds, pairs, peak memory."""
    import pyarrow.parquet as pq

    from lindung.dedup.linkage.engine import score_table

    frame = pq.read_table(path)
    if not incremental:  # the registry before the import
        frame = frame.filter(_not(frame))
    started = time.perf_counter()
    pairs = score_table(frame, incremental=incremental, threads=threads)
    seconds = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return {"seconds": seconds, "pairs": len(pairs), "rows": frame.num_rows, "peak_gb": peak_gb}


def _not(frame):
    import pyarrow.compute as pc

    return pc.invert(frame.column("changed"))


def run_find_pairs(*, incremental: bool, new: int) -> dict:
    """``find_pairs`` end to end on the database in ``LINDUNG_DATA_DIR`` (or
    ``DATABASE_URL``). The incremental run first marks ``new`` random workers as changed,
    which is what an import of that many rows leaves for the engine."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from lindung.dedup.linkage import find_pairs
    from lindung.registry.models import Worker, WorkerStatus

    since = None
    if incremental:
        since = timezone.now()
        ids = list(Worker.objects.order_by("?").values_list("pk", flat=True)[:new])
        Worker.objects.filter(pk__in=ids).update(updated_at=since + dt.timedelta(seconds=1))
    rows = Worker.objects.exclude(status__in=[WorkerStatus.INACTIVE, WorkerStatus.REJECTED]).count()
    connection.close()
    started = time.perf_counter()
    pairs = find_pairs(changed_since=since)
    seconds = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return {"seconds": seconds, "pairs": len(pairs), "rows": rows, "peak_gb": peak_gb}


def _child(*args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=35_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--measure", choices=["batch", "incremental"], help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument(
        "--database",
        action="store_true",
        help="run find_pairs on the workers already in the database instead",
    )
    parser.add_argument("--find-pairs", choices=["batch", "incremental"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    _setup()
    if args.measure:
        result = measure(
            Path(args.path), incremental=args.measure == "incremental", threads=args.threads
        )
        print(json.dumps(result))
        return 0
    if args.find_pairs:
        incremental = args.find_pairs == "incremental"
        print(json.dumps(run_find_pairs(incremental=incremental, new=args.new)))
        return 0
    if args.database:
        return report(
            _child("--find-pairs", "batch"),
            _child("--find-pairs", "incremental", "--new", str(args.new)),
            new=args.new,
        )
    path = make_registry(args.workers, args.new, args.seed)
    common = ["--path", str(path), "--threads", str(args.threads)]
    return report(
        _child("--measure", "batch", *common),
        _child("--measure", "incremental", *common),
        new=args.new,
    )


def report(batch: dict, incremental: dict, *, new: int) -> int:
    print(f"batch over {batch['rows']:,} active workers: {batch['seconds']:.1f} s, "
          f"{batch['pairs']:,} pairs, peak {batch['peak_gb']:.2f} GB")  # fmt: skip
    print(f"incremental, {new:,} new or changed among {incremental['rows']:,}: "
          f"{incremental['seconds']:.1f} s, {incremental['pairs']:,} pairs, "
          f"peak {incremental['peak_gb']:.2f} GB")  # fmt: skip
    results = {
        "batch_seconds": batch["seconds"],
        "batch_peak_gb": batch["peak_gb"],
        "incremental_seconds": incremental["seconds"],
    }
    (RESULTS / "dedup_speed.json").write_text(
        json.dumps(results | {"batch": batch, "incremental": incremental}, indent=2)
    )
    missed = [name for name, limit in TARGETS.items() if results[name] > limit]
    for name in missed:
        print(f"MISSED: {name} = {results[name]:.1f} > {TARGETS[name]}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
