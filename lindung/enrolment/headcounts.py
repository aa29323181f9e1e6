"""Members per area and month for the budget guard (``programs.budget.MemberSource``).

An active enrolment (or one ended during the year) is *committed* for every month it
covers, at least partly. A submitted one is *forecast* from the month after it was
submitted: BPJS has not answered yet but the money will be needed. Candidates cost nothing
until they are submitted.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q

from lindung.enrolment.models import Enrolment, EnrolmentStatus
from lindung.programs.budget import Headcount
from lindung.programs.models import Program


class EnrolmentHeadcounts:
    def headcounts(self, program: Program, fiscal_year: int) -> Iterable[Headcount]:
        first, last = dt.date(fiscal_year, 1, 1), dt.date(fiscal_year, 12, 31)
        rows = (
            Enrolment.objects.filter(program=program)
            .filter(
                Q(status=EnrolmentStatus.SUBMITTED)
                | Q(coverage_start__lte=last) & (Q(ended_on__isnull=True) | Q(ended_on__gte=first))
            )
            .values_list(
                "worker__village_id", "status", "coverage_start", "submitted_on", "ended_on"
            )
            .annotate(members=Count("id"))
            .order_by()
        )
        counts: dict[tuple[str, int, bool], int] = defaultdict(int)
        for village, status, start, submitted, ended, members in rows:
            proposed = status == EnrolmentStatus.SUBMITTED
            begin = _month_after(submitted) if proposed else start
            for month in _months_covered(begin, ended, fiscal_year):
                counts[(village, month, proposed)] += members
        return [
            Headcount(area, month, members, proposed=proposed)
            for (area, month, proposed), members in sorted(counts.items())
        ]


def _month_after(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _months_covered(start: dt.date, ended: dt.date | None, fiscal_year: int) -> range:
    """The months of ``fiscal_year`` from ``start``'s month to ``ended``'s, inclusive."""
    if start.year > fiscal_year or (ended is not None and ended.year < fiscal_year):
        return range(0)
    first = start.month if start.year == fiscal_year else 1
    last = ended.month if ended is not None and ended.year == fiscal_year else 12
    return range(first, last + 1)
