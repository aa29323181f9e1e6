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
    evidence = []
    total = model.prior_weight
    for comparison in COMPARISONS:
        index = comparison.level_of(left, right)
        level = comparison.levels[index]
        weight = 0.0 if level.is_null else model.weight(comparison.field, index)
        if level.term_frequency:
            weight += _name_frequency_adjustment(left, right)
        total += weight
        evidence.append(Evidence(comparison.field, level.label, round(weight, 2)))
    match_level = model.match_level(total)
    if match_level is None:
        return None
    return ScoredPair(
        left_id=min(a.id, b.id),
        right_id=max(a.id, b.id),
        match_weight=round(total, 2),
        probability=1 / (1 + 2**-total),
        level=match_level,
        evidence=tuple(evidence),
    )


def _name_frequency_adjustment(a: Side, b: Side) -> float:
    """Less for a common name, more for a rare one: as Splink's term-frequency adjustment,
    from the more common of the two (they agree, so they are usually the same)."""
    known = [f for f in (a.name_frequency, b.name_frequency) if f is not None]
    return -math.log2(max(known)) if known else 0.0
