"""Worker lists as CSV and XLSX files, written row by row so 200,000 workers fit in memory.

Headers are in Indonesian because the files go to the regency office, villages and BPJS.
Identity numbers are masked unless the caller asked for full ones and may see them.
"""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import IO, Any

import xlsxwriter
from django.db.models import QuerySet

from lindung.core.formatting import mask_identity_number, mask_phone
from lindung.registry.models import Worker, WorkerStatus

HEADERS = (
    "NIK", "No. KK", "Nama Lengkap", "Tempat Lahir", "Tanggal Lahir", "Jenis Kelamin", "No. HP",
    "Alamat", "RT", "RW", "Kode Desa", "Desa/Kelurahan", "Kecamatan", "Pekerjaan", "Sektor",
    "Penghasilan per Bulan", "Desil", "ID Sumber", "Status",
)  # fmt: skip

# Fixed Indonesian words, so a file reads the same whatever language the exporter uses.
SEX_CODES = {"M": "L", "F": "P"}
STATUS_WORDS = {
    WorkerStatus.REGISTERED: "Terdaftar",
    WorkerStatus.VERIFIED: "Terverifikasi",
    WorkerStatus.REJECTED: "Ditolak",
    WorkerStatus.INACTIVE: "Tidak Aktif",
}
CHUNK_SIZE = 2000
# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FREE_TEXT_COLUMNS = {2, 3, 7, 13, 17}  # name, birth place, address, occupation, source


def export_rows(workers: QuerySet[Worker], *, full_identity: bool) -> Iterator[list[Any]]:
    """One list of cell values per worker (dates as ``date``, income as ``int``)."""
    for worker in workers.iterator(chunk_size=CHUNK_SIZE):
        village = worker.village
        yield [
            worker.nik if full_identity else mask_identity_number(worker.nik),
            worker.kk_number if full_identity else mask_identity_number(worker.kk_number),
            worker.full_name,
            worker.birth_place,
            worker.birth_date,
            SEX_CODES.get(worker.sex, worker.sex),
            worker.phone if full_identity else mask_phone(worker.phone),
            worker.address,
            worker.rt,
            worker.rw,
            village.code,
            village.name,
            village.parent.name if village.parent else "",
            worker.occupation,
            worker.sector.name,
            worker.monthly_income,
            worker.welfare_decile,
            worker.source_ref,
            STATUS_WORDS.get(worker.status, worker.status),
        ]


class _Echo:
    """A file-like object whose ``write`` hands back the line, for streaming csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    """The CSV file line by line; a byte-order mark first so Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADERS)
    for row in rows:
        yield writer.writerow([_csv_cell(index, value) for index, value in enumerate(row)])


def _csv_cell(index: int, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if index in _FREE_TEXT_COLUMNS and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_xlsx(rows: Iterable[list[Any]], target: IO[bytes]) -> int:
    """Write the workbook to ``target``; return the number of workers written."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
    sheet = workbook.add_worksheet("Pekerja")
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    money_format = workbook.add_format({"num_format": "#,##0"})
    for column, header in enumerate(HEADERS):
        sheet.write_string(0, column, header, bold)
    sheet.set_column(0, 1, 19)
    sheet.set_column(2, 2, 28)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(
                    count, column, dt.datetime.combine(value, dt.time()), date_format
                )
            elif isinstance(value, int):
                sheet.write_number(count, column, value, money_format if column == 15 else None)
            else:
                # Never ``write``: it would turn a NIK into a number and "=…" into a formula.
                sheet.write_string(count, column, str(value))
    workbook.close()
    return count
