"""Where candidates come from: the workers within the cut of a programme's latest
eligibility run (``lindung.eligibility``), as the user may see them."""

from lindung.accounts.models import User
from lindung.eligibility.selectors import DecisionFilters, latest_run, search_decisions
from lindung.programs.models import Program


def eligible_worker_ids(user: User, program: Program) -> list[int]:
    run = latest_run(program)
    if run is None:
        return []
    decisions = search_decisions(user, run, DecisionFilters(cut="inside"))
    return list(decisions.values_list("worker_id", flat=True))
