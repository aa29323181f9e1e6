"""Where an import's files live: the upload as received, the row outcomes, the report."""

import hashlib
import shutil
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

CHUNK = 1 << 20


def import_dir(job_id: int) -> Path:
    path = Path(settings.DATA_DIR) / "imports" / str(job_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(job_id: int, source: BinaryIO, suffix: str) -> tuple[Path, str, int]:
    """Copy the upload next to the job; return (path, SHA-256, size)."""
    target = import_dir(job_id) / f"original{suffix.lower()}"
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        for block in iter(lambda: source.read(CHUNK), b""):
            digest.update(block)
            size += len(block)
            out.write(block)
    return target, digest.hexdigest(), size


def original_path(job) -> Path:
    return import_dir(job.pk) / job.stored_name


def outcomes_path(job) -> Path:
    return import_dir(job.pk) / "outcomes.tsv"


def report_path(job) -> Path:
    return import_dir(job.pk) / "laporan.xlsx"


def remove_files(job_id: int) -> None:
    shutil.rmtree(Path(settings.DATA_DIR) / "imports" / str(job_id), ignore_errors=True)
