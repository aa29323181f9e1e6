"""Records that stay open for a worker until someone closes them: the one place that knows.

A worker recorded as deceased should have none. Each source below is a condition on the
worker's primary key; a new kind of record (enrolments, claims) adds its own source to
``OPEN_RECORD_SOURCES`` and the "deceased with open records" worklist picks it up.
"""

import operator
from collections.abc import Callable
from functools import reduce

from django.db.models import Exists, OuterRef, Q

from lindung.dedup.models import CaseMember, CaseStatus


def open_duplicate_case() -> Q:
    """The worker belongs to a duplicate case nobody has decided yet."""
    return Q(Exists(CaseMember.objects.filter(worker=OuterRef("pk"), case__status=CaseStatus.OPEN)))


OPEN_RECORD_SOURCES: tuple[Callable[[], Q], ...] = (
    open_duplicate_case,
    # Enrolments and claims join here when those apps exist.
)


def has_open_record() -> Q:
    return reduce(operator.or_, (source() for source in OPEN_RECORD_SOURCES))
