"""The batch engine: Splink on DuckDB over a table of workers, scored with the shipped model.

``score_table`` takes the workers as an Arrow table (``FRAME_SCHEMA``), so the benchmark and
the tests can feed it generated registries; ``find_pairs`` feeds it the registry.
"""

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from lindung.dedup.linkage.comparisons import COMPARISONS, SQL_MACROS
from lindung.dedup.linkage.model import Model, shipped_model, splink_settings
from lindung.dedup.linkage.records import name_core, name_key
from lindung.dedup.pairs import Evidence, MatchLevel, ScoredPair

Progress = Callable[[int, int], None]

FRAME_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("nik", pa.string()),
        ("kk_number", pa.string()),
        ("name", pa.string()),  # normalised
        ("name_core", pa.string()),
        ("name_key", pa.string()),
        ("birth_date", pa.date32()),
        ("sex", pa.string()),
        ("village_id", pa.string()),
        ("district_id", pa.string()),
        ("phone", pa.string()),
        ("changed", pa.bool_()),
    ]
)

# Empty text becomes NULL ("nothing to compare"); the NIK and KK are compared digit by digit
# only when they are 16 digits. ``tf_name`` is what Splink's term-frequency adjustment reads,
# scaled so that the adjustment is -log2 of the name's relative frequency (see
# ``records.relative_name_frequencies``).
_PREPARE_SQL = """
CREATE OR REPLACE TABLE workers AS
WITH base AS (
    SELECT id,
        CASE WHEN regexp_full_match(nik, '[0-9]{16}') THEN nik END AS nik,
        CASE WHEN regexp_full_match(kk_number, '[0-9]{16}') THEN kk_number END AS kk_number,
        NULLIF(name, '') AS name, name_core, NULLIF(name_key, '') AS name_key, birth_date,
        NULLIF(sex, '') AS sex, village_id, district_id, NULLIF(phone, '') AS phone, changed
    FROM frame
),
counts AS (SELECT name, count(*) AS n FROM base WHERE name IS NOT NULL GROUP BY name),
stats AS (SELECT sum(n) AS total, sum(n * n) / (sum(n) * sum(n)) AS agreement FROM counts)
SELECT base.*,
    substr(nik, 1, 6) AS nik_region, substr(nik, 7, 6) AS nik_date,
    substr(nik, 13, 4) AS nik_serial,
    year(birth_date) AS birth_year, month(birth_date) AS birth_month,
    day(birth_date) AS birth_day,
    substr(nik, 7, 6) = lpad(CAST(day(birth_date) + CASE WHEN sex = 'F' THEN 40 ELSE 0 END
        AS VARCHAR), 2, '0') || strftime(birth_date, '%m%y') AS nik_fits_birth,
    substr(nik, 1, 6) = replace(district_id, '.', '') AS nik_fits_district,
    string_split(name_core, ' ') AS name_words,
    counts.n / stats.total / stats.agreement AS name_frequency
FROM base LEFT JOIN counts USING (name) CROSS JOIN stats;
CREATE OR REPLACE TABLE name_frequencies AS
SELECT DISTINCT name, $same_name_u * name_frequency AS tf_name
FROM workers WHERE name IS NOT NULL
"""


def frame_from_columns(
    *,
    ids: list[int],
    niks: list[str],
    kk_numbers: list[str],
    names: list[str],
    birth_dates: list,
    sexes: list[str],
    village_ids: list[str],
    district_ids: list[str],
    phones: list[str],
    changed: list[bool] | None = None,
) -> pa.Table:
    """The engine's input from plain columns (the name's core and key are derived here)."""
    cores = [name_core(name) for name in names]
    return pa.table(
        {
            "id": ids,
            "nik": niks,
            "kk_number": kk_numbers,
            "name": names,
            "name_core": cores,
            "name_key": [name_key(core) for core in cores],
            "birth_date": birth_dates,
            "sex": sexes,
            "village_id": village_ids,
            "district_id": district_ids,
            "phone": phones,
            "changed": changed if changed is not None else [False] * len(ids),
        },
        schema=FRAME_SCHEMA,
    )


def score_table(
    frame: pa.Table,
    *,
    incremental: bool = False,
    model: Model | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
) -> list[ScoredPair]:
    """Every pair of workers in ``frame`` scoring at least "possible", best first.

    With ``incremental``, only pairs with at least one worker marked ``changed``: the
    changed workers are compared with each other and with the rest, never the rest among
    themselves."""
    model = model or shipped_model()
    report = progress or (lambda done, total: None)
    report(0, 3)
    threshold = model.possible if math.isfinite(model.possible) else None
    with predictions(
        frame, model, incremental=incremental, threshold=threshold, threads=threads
    ) as batches:
        report(2, 3)
        pairs = [pair for batch in batches for pair in _scored_pairs(batch, model)]
    report(3, 3)
    return sorted(pairs, key=lambda pair: (-pair.match_weight, pair.left_id, pair.right_id))


@contextmanager
def predictions(
    frame: pa.Table,
    model: Model,
    *,
    incremental: bool = False,
    threshold: float | None = None,
    threads: int | None = None,
) -> Iterator[list]:
    """Splink's scored candidate pairs (one or two Splink dataframes), while DuckDB is open."""
    from splink import DuckDBAPI, Linker

    connection = duckdb.connect()
    try:
        if threads:
            connection.execute(f"SET threads = {int(threads)}")
        connection.register("frame", frame)
        connection.execute(SQL_MACROS)
        connection.execute(_PREPARE_SQL, {"same_name_u": model.same_name_u()})
        connection.unregister("frame")
        db_api = DuckDBAPI(connection)
        settings = splink_settings(model)
        frequencies = db_api.register("name_frequencies")
        if incremental:
            connection.execute("CREATE TABLE new_workers AS SELECT * FROM workers WHERE changed")
            connection.execute(
                "CREATE TABLE old_workers AS SELECT * FROM workers WHERE NOT changed"
            )
            new, old = db_api.register("new_workers"), db_api.register("old_workers")
            linker = Linker(new, settings, log_level="WARNING")
            linker.table_management.register_term_frequency_lookup(frequencies, "name")
            yield [
                linker.inference.predict_within(
                    new, threshold_match_weight=threshold, warning_mode="never"
                ),
                linker.inference.predict_between(
                    old, new, threshold_match_weight=threshold, warning_mode="never"
                ),
            ]
        else:
            workers = db_api.register("workers")
            linker = Linker(workers, settings, log_level="WARNING")
            linker.table_management.register_term_frequency_lookup(frequencies, "name")
            yield [
                linker.inference.predict_within(
                    workers, threshold_match_weight=threshold, warning_mode="never"
                )
            ]
    finally:
        connection.close()


def _scored_pairs(predictions, model: Model) -> list[ScoredPair]:
    fields = [comparison.field for comparison in COMPARISONS]
    columns = ["id_l", "id_r", "match_weight", "match_probability"]
    columns += [f"gamma_{field}" for field in fields]
    columns.append("mw_tf_adj_name" if "mw_tf_adj_name" in _columns(predictions) else "0")
    rows = predictions.as_duckdbpyrelation().select(", ".join(columns)).fetchall()
    weights = {
        comparison.field: [model.weight(comparison.field, i) for i in range(len(comparison.levels))]
        for comparison in COMPARISONS
    }
    labels = {c.field: [level.label for level in c.levels] for c in COMPARISONS}
    pairs = []
    for left, right, weight, probability, *gammas, tf_adjustment in rows:
        evidence = []
        for field, gamma in zip(fields, gammas, strict=True):
            # Splink numbers levels from the last (0) up, with -1 for "missing".
            index = len(labels[field]) - 1 - gamma if gamma >= 0 else 0
            value = weights[field][index] if gamma >= 0 else 0.0
            if field == "name":
                value += tf_adjustment or 0.0
            evidence.append(Evidence(field, labels[field][index], round(value, 2)))
        level = model.match_level(weight)
        if level is None:  # Splink's filter and this one round alike, but be sure
            continue
        pairs.append(
            ScoredPair(
                left_id=min(left, right),
                right_id=max(left, right),
                match_weight=round(weight, 2),
                probability=probability,
                level=MatchLevel(level),
                evidence=tuple(evidence),
            )
        )
    return pairs


def _columns(predictions) -> set[str]:
    return {column.unquote().name for column in predictions.columns}
