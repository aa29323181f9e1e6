"""The Fellegi–Sunter model: the m and u probability of every comparison level, the prior and
the two thresholds, estimated once on a synthetic registry with known truth (see
``training``) and shipped as ``model.json``. Nothing is estimated at run time, so a small
registry scores like a large one and the thresholds keep the meaning the benchmark gave them.
"""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lindung.dedup.linkage.comparisons import COMPARISONS
from lindung.dedup.pairs import MatchLevel

MODEL_PATH = Path(__file__).with_name("model.json")

# Candidate pairs are found by any of these: a slip in one field still lets a pair meet
# through another. Each needs an equality so DuckDB can join on a hash.
BLOCKING_RULES = (
    "l.nik_region = r.nik_region AND l.nik_date = r.nik_date",  # a slip in the serial
    "l.nik_date = r.nik_date AND l.nik_serial = r.nik_serial",  # ... in the region
    # ... in the NIK's date, found by the declared birth date even after a move:
    "l.nik_region = r.nik_region AND l.nik_serial = r.nik_serial AND l.birth_date = r.birth_date",
    "l.birth_date = r.birth_date AND l.district_id = r.district_id",  # another NIK altogether
    "l.name_core = r.name_core AND l.birth_year = r.birth_year",
    "l.name_key = r.name_key AND l.birth_date = r.birth_date",  # moved, and a dropped word
    "l.phone = r.phone",
    "l.kk_number = r.kk_number",
)


@dataclass(frozen=True)
class Model:
    probabilities: dict[str, list[tuple[float, float]]]  # field → (m, u) per level
    prior: float  # probability that two candidate workers are one person
    possible: float  # match weight from which a pair is shown for review
    duplicate: float  # match weight from which a pair is almost surely one person
    # The chance that two workers of the training registry share a normalised name: what a
    # name's relative frequency is divided by where the registry's own figure is not at hand
    # (see ``records.relative_name_frequencies``).
    name_agreement: float | None = None

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def weight(self, field: str, level: int) -> float:
        m, u = self.probabilities[field][level]
        return 0.0 if m == u else math.log2(m / u)

    def same_name_u(self) -> float:
        return self.probabilities["name"][1][1]

    def match_level(self, weight: float) -> MatchLevel | None:
        if weight >= self.duplicate:
            return MatchLevel.DUPLICATE
        if weight >= self.possible:
            return MatchLevel.POSSIBLE
        return None

    def as_json(self) -> dict[str, Any]:
        return {
            "prior": self.prior,
            "name_agreement": self.name_agreement,
            "thresholds": {"possible": self.possible, "duplicate": self.duplicate},
            "comparisons": {
                comparison.field: [
                    {"level": level.label, "m": m, "u": u}
                    for level, (m, u) in zip(
                        comparison.levels, self.probabilities[comparison.field], strict=True
                    )
                ]
                for comparison in COMPARISONS
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Model":
        probabilities = {}
        for comparison in COMPARISONS:
            stored = data["comparisons"][comparison.field]
            labels = [level["level"] for level in stored]
            if labels != [level.label for level in comparison.levels]:
                raise ValueError(f"model.json does not fit the {comparison.field} comparison")
            probabilities[comparison.field] = [(level["m"], level["u"]) for level in stored]
        thresholds = data["thresholds"]
        return cls(
            probabilities,
            data["prior"],
            thresholds["possible"],
            thresholds["duplicate"],
            data.get("name_agreement"),
        )


@lru_cache(maxsize=1)
def shipped_model() -> Model:
    return Model.from_json(json.loads(MODEL_PATH.read_text()))


def splink_settings(model: Model, *, blocking_rules=BLOCKING_RULES) -> dict[str, Any]:
    """The model as a Splink settings dictionary (dedupe, fixed parameters)."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "id",
        "probability_two_random_records_match": model.prior,
        "blocking_rules_to_generate_predictions": list(blocking_rules),
        "retain_matching_columns": True,  # the gamma (level) columns come with them
        "retain_intermediate_calculation_columns": True,
        "comparisons": [_splink_comparison(model, comparison) for comparison in COMPARISONS],
    }


def _splink_comparison(model: Model, comparison) -> dict[str, Any]:
    levels = []
    for level, (m, u) in zip(comparison.levels, model.probabilities[comparison.field], strict=True):
        entry: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.label}
        if level.is_null:
            entry["is_null_level"] = True
        else:
            entry |= {"m_probability": m, "u_probability": u}
        if level.term_frequency:
            entry |= {"tf_adjustment_column": "name", "tf_adjustment_weight": 1.0}
        levels.append(entry)
    return {"output_column_name": comparison.field, "comparison_levels": levels}
