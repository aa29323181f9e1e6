"""What the REST API gives for import jobs.

A job's answer carries what a client needs to follow it: the status, the progress, the counts
per outcome, the first rows of each outcome, and where the row-by-row report can be fetched.
"""

import datetime as dt

from django.urls import reverse
from ninja import Field, Schema

from lindung.imports.models import ImportJob, ImportStatus
from lindung.imports.storage import report_path


class ImportCounts(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: int


class PreviewRow(Schema):
    row: int = Field(description="Row number in the sender's sheet (1-based).")
    name: str
    message: str


class ImportColumn(Schema):
    index: int
    header: str
    field: str | None = Field(description="The registry field the column fills, if any.")


class ImportOut(Schema):
    id: int
    file_name: str
    sha256: str
    size: int
    sheet: str
    status: str = Field(json_schema_extra={"enum": list(ImportStatus.values)})
    status_label: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    total_rows: int
    processed_rows: int
    progress_percent: int
    counts: ImportCounts
    possible_duplicates: int = Field(
        description="New rows that may be a worker already registered, or an earlier row of "
        "the file: saved (they are not refused), flagged in their message and listed in "
        "`preview.possible_duplicates`."
    )
    preview: dict[str, list[PreviewRow]] = Field(
        description="Outcome → the first rows with that outcome."
    )
    columns: list[ImportColumn]
    error: str
    report_url: str | None = Field(description="The row-by-row XLSX report, once written.")


class ImportPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ImportOut]


def import_body(job: ImportJob) -> dict:
    report_ready = bool(job.report_name) and report_path(job).is_file()
    return {
        "id": job.pk,
        "file_name": job.original_name,
        "sha256": job.checksum,
        "size": job.size,
        "sheet": job.sheet,
        "status": job.status,
        "status_label": str(ImportStatus(job.status).label),
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "progress_percent": job.progress_percent,
        "counts": {
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "rejected": job.rejected,
        },
        "possible_duplicates": job.possible_duplicates,
        "preview": job.preview or {},
        "columns": [
            {"index": index, "header": header, "field": job.mapping.get(str(index))}
            for index, header in enumerate(job.headers)
        ],
        "error": job.error,
        "report_url": reverse("api:import_report", args=[job.pk]) if report_ready else None,
    }
