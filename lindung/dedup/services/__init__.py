"""Every change to duplicate cases: recording candidates, deciding, merging and undoing.

The work is split by subject; callers import from here.
"""

from lindung.dedup.services.candidates import RecordOutcome, record_candidates
from lindung.dedup.services.decisions import (
    CASE_TRANSITIONS,
    MERGEABLE_FIELDS,
    merge_workers,
    resolve_as_different,
    undo_merge,
)
from lindung.dedup.services.runs import (
    record_duplicate_export,
    run_duplicate_search,
    start_duplicate_search,
)
from lindung.dedup.services.separation import separate_worker

__all__ = [
    "CASE_TRANSITIONS",
    "MERGEABLE_FIELDS",
    "RecordOutcome",
    "merge_workers",
    "record_candidates",
    "record_duplicate_export",
    "resolve_as_different",
    "run_duplicate_search",
    "separate_worker",
    "start_duplicate_search",
    "undo_merge",
]
