from django_tasks import task

from lindung.imports import services


@task()
def run_import_pass(job_id: int, save: bool) -> dict:
    """Check or save one import in the background; the page polls the job's progress."""
    job = services.run_import_pass(job_id, save=save)
    return {
        "status": job.status,
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "rejected": job.rejected,
    }
