from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows.

    A search word shared by tens of thousands of workers (`Muhammad`) would otherwise make
    every page count all of them; past the cap the clerk is asked to narrow the search.
    """

    def __init__(self, object_list, per_page, *, cap: int = 1000, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.is_capped = False

    @cached_property
    def count(self) -> int:
        # Without ORDER BY the database stops at the cap instead of sorting every match.
        found = self.object_list.order_by()[: self.cap + 1].count()  # type: ignore[attr-defined]
        self.is_capped = found > self.cap
        return min(found, self.cap)
