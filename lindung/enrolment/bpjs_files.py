"""Reading the files BPJS sends back: which column is which, and each row's values.

Files are read with the import app's readers (XLSX, XLS, ODS, CSV, title rows above the
header). Headers are recognised by the names BPJS branches use; the first row naming a NIK
column and at least one other known column is the header.
"""

import datetime as dt
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lindung.core.exceptions import DomainError
from lindung.imports.columns import normalize_header
from lindung.imports.readers import (
    HEADER_SEARCH_ROWS,
    SheetLayout,
    UnreadableFile,
    data_rows,
    open_source,
)
from lindung.imports.values import parse_date, parse_identity_number, parse_text

HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "nik": ("nik", "no ktp", "nomor ktp", "nomor induk kependudukan", "nik peserta"),
    "kpj": ("kpj", "no kpj", "nomor kpj", "nomor peserta", "no peserta", "no kartu"),
    "status": ("status", "status kepesertaan", "status peserta", "hasil", "keputusan"),
    "coverage_start": (
        "tgl kepesertaan",
        "tanggal kepesertaan",
        "tmt",
        "tmt kepesertaan",
        "tanggal mulai",
        "tgl mulai",
        "tanggal efektif",
        "tgl efektif",
        "mulai kepesertaan",
    ),
    "reason": ("alasan", "alasan penolakan", "keterangan", "catatan", "ket"),
    "segment": ("segmen", "segmen kepesertaan", "segment"),
    "membership_kind": ("jenis kepesertaan", "kode wadah", "jenis", "wadah"),
    "payer": ("pembayar", "sumber iuran", "dibayar oleh"),
    "name": ("nama", "nama peserta", "nama lengkap"),
}
_LOOKUP = {name: field for field, names in HEADER_NAMES.items() for name in names}

ACCEPTED_WORDS = {"diterima", "aktif", "terdaftar", "berhasil", "accepted", "active", "ok"}
REFUSED_WORDS = {"ditolak", "tolak", "gagal", "tidak aktif", "rejected", "refused", "nonaktif"}


@dataclass(frozen=True)
class FileRow:
    number: int  # the row number in the sheet, as the user sees it
    values: dict[str, object]

    def text(self, field: str) -> str:
        return parse_text(self.values.get(field))

    def nik(self) -> str:
        """The row's NIK as 16 digits; ``ValueError`` says what is wrong with it."""
        nik = parse_identity_number(self.values.get("nik"))
        if not nik:
            raise ValueError("NIK kosong")
        if len(nik) != 16 or not nik.isdigit():
            raise ValueError(f"NIK '{nik}' bukan 16 angka")
        return nik

    def date(self, field: str) -> dt.date | None:
        return parse_date(self.values.get(field))

    def verdict(self) -> str:
        """ "accepted", "refused" or "" from the status column."""
        status = normalize_header(self.values.get("status"))
        if status in ACCEPTED_WORDS:
            return "accepted"
        if status in REFUSED_WORDS or status.startswith("tidak"):
            return "refused"
        return ""


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_rows(path: Path, original_name: str = "") -> Iterator[FileRow]:
    """The data rows of a BPJS file, each with the values of the known columns."""
    try:
        source = open_source(path, original_name)
        layout, fields = _layout(source)
    except UnreadableFile as error:
        raise DomainError(str(error)) from error
    for number, cells in data_rows(source, layout):
        yield FileRow(number, {field: cells[index] for index, field in fields.items()})


def _layout(source) -> tuple[SheetLayout, dict[int, str]]:
    names = [None] if not source.sheet_names else list(source.sheet_names)
    for sheet in names:
        top = []
        for index, row in enumerate(source.rows(sheet)):
            if index >= HEADER_SEARCH_ROWS:
                break
            top.append(list(row))
        for index, row in enumerate(top):
            fields = _fields(row)
            if "nik" in fields.values() and len(fields) >= 2:
                headers = [parse_text(cell) for cell in row]
                return SheetLayout(sheet, index, headers, top[:index]), fields
    raise DomainError(
        "Baris judul kolom tidak ditemukan: berkas BPJS harus memuat kolom NIK dan "
        "kolom seperti KPJ, Status atau Tanggal Kepesertaan."
    )


def _fields(row: list[object]) -> dict[int, str]:
    fields: dict[int, str] = {}
    for index, cell in enumerate(row):
        field = _LOOKUP.get(normalize_header(cell))
        if field and field not in fields.values():
            fields[index] = field
    return fields


@contextmanager
def saved_upload(upload) -> Iterator[Path]:
    """An uploaded file on disk, for the readers (which need a path), removed afterwards."""
    suffix = Path(upload.name or "").suffix.lower() or ".csv"
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    path = Path(handle.name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
