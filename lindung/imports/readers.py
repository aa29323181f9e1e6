"""Reading the rows of a worker list from XLSX, XLS, ODS or CSV, wherever the data starts.

A reader streams rows as lists of cell values; it never holds a million-row CSV in memory.
Spreadsheets are read by `python-calamine` (XLSX/XLS/ODS alike).
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from python_calamine import CalamineWorkbook

from lindung.imports.columns import header_score

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
HEADER_SEARCH_ROWS = 30
# A header row must name at least this many known columns.
MIN_HEADER_SCORE = 2
TOTAL_ROW_WORDS = ("jumlah", "total", "grand total", "sub total", "subtotal")


class UnreadableFile(Exception):
    """The file cannot be read as a worker list at all; the message says why."""


@dataclass(frozen=True)
class SheetLayout:
    sheet: str | None  # None for CSV
    header_row: int  # 0-based index of the header row in the sheet
    headers: list[str]
    rows_before: list[list[object]]  # title rows above the header, kept for the report


def detect_kind(path: Path, original_name: str = "") -> str:
    suffix = Path(original_name or path.name).suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return "spreadsheet"
    if suffix in CSV_SUFFIXES:
        return "csv"
    with path.open("rb") as handle:
        start = handle.read(8)
    if start.startswith(b"PK") or start.startswith(b"\xd0\xcf\x11\xe0"):
        return "spreadsheet"
    return "csv"


class SpreadsheetSource:
    def __init__(self, path: Path) -> None:
        try:
            self.workbook = CalamineWorkbook.from_path(str(path))
        except Exception as error:  # calamine raises several error types
            raise UnreadableFile(
                f"Berkas tidak dapat dibaca sebagai lembar kerja: {error}"
            ) from error

        # Calamine parses a whole sheet at once: keep it for the next pass over the same
        # sheet (finding the header, then counting the rows, reads it twice).
        self._sheets: dict[str, object] = {}

    @property
    def sheet_names(self) -> list[str]:
        return list(self.workbook.sheet_names)

    def rows(self, sheet: str | None) -> Iterator[list[object]]:
        name = sheet or self.sheet_names[0]
        if name not in self._sheets:
            self._sheets[name] = self.workbook.get_sheet_by_name(name)
        yield from self._sheets[name].iter_rows()


# An import reads its file three times in one process (upload, save, report). A small
# workbook stays parsed in between (calamine takes a third of a second for 35,000 rows); a
# large one is parsed again each time rather than kept in memory.
KEEP_PARSED_BYTES = 8 * 1024 * 1024
_last_parsed: tuple[tuple, SpreadsheetSource] | None = None


def _spreadsheet(path: Path) -> SpreadsheetSource:
    global _last_parsed
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if _last_parsed is not None and _last_parsed[0] == key:
        return _last_parsed[1]
    source = SpreadsheetSource(path)
    _last_parsed = (key, source) if stat.st_size <= KEEP_PARSED_BYTES else None
    return source


class CsvSource:
    sheet_names: list[str] = []

    def __init__(self, path: Path) -> None:
        self.path = path
        self.encoding = _detect_encoding(path)
        with path.open("r", encoding=self.encoding, newline="") as handle:
            sample = handle.read(64 * 1024)
        if not sample.strip():
            raise UnreadableFile("Berkas kosong.")
        try:
            self.dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            self.dialect = csv.excel
            self.dialect.delimiter = max(",;\t", key=sample.count)

    def rows(self, sheet: str | None = None) -> Iterator[list[object]]:
        with self.path.open("r", encoding=self.encoding, newline="") as handle:
            yield from csv.reader(handle, self.dialect)


def _detect_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def open_source(path: Path, original_name: str = "") -> SpreadsheetSource | CsvSource:
    if detect_kind(path, original_name) == "spreadsheet":
        return _spreadsheet(path)
    try:
        return CsvSource(path)
    except (UnicodeDecodeError, csv.Error) as error:
        raise UnreadableFile(f"Berkas CSV tidak dapat dibaca: {error}") from error


def find_layout(source: SpreadsheetSource | CsvSource, sheet: str | None = None) -> SheetLayout:
    """The sheet holding the list (the one whose header names most known columns) and the
    row its header is on, below any title rows."""
    if isinstance(source, CsvSource):
        candidates: list[str | None] = [None]
    elif sheet:
        if sheet not in source.sheet_names:
            raise UnreadableFile(
                f"Lembar '{sheet}' tidak ada. Lembar yang ada: {', '.join(source.sheet_names)}."
            )
        candidates = [sheet]
    else:
        candidates = list(source.sheet_names)
    best: SheetLayout | None = None
    best_score = 0
    for name in candidates:
        top: list[list[object]] = []
        for index, row in enumerate(source.rows(name)):
            if index >= HEADER_SEARCH_ROWS:
                break
            top.append(list(row))
        for index, row in enumerate(top):
            score = header_score(row)
            if score > best_score:
                best_score = score
                best = SheetLayout(
                    sheet=name,
                    header_row=index,
                    headers=[_header_text(cell) for cell in row],
                    rows_before=top[:index],
                )
    if best is None or best_score < MIN_HEADER_SCORE:
        raise UnreadableFile(
            "Baris judul kolom tidak ditemukan: pastikan ada kolom seperti "
            "NIK, Nama, Tanggal Lahir dan Desa/Kelurahan."
        )
    return best


def _header_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell or "").split())


def data_rows(
    source: SpreadsheetSource | CsvSource, layout: SheetLayout
) -> Iterator[tuple[int, list[object]]]:
    """(1-based row number in the sheet, cells) for every row below the header that may be
    data. Blank rows and total rows are not data."""
    width = len(layout.headers)
    rows = source.rows(layout.sheet)
    for _ in islice(rows, layout.header_row + 1):
        pass
    for index, row in enumerate(rows, start=layout.header_row + 1):
        if len(row) == width:
            cells = row if type(row) is list else list(row)
        else:
            cells = list(row)[:width] + [""] * (width - len(row))
        if is_blank_row(cells) or is_total_row(cells):
            continue
        yield index + 1, cells


def is_blank_row(cells: list[object]) -> bool:
    for cell in cells:
        if cell is None:
            continue
        if not isinstance(cell, str) or cell.strip():
            return False
    return True


def is_total_row(cells: list[object]) -> bool:
    """A total row says so in one of its first two filled cells."""
    seen = 0
    for cell in cells:
        if cell is None or cell == "":
            continue
        text = str(cell).strip()
        if not text:
            continue
        if text.lower().startswith(TOTAL_ROW_WORDS):
            return True
        seen += 1
        if seen == 2:
            return False
    return False


def text_preview(path: Path) -> str:
    """For error messages: what the first bytes look like."""
    with path.open("rb") as handle:
        return io.TextIOWrapper(io.BytesIO(handle.read(200)), errors="replace").read()
