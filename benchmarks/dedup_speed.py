"""Duplicate detection speed: the batch over 1,000,000 workers, and the incremental run after
35,000 new ones.

Targets (issue "duplicate detection"): the batch under 3 minutes with peak memory under 6 GB
on a 2-core machine; the incremental run after importing 35,000 rows into 1,000,000 under
30 s. The registry is synthetic (``dedup.linkage.synthetic``), written once to a Parquet file
in ``benchmarks/results/dedup/``; each measurement runs in its own process so its peak memory
is its own. Reading the workers out of the database is measured separately
(``--read-registry``, on the registry benchmark's database) and added.
"""

import argparse
import json
import os
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
    import random

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


def read_registry() -> dict:
    """Reading every active worker out of the database, as ``find_pairs`` does."""
    from lindung.dedup.linkage.batch import _registry_columns

    started = time.perf_counter()
    columns = _registry_columns(None)
    return {"seconds": time.perf_counter() - started, "rows": len(columns["ids"])}


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
        "--read-registry", action="store_true", help="time reading the workers from the database"
    )
    args = parser.parse_args()
    _setup()
    if args.measure:
        result = measure(
            Path(args.path), incremental=args.measure == "incremental", threads=args.threads
        )
        print(json.dumps(result))
        return 0
    if args.read_registry:
        print(json.dumps(read_registry()))
        return 0
    path = make_registry(args.workers, args.new, args.seed)
    common = ["--path", str(path), "--threads", str(args.threads)]
    batch = _child("--measure", "batch", *common)
    print(f"batch over {batch['rows']:,} workers: {batch['seconds']:.1f} s, "
          f"{batch['pairs']:,} pairs, peak {batch['peak_gb']:.2f} GB", flush=True)  # fmt: skip
    incremental = _child("--measure", "incremental", *common)
    print(f"incremental, {args.new:,} new among {incremental['rows']:,}: "
          f"{incremental['seconds']:.1f} s, {incremental['pairs']:,} pairs, "
          f"peak {incremental['peak_gb']:.2f} GB")  # fmt: skip
    results = {
        "batch_seconds": batch["seconds"],
        "batch_peak_gb": batch["peak_gb"],
        "incremental_seconds": incremental["seconds"],
    }
    (RESULTS / "dedup_speed.json").write_text(json.dumps(results | {"batch": batch}, indent=2))
    missed = [name for name, limit in TARGETS.items() if results[name] > limit]
    for name in missed:
        print(f"MISSED: {name} = {results[name]:.1f} > {TARGETS[name]}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
