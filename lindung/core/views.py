"""The home page: the numbers of the user's area, or a way in for those who see no numbers."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from lindung.accounts.permissions import Capability, has_capability
from lindung.registry.models import WorkerStatus
from lindung.registry.selectors import registry_summary


@login_required
def home(request):
    if not has_capability(request.user, Capability.VIEW_AGGREGATES):
        return render(request, "core/welcome.html")
    summary = registry_summary(request.user)
    return render(
        request,
        "core/home.html",
        {
            "summary": summary,
            "today": timezone.localdate(),
            "statuses": _status_rows(summary.by_status, summary.total),
            "districts": _bar_rows(summary.by_district),
            "sectors": _bar_rows(summary.by_sector),
        },
    )


def _status_rows(by_status: dict[str, int], total: int) -> list[dict]:
    return [
        {
            "code": status.value,
            "label": status.label,
            "count": by_status.get(status.value, 0),
            "share": _percent(by_status.get(status.value, 0), total),
        }
        for status in WorkerStatus
    ]


def _bar_rows(counts: list[tuple[object, int]]) -> list[dict]:
    """Rows for a horizontal bar chart: the longest bar is the largest count."""
    largest = max((count for _, count in counts), default=0)
    total = sum(count for _, count in counts)
    # The width goes into a style attribute, so it must not be localised ("42,5%").
    return [
        {
            "item": item,
            "count": count,
            "width": f"{_percent(count, largest):.1f}",
            "share": _percent(count, total),
        }
        for item, count in counts
    ]


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
