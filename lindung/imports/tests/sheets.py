"""Worker lists made inside a test: small XLSX and CSV files, and the shared sample files."""

import csv
from pathlib import Path

import pytest
import xlsxwriter

from conftest import LOA_KULU_VILLAGE, TENGGARONG_VILLAGE

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples"
SAMPLE_XLSX = SAMPLES / "daftar_pekerja_rentan_2026.xlsx"
SAMPLE_EXPECTED = SAMPLES / "daftar_pekerja_rentan_2026.expected.csv"
SAMPLE_DTSEN = SAMPLES / "ekspor_dtsen_contoh.csv"

HEADER = ["No", "NIK", "Nama", "Tgl Lahir", "L/P", "Kode Desa", "No HP", "Alamat", "Pekerjaan"]
# Two valid people, in Jahab (Tenggarong) and Jembayan (Loa Kulu).
SITI = ["1", "6402064203850003", "Siti Aminah", "02-03-1985", "P", TENGGARONG_VILLAGE,
        "081234567890", "Jl. Pesut 4", "Petani"]  # fmt: skip
YUSUF = ["2", "6402021508700001", "Muhammad Yusuf", "15-08-1970", "L", LOA_KULU_VILLAGE,
         "081234500001", "Jl. Mulawarman 7", "Nelayan"]  # fmt: skip
RINA = ["3", "6402065506900002", "Rina Wati", "15-06-1990", "P", TENGGARONG_VILLAGE,
        "081350001234", "Jl. Sabang 2", "Pedagang"]  # fmt: skip


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """One worksheet per entry; text stays text (a NIK is never turned into a number)."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if hasattr(value, "year"):
                    sheet.write_datetime(r, c, value, date_format)
                else:
                    sheet.write(r, c, value)
    workbook.close()
    return path


def write_csv(
    path: Path, rows: list[list[object]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def require_samples() -> None:
    if not (SAMPLE_XLSX.is_file() and SAMPLE_EXPECTED.is_file() and SAMPLE_DTSEN.is_file()):
        pytest.skip(f"the sample files are not in {SAMPLES}")
