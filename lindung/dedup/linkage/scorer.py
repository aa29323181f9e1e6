"""Scoring one pair in plain Python: the instant check while a record is typed into a form.

Same comparisons, same weights and thresholds as the batch engine (``engine``), without
DuckDB: the caller brings the candidates (workers sharing a blocking key with the record).
"""

import math

from lindung.dedup.linkage.comparisons import COMPARISONS, Side
from lindung.dedup.linkage.model import Model, shipped_model
from lindung.dedup.linkage.records import LinkageRecord
from lindung.dedup.pairs import Evidence, ScoredPair


def score_pair(
    a: LinkageRecord, b: LinkageRecord, *, model: Model | None = None
) -> ScoredPair | None:
    """The pair's score and evidence, or ``None`` below the "possible" threshold."""
    model = model or shipped_model()
    left, right = Side.of(a), Side.of(b)
    adjustment = _name_frequency_adjustment(left, right)
    best = _best_weights(model)
    # What the comparisons not made yet could add at most: once even that cannot lift the
    # pair to "possible", the rest need not be made (an import compares every new row with
    # the registry's neighbours by NIK, most of them other people).
    still_possible = sum(best.values()) + max(adjustment, 0.0)
    weights: dict[str, tuple[str, float]] = {}
    total = model.prior_weight
    for comparison in _BY_SWING:
        index = comparison.level_of(left, right)
        level = comparison.levels[index]
        weight = 0.0 if level.is_null else model.weight(comparison.field, index)
        if level.term_frequency:
            weight += adjustment
        total += weight
        weights[comparison.field] = (level.label, round(weight, 2))
        still_possible -= best[comparison.field] + (
            max(adjustment, 0.0) if comparison.field == _TF_FIELD else 0.0
        )
        if total + still_possible < model.possible:
            return None
    match_level = model.match_level(total)
    if match_level is None:
        return None
    return ScoredPair(
        left_id=min(a.id, b.id),
        right_id=max(a.id, b.id),
        match_weight=round(total, 2),
        probability=1 / (1 + 2**-total),
        level=match_level,
        # Evidence in the comparisons' own order, whatever order they were made in.
        evidence=tuple(Evidence(c.field, *weights[c.field]) for c in COMPARISONS),
    )


# The comparisons that can swing a score most come first, so a hopeless pair stops early.
_BY_SWING = tuple(
    sorted(
        COMPARISONS,
        key=lambda c: (
            -(
                max(shipped_model().weight(c.field, i) for i in range(len(c.levels)))
                - min(shipped_model().weight(c.field, i) for i in range(len(c.levels)))
            )
        ),
    )
)
_TF_FIELD = next(c.field for c in COMPARISONS if any(level.term_frequency for level in c.levels))


def _best_weights(model: Model) -> dict[str, float]:
    """Per comparison, the most a pair can gain from it (a missing value gains nothing)."""
    cached = _BEST.get(id(model))
    if cached is None or cached[0] is not model:
        best = {
            c.field: max(0.0, *(model.weight(c.field, i) for i, _ in enumerate(c.levels)))
            for c in COMPARISONS
        }
        cached = _BEST[id(model)] = (model, best)
    return cached[1]


_BEST: dict[int, tuple[Model, dict[str, float]]] = {}


def _name_frequency_adjustment(a: Side, b: Side) -> float:
    """Less for a common name, more for a rare one: as Splink's term-frequency adjustment,
    from the more common of the two (they agree, so they are usually the same)."""
    known = [f for f in (a.name_frequency, b.name_frequency) if f is not None]
    return -math.log2(max(known)) if known else 0.0
