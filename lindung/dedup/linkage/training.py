"""Estimating the model's m and u probabilities from a synthetic registry with known truth.

Both are counted over the *candidate pairs* (the pairs the blocking rules bring together),
not over random pairs: that is the population the engine ever scores, and in it the
comparisons are far from independent (two people who meet because they share a birth date
and a district usually also share the NIK's first twelve digits). Counting u there gives
the NIK's region and date no credit the birth date and village already took.

Run ``benchmarks/dedup_accuracy.py --train`` to rebuild ``model.json``: it picks the
thresholds on the same training registry, then measures the model on a registry generated
with another seed.
"""

import json
import math
import re

import pyarrow as pa

from lindung.dedup.linkage.comparisons import COMPARISONS
from lindung.dedup.linkage.engine import predictions
from lindung.dedup.linkage.model import BLOCKING_RULES, MODEL_PATH, Model, shipped_model

# Never observed in a registry that keeps NIKs unique, so fixed: the same NIK on two
# records is as strong as any evidence here (a form check can meet it).
_SAME_NIK = (0.2, 1e-7)
_SMOOTHING = 0.5  # added to every count, so that no level is impossible


# The columns each comparison reads, directly or through the NIK (which encodes the birth
# date and the district of issue). A candidate pair found by a rule on these columns agrees
# on them because it was chosen for it: it says nothing of how often non-matches agree.
_OWN_COLUMNS = {
    "nik_birth_date": ("nik_", "birth_date"),
    "name": ("name_",),
    "sex": (),
    "village": ("district_id", "village_id"),
    "kk_number_phone": ("kk_number", "phone"),
}


def comparison_counts(frame: pa.Table, truth: set[tuple[int, int]]) -> dict:
    """For each comparison, how many matching and non-matching candidate pairs fall on each
    level; and the numbers of candidate pairs of each kind.

    Non-matches are counted for a comparison only among the pairs some blocking rule on
    *other* columns brought together."""
    neutral = Model(
        probabilities={c.field: [(0.5, 0.5)] * len(c.levels) for c in COMPARISONS},
        prior=0.5,
        possible=-math.inf,
        duplicate=math.inf,
    )
    fields = [comparison.field for comparison in COMPARISONS]
    gammas = ", ".join(f"gamma_{field}" for field in fields)
    rules = ", ".join(f"coalesce({_pair_columns(rule)}, FALSE)" for rule in BLOCKING_RULES)
    independent = {
        field: [i for i, rule in enumerate(BLOCKING_RULES) if not any(c in rule for c in columns)]
        for field, columns in _OWN_COLUMNS.items()
    }
    counts: dict[str, dict[bool, dict[int, int]]] = {f: {True: {}, False: {}} for f in fields}
    pairs = {True: 0, False: 0}
    with predictions(frame, neutral) as (batch,):
        relation = batch.as_duckdbpyrelation()
        for left, right, *values in relation.select(f"id_l, id_r, {gammas}, {rules}").fetchall():
            matched = (min(left, right), max(left, right)) in truth
            pairs[matched] += 1
            levels, found_by = values[: len(fields)], values[len(fields) :]
            for field, gamma in zip(fields, levels, strict=True):
                if matched or any(found_by[i] for i in independent[field]):
                    counts[field][matched][gamma] = counts[field][matched].get(gamma, 0) + 1
    return {"levels": counts, "pairs": pairs}


def _pair_columns(rule: str) -> str:
    """A blocking rule (`l.x = r.x`) over Splink's pair table (`x_l = x_r`)."""
    return re.sub(r"\b([lr])\.(\w+)", r"\2_\1", rule)


def estimate_model(
    frame: pa.Table, truth: set[tuple[int, int]], *, possible: float, duplicate: float
) -> Model:
    counted = comparison_counts(frame, truth)
    probabilities = {}
    for comparison in COMPARISONS:
        by_gamma = counted["levels"][comparison.field]
        levels = []
        for index, level in enumerate(comparison.levels):
            gamma = -1 if level.is_null else len(comparison.levels) - 1 - index
            if level.label == "same NIK":
                levels.append(_SAME_NIK)
                continue
            levels.append(
                (
                    _share(by_gamma[True], gamma, comparison),
                    _share(by_gamma[False], gamma, comparison),
                )
            )
        probabilities[comparison.field] = levels
    pairs = counted["pairs"]
    prior = pairs[True] / (pairs[True] + pairs[False])
    return Model(probabilities, prior, possible, duplicate, _name_agreement(frame))


def _name_agreement(frame: pa.Table) -> float:
    counts = [row["counts"] for row in frame.column("name").drop_null().value_counts().to_pylist()]
    total = sum(counts)
    return sum(count * count for count in counts) / (total * total)


def _share(counts: dict[int, int], gamma: int, comparison) -> float:
    """The smoothed share of the non-missing pairs that fall on level ``gamma``."""
    if gamma == -1:
        return 1.0  # a missing value is no evidence either way: weight 0
    levels = sum(1 for level in comparison.levels if not level.is_null)
    present = sum(count for key, count in counts.items() if key != -1)
    return (counts.get(gamma, 0) + _SMOOTHING) / (present + _SMOOTHING * levels)


def save_model(model: Model, *, notes: dict) -> None:
    data = model.as_json() | {"trained_on": notes}
    MODEL_PATH.write_text(json.dumps(data, indent=2) + "\n")
    shipped_model.cache_clear()
