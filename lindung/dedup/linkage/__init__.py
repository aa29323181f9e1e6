"""Record linkage for duplicate workers: Fellegi–Sunter scoring with Splink on DuckDB for the
registry, and the same model in plain Python for one pair (see
docs/decisions/0010-record-linkage.md)."""

from typing import Any

from lindung.dedup.linkage.records import LinkageRecord, relative_name_frequencies
from lindung.dedup.linkage.scorer import score_pair

__all__ = ["LinkageRecord", "find_pairs", "relative_name_frequencies", "score_pair"]


def __getattr__(name: str) -> Any:
    # The batch engine brings DuckDB and PyArrow (a third of a second and some 75 MB): a form,
    # an API call or an import that only scores one pair at a time should not pay for them.
    if name == "find_pairs":
        from lindung.dedup.linkage.batch import find_pairs

        return find_pairs
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
