"""What the linkage engine hands to the rest of the application: scored pairs of workers.

The engine (``lindung.dedup.linkage``) scores; the candidate store (``lindung.dedup.services``)
keeps, reviews and merges. This module is the only thing both of them import.
"""

from dataclasses import dataclass
from enum import StrEnum


class MatchLevel(StrEnum):
    DUPLICATE = "duplicate"  # above the upper threshold: almost surely the same person
    POSSIBLE = "possible"  # between the thresholds: a person must look


@dataclass(frozen=True)
class Evidence:
    """One comparison's contribution to a pair's score, in words an operator can read.

    ``weight`` is the Fellegi-Sunter match weight (log2 of the Bayes factor): positive is
    evidence for "same person", negative against.
    """

    field: str  # "nik", "name", "birth_date", "sex", "village", "kk_number", "phone", ...
    level: str  # the comparison level, e.g. "one digit differs", "same village", "different"
    weight: float


@dataclass(frozen=True)
class ScoredPair:
    """Two workers the engine thinks may be one person; ``left_id < right_id``."""

    left_id: int
    right_id: int
    match_weight: float  # total: prior + the sum of the evidence weights
    probability: float  # 0..1
    level: MatchLevel
    evidence: tuple[Evidence, ...]
