from django_tasks import task

from lindung.dedup import services


@task()
def find_duplicates(run_id: int) -> dict:
    """Score the registry in the background; the queue page polls the run's progress."""
    run = services.run_duplicate_search(run_id)
    return {"status": run.status, "pairs": run.pairs_found, "cases_opened": run.cases_opened}
