"""Record linkage for duplicate workers: Fellegi–Sunter scoring with Splink on DuckDB for the
registry, and the same model in plain Python for one pair (see
docs/decisions/0010-record-linkage.md)."""

from lindung.dedup.linkage.batch import find_pairs
from lindung.dedup.linkage.records import LinkageRecord, relative_name_frequencies
from lindung.dedup.linkage.scorer import score_pair

__all__ = ["LinkageRecord", "find_pairs", "relative_name_frequencies", "score_pair"]
