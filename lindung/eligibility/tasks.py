from django_tasks import task

from lindung.eligibility import jobs


@task()
def run_eligibility_job(job_id: int) -> dict:
    """Run a programme's rules in the background; the page and the API follow the job."""
    job = jobs.run_eligibility_job(job_id)
    return {"status": job.status, "run_id": job.run_id}
