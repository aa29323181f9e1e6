"""Reads of import jobs: a user sees their own, an administrator every one."""

from itertools import islice

from django.db.models import QuerySet
from python_calamine import CalamineError

from lindung.accounts.models import Role, User
from lindung.accounts.permissions import Capability, require
from lindung.core.exceptions import NotFound
from lindung.imports.models import ImportJob, ImportProfile
from lindung.imports.readers import SheetLayout, UnreadableFile, data_rows, open_source
from lindung.imports.storage import original_path


def imports_for_user(user: User) -> QuerySet[ImportJob]:
    require(user, Capability.EDIT_WORKERS)
    jobs = ImportJob.objects.select_related("created_by", "profile")
    return jobs if user.role == Role.ADMIN else jobs.filter(created_by=user)


def get_import_for_user(user: User, job_id: int, *, for_update: bool = False) -> ImportJob:
    jobs = imports_for_user(user)
    if for_update:
        jobs = jobs.select_for_update(of=("self",))
    job = jobs.filter(pk=job_id).first()
    if job is None:
        raise NotFound("Impor tidak ditemukan.")
    return job


def import_profiles() -> QuerySet[ImportProfile]:
    return ImportProfile.objects.all()


def sample_rows(job: ImportJob, n: int = 3) -> list[list[object]]:
    """The first ``n`` data rows of a job's file, for the mapping page's examples."""
    try:
        source = open_source(original_path(job), job.original_name)
        layout = SheetLayout(job.sheet or None, job.header_row, job.headers, [])
        return [cells for _, cells in islice(data_rows(source, layout), n)]
    except (UnreadableFile, CalamineError, OSError):
        # The examples help but are not needed to choose the fields.
        return []
