"""The instant duplicate check: one new record against the registry.

Target (issue "accurate targeting"): `possible_duplicates` for one new record against
1,000,000 workers under 100 ms at the 95th percentile on PostgreSQL.

The registry is filled by `lindung seed_demo` (created once, reused between runs). The records
checked are half true variants of registered workers (a NIK digit typed wrong, a name spelt
another way, a move to another district: what a second registration of the same person looks
like) and half new people drawn by the demo generator with another seed. Each is checked once
after a warm-up; the figures are the wall-clock time of the whole call (queries, scoring,
masking) in this process.

    .venv/bin/python benchmarks/dedup_check_speed.py                   # 1,000,000 workers
    .venv/bin/python benchmarks/dedup_check_speed.py --workers 200000
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lindung_bench_dedup"
TARGET_P95_MS = 100.0


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


def _prepare(workers: int):
    from django.core.management import call_command
    from django.db import connection

    from lindung.accounts.models import Role, User
    from lindung.accounts.services import create_user
    from lindung.registry.models import Worker

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    user = User.objects.filter(username="bench_operator").first() or create_user(
        actor=None,
        username="bench_operator",
        role=Role.DISTRICT_OPERATOR,
        password="bench-password-123",
        area_code="64.02.06",
    )
    missing = workers - Worker.objects.count()
    if missing > 0:
        started = time.perf_counter()
        call_command("seed_demo", workers=missing, seed=Worker.objects.count() + 1)
        print(f"seeded {missing} workers in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user


# -- the records checked -------------------------------------------------------------------

_COLUMNS = ("id", "nik", "full_name", "birth_date", "sex", "village_id", "kk_number", "phone")


def _registered_sample(count: int, rng: random.Random) -> list[dict]:
    from lindung.registry.models import Worker

    top = Worker.objects.order_by("-pk").values_list("pk", flat=True).first()
    ids = rng.sample(range(1, top + 1), count * 2)
    rows = list(Worker.objects.filter(pk__in=ids).values(*_COLUMNS))
    return rng.sample(rows, min(count, len(rows)))


def _variant(row: dict, rng: random.Random, villages: list[str]) -> dict:
    """The same person registered again, as a clerk would get it wrong."""
    values = {key: row[key] for key in _COLUMNS if key not in ("id", "village_id")}
    values["village"] = row["village_id"]
    kind = rng.choice(["nik typo", "nik typo and spelling", "moved", "new nik and spelling"])
    if kind in ("nik typo", "nik typo and spelling", "moved"):
        values["nik"] = _typo(row["nik"], rng)
    if kind in ("nik typo and spelling", "new nik and spelling"):
        values["full_name"] = _respell(row["full_name"], rng)
    if kind == "new nik and spelling":
        values["nik"] = row["nik"][:12] + f"{rng.randint(5000, 9999)}"
        values["phone"] = ""
    if kind == "moved":
        values["village"] = rng.choice(villages)
        values["kk_number"] = ""
    return values


def _typo(nik: str, rng: random.Random) -> str:
    position = rng.randrange(len(nik))
    digit = rng.choice([d for d in "0123456789" if d != nik[position]])
    return nik[:position] + digit + nik[position + 1 :]


def _respell(name: str, rng: random.Random) -> str:
    words = name.split()
    index = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[index]
    if len(word) > 3:
        cut = rng.randrange(1, len(word) - 1)
        word = word[:cut] + word[cut] + word[cut:]  # a doubled letter: `Aminah` → `Amminah`
    words[index] = word
    return " ".join(words)


def _new_people(count: int) -> list[dict]:
    from django.utils import timezone

    from lindung.regions.selectors import regency_villages
    from lindung.registry.demo import DemoGenerator
    from lindung.registry.models import Sector

    generator = DemoGenerator(
        seed=987_654,
        now=timezone.now(),
        villages=list(regency_villages()),
        sector_codes=list(Sector.objects.values_list("code", flat=True)),
    )
    fields = ("nik", "full_name", "birth_date", "sex", "village", "kk_number", "phone")
    return [{key: worker.values.get(key) for key in fields} for worker in generator.workers(count)]


# -- measuring -----------------------------------------------------------------------------


def run(user, records: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lindung.dedup.check import possible_duplicates
    from lindung.regions.selectors import regency_villages

    rng = random.Random(11)
    villages = [village.code for village in regency_villages()]
    originals = _registered_sample(records // 2, rng)
    variants = [(row["id"], _variant(row, rng, villages)) for row in originals]
    new = [(None, values) for values in _new_people(records - len(variants))]
    cases = variants + new
    rng.shuffle(cases)
    for _, values in cases[:20]:  # warm-up: the model loaded, the index pages cached
        possible_duplicates(user=user, values=values)
    timings, found_original, candidates, queries = [], 0, [], []
    for original, values in cases:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            found = possible_duplicates(user=user, values=values)
            timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured.captured_queries))
        candidates.append(len(found))
        if original is not None and any(c.worker_id == original for c in found):
            found_original += 1
    return {
        "records": len(cases),
        "p50": statistics.median(timings),
        "p95": statistics.quantiles(timings, n=20)[-1],
        "max": max(timings),
        "variants_found": found_original / max(1, len(variants)),
        "new_with_candidates": sum(
            1 for (original, _), n in zip(cases, candidates, strict=True) if original is None and n
        )
        / max(1, len(new)),
        "queries_max": max(queries),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=400)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    _setup(args.database_url)
    user = _prepare(args.workers)
    from lindung.registry.models import Worker

    size = Worker.objects.count()
    result = run(user, args.records)
    print(f"registry: {size:,} workers (PostgreSQL) · {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"instant check, {result['records']} records: p50 {result['p50']:.1f} ms, "
        f"p95 {result['p95']:.1f} ms, max {result['max']:.1f} ms "
        f"(target p95 < {TARGET_P95_MS:.0f} ms) · at most {result['queries_max']} queries"
    )
    print(
        f"true variants found: {100 * result['variants_found']:.1f}% · new people with a "
        f"candidate: {100 * result['new_with_candidates']:.1f}%"
    )
    met = result["p95"] < TARGET_P95_MS
    print("target met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
