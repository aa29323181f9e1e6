"""The import template: an XLSX with the column names the import recognises, one example
row, drop-down lists where a spreadsheet can check a value, and the valid values beside it.

The workbook is for Indonesian offices, so its text is Indonesian like the import report's.
"""

import datetime as dt
import io

import xlsxwriter

from lindung.regions.selectors import regency_villages
from lindung.registry.models import Sector

DATA_SHEET = "Data Pekerja"
# Rows a drop-down list covers below the header; a village list is rarely longer.
VALIDATED_ROWS = 5000

# (header, example value, column width, kept as text): the header names are the ones
# ``columns.FIELD_SYNONYMS`` knows, so an uploaded template maps every column by itself.
COLUMNS = (
    ("NIK", "6402064203850003", 20, True),
    ("No. KK", "6402061203150007", 20, True),
    ("Nama Lengkap", "Siti Aminah", 24, False),
    ("Tempat Lahir", "Tenggarong", 16, False),
    ("Tanggal Lahir", dt.date(1985, 3, 2), 14, False),
    ("Jenis Kelamin (L/P)", "P", 10, True),
    ("Alamat", "Jl. Pesut No. 4", 24, False),
    ("RT", "4", 6, True),
    ("RW", "2", 6, True),
    ("Kode Desa", "64.02.06.1001", 15, True),
    ("Desa/Kelurahan", "Jahab", 18, False),
    ("Kecamatan", "Tenggarong", 18, False),
    ("Pekerjaan", "Petani", 18, False),
    ("Sektor", "Pertanian", 22, False),
    ("No. HP", "081234567890", 16, True),
    ("Penghasilan per Bulan", 1_500_000, 14, False),
    ("Desil", 3, 8, False),
    ("ID Sumber", "CONTOH-0001", 14, True),
)
HEADERS = tuple(column[0] for column in COLUMNS)
SEX_CODES = (("L", "Laki-laki"), ("P", "Perempuan"))
INSTRUCTIONS = (
    "Satu baris untuk satu pekerja. Baris contoh (Siti Aminah) boleh dihapus atau ditimpa.",
    "Wajib diisi: NIK (16 angka), Nama Lengkap, dan Kode Desa atau Desa/Kelurahan "
    "dengan Kecamatan.",
    "NIK, No. KK dan No. HP ditulis sebagai teks agar angka nol dan digit terakhir tidak hilang.",
    "Tanggal Lahir: tanggal Excel atau teks seperti 02-03-1985.",
    "Jenis Kelamin: L atau P. Sektor dan Kode Desa: pilih dari daftar (lihat lembar Sektor "
    "dan Desa).",
    "Penghasilan per Bulan dalam rupiah tanpa titik; Desil 1 sampai 10.",
    "ID Sumber: nomor baris atau kode dari daftar asal, untuk menelusuri baris ini kembali.",
)


def build_import_template() -> bytes:
    """The template workbook as bytes, with today's sectors and villages."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    styles = {
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#DDEBE7", "border": 1, "text_wrap": True}
        ),
        "text": workbook.add_format({"num_format": "@"}),
        "date": workbook.add_format({"num_format": "dd-mm-yyyy"}),
        "money": workbook.add_format({"num_format": "#,##0"}),
    }
    data = workbook.add_worksheet(DATA_SHEET)
    sectors = list(Sector.objects.filter(is_active=True).order_by("sort_order", "name"))
    villages = list(regency_villages().order_by("parent__name", "name"))
    _write_data_sheet(data, styles)
    _add_validations(data, sector_count=len(sectors), village_count=len(villages))
    _write_list(
        workbook.add_worksheet("Sektor"),
        styles,
        ("Kode", "Sektor"),
        [(sector.code, sector.name) for sector in sectors],
    )
    _write_list(
        workbook.add_worksheet("Desa"),
        styles,
        ("Kode Desa", "Desa/Kelurahan", "Kecamatan"),
        [(village.code, village.name, village.parent.name) for village in villages],
    )
    _write_list(workbook.add_worksheet("Jenis Kelamin"), styles, ("Kode", "Arti"), SEX_CODES)
    _write_list(
        workbook.add_worksheet("Petunjuk"), styles, ("Petunjuk",), [(t,) for t in INSTRUCTIONS]
    )
    workbook.close()
    return buffer.getvalue()


def _write_data_sheet(sheet, styles) -> None:
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 30)
    for index, (header, example, width, as_text) in enumerate(COLUMNS):
        # The column's own format makes what an operator types later stay text too.
        column_style = styles["text"] if as_text else None
        if isinstance(example, dt.date):
            column_style = styles["date"]
        elif header.startswith("Penghasilan"):
            column_style = styles["money"]
        sheet.set_column(index, index, width, column_style)
        sheet.write_string(0, index, header, styles["header"])
        if isinstance(example, dt.date):
            sheet.write_datetime(1, index, dt.datetime.combine(example, dt.time()), styles["date"])
        elif isinstance(example, int):
            sheet.write_number(1, index, example, column_style)
        else:
            sheet.write_string(1, index, example, column_style)


def _add_validations(sheet, *, sector_count: int, village_count: int) -> None:
    def column(header: str) -> int:
        return HEADERS.index(header)

    def validate(header: str, options: dict) -> None:
        sheet.data_validation(1, column(header), VALIDATED_ROWS, column(header), options)

    validate(
        "Jenis Kelamin (L/P)",
        {
            "validate": "list",
            "source": [code for code, _ in SEX_CODES],
            "input_title": "Jenis Kelamin",
            "input_message": "L = laki-laki, P = perempuan",
        },
    )
    if sector_count:
        validate(
            "Sektor",
            {
                "validate": "list",
                "source": f"=Sektor!$B$2:$B${sector_count + 1}",
                "error_type": "warning",
            },
        )
    if village_count:
        validate(
            "Kode Desa",
            {
                "validate": "list",
                "source": f"=Desa!$A$2:$A${village_count + 1}",
                "error_type": "warning",
                "input_title": "Kode Desa",
                "input_message": "Lihat lembar Desa; boleh dikosongkan bila Desa/Kelurahan "
                "dan Kecamatan diisi.",
            },
        )
    validate(
        "Desil",
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1,
            "maximum": 10,
            "error_message": "Desil kesejahteraan adalah angka 1 sampai 10.",
        },
    )


def _write_list(sheet, styles, headers: tuple[str, ...], rows) -> None:
    for index, header in enumerate(headers):
        sheet.write_string(0, index, header, styles["header"])
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            sheet.write_string(number, index, str(value))
    widths = [max([len(h)] + [len(str(row[i])) for row in rows]) for i, h in enumerate(headers)]
    for index, width in enumerate(widths):
        sheet.set_column(index, index, min(width + 2, 90))
