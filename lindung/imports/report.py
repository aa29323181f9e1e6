"""The sender's own list given back, with a status and a reason on every row."""

from django.utils import timezone

from lindung.core.formatting import format_datetime
from lindung.imports import xlsx_stream
from lindung.imports.engine import read_outcomes
from lindung.imports.models import ImportJob
from lindung.imports.readers import open_source
from lindung.imports.storage import original_path, report_path

STATUS_LABELS = {
    "created": "baru",
    "updated": "diperbarui",
    "unchanged": "tidak berubah",
    "rejected": "DITOLAK",
}
CHECK_LABELS = {
    "created": "akan ditambahkan",
    "updated": "akan diperbarui",
    "unchanged": "tidak berubah",
    "rejected": "DITOLAK",
}


def write_report(job: ImportJob) -> None:
    """Every row of the sender's sheet as it was, plus `Status` and `Keterangan` columns,
    and a `Ringkasan` sheet with the counts."""
    outcomes = read_outcomes(job)
    labels = STATUS_LABELS if job.saved_through_row else CHECK_LABELS
    source = open_source(original_path(job), job.original_name)
    workbook = xlsx_stream.Workbook(report_path(job))
    sheet = workbook.add_sheet((job.sheet or "Data")[:31])
    width = len(job.headers)
    header_styles = {width: xlsx_stream.HEADER, width + 1: xlsx_stream.HEADER}
    refused_styles = {width: xlsx_stream.REFUSED, width + 1: xlsx_stream.REFUSED}
    for index, row in enumerate(source.rows(job.sheet or None)):
        # Text stays text: a NIK must never become a number again.
        cells = list(row)[:width] + [""] * max(0, width - len(row))
        number = index + 1
        styles = None
        if index == job.header_row:
            cells += ["Status", "Keterangan"]
            styles = header_styles
        elif number in outcomes:
            outcome, _, message = outcomes[number]
            cells += [labels.get(outcome, outcome), message]
            styles = refused_styles if outcome == "rejected" else None
        sheet.write_row(index, cells, styles)
    sheet.set_column_width(width + 1, 60)
    _summary_sheet(workbook, job)
    workbook.close()


def _summary_sheet(workbook: xlsx_stream.Workbook, job: ImportJob) -> None:
    summary = workbook.add_sheet("Ringkasan")
    rows = [
        ("Berkas", job.original_name),
        ("SHA-256", job.checksum),
        ("Diunggah oleh", job.created_by.username),
        ("Waktu laporan", format_datetime(timezone.now())),
        ("Tahap", "disimpan" if job.saved_through_row else "pemeriksaan (belum disimpan)"),
        ("Jumlah baris data", job.processed_rows),
        ("Baru", job.created),
        ("Diperbarui", job.updated),
        ("Tidak berubah", job.unchanged),
        ("Ditolak", job.rejected),
        (
            "Kemungkinan duplikat",
            job.possible_duplicates
            if job.checks_rows_for_duplicates
            else "tidak diperiksa per baris untuk berkas sebesar ini: jalankan pencarian duplikat",
        ),
    ]
    summary.set_column_width(0, 22)
    summary.set_column_width(1, 70)
    summary.write_row(0, ["Ringkasan impor"], {0: xlsx_stream.HEADER})
    for index, (label, value) in enumerate(rows, start=1):
        summary.write_row(index, [label, value if isinstance(value, int) else str(value)])
