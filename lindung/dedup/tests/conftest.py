"""Fixtures of the duplicate tests (the workers and verdicts themselves are in ``cast``)."""

from lindung.dedup.tests.cast import loa_kulu_verifier, tenggarong_verifier, twins

__all__ = ["loa_kulu_verifier", "tenggarong_verifier", "twins"]
