"""The sender's own list given back, with a status and a reason on every row."""

import datetime as dt

import xlsxwriter
from django.utils import timezone

from lindung.core.formatting import format_datetime
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
    workbook = xlsxwriter.Workbook(
        str(report_path(job)), {"constant_memory": True, "strings_to_numbers": False}
    )
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBE7", "border": 1})
    refused = workbook.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet = workbook.add_worksheet((job.sheet or "Data")[:31])
    width = len(job.headers)
    for index, row in enumerate(source.rows(job.sheet or None)):
        cells = list(row)[:width] + [""] * max(0, width - len(row))
        for column, value in enumerate(cells):
            _write_cell(sheet, index, column, value, date_format)
        number = index + 1
        if index == job.header_row:
            sheet.write(index, width, "Status", header)
            sheet.write(index, width + 1, "Keterangan", header)
        elif number in outcomes:
            outcome, _, message = outcomes[number]
            style = refused if outcome == "rejected" else None
            sheet.write_string(index, width, labels.get(outcome, outcome), style)
            sheet.write_string(index, width + 1, message, style)
    sheet.set_column(width + 1, width + 1, 60)
    _summary_sheet(workbook, job, header)
    workbook.close()


def _write_cell(sheet, row: int, column: int, value, date_format) -> None:
    if value is None or value == "":
        return
    if isinstance(value, dt.datetime | dt.date):
        sheet.write_datetime(row, column, value, date_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value)
    else:
        # Text stays text: a NIK must never become a number again.
        sheet.write_string(row, column, str(value))


def _summary_sheet(workbook, job: ImportJob, header) -> None:
    summary = workbook.add_worksheet("Ringkasan")
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
    ]
    summary.set_column(0, 0, 22)
    summary.set_column(1, 1, 70)
    summary.write(0, 0, "Ringkasan impor", header)
    for index, (label, value) in enumerate(rows, start=1):
        summary.write_string(index, 0, label)
        if isinstance(value, int):
            summary.write_number(index, 1, value)
        else:
            summary.write_string(index, 1, str(value))
