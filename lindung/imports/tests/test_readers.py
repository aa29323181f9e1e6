"""Finding the list in a file: separators, encodings, title rows, sheets, totals."""

import datetime as dt

import pytest

from lindung.imports.readers import (
    CsvSource,
    UnreadableFile,
    data_rows,
    find_layout,
    open_source,
)
from lindung.imports.tests.sheets import HEADER, RINA, SITI, write_csv, write_xlsx


def read_all(path, sheet=None):
    source = open_source(path, path.name)
    layout = find_layout(source, sheet)
    return layout, list(data_rows(source, layout))


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_separator_is_found_whether_comma_semicolon_or_tab(tmp_path, delimiter):
    path = write_csv(tmp_path / "daftar.csv", [HEADER, SITI, RINA], delimiter=delimiter)
    layout, rows = read_all(path)
    assert layout.headers == HEADER
    assert layout.sheet is None
    assert rows == [(2, SITI), (3, RINA)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_windows_1252(tmp_path, encoding):
    named = [*SITI[:2], "Renée Amélie", *SITI[3:]]
    path = write_csv(tmp_path / "daftar.csv", [HEADER, named], delimiter=";", encoding=encoding)
    layout, rows = read_all(path)
    assert layout.headers[0] == "No"  # no BOM left on the first header
    assert rows == [(2, named)]


def test_header_is_found_below_title_rows_and_a_merged_looking_row(tmp_path):
    path = write_xlsx(
        tmp_path / "daftar.xlsx",
        {
            "Data": [
                ["DAFTAR PEKERJA RENTAN KECAMATAN TENGGARONG"],
                ["TAHUN 2026", None, None, "Dinas Tenaga Kerja"],
                [],
                ["", "IDENTITAS", "", "", "", "WILAYAH"],  # a merged group title above the header
                HEADER,
                SITI,
            ]
        },
    )
    layout, rows = read_all(path)
    assert layout.sheet == "Data"
    assert layout.header_row == 4
    assert layout.headers == HEADER
    assert len(layout.rows_before) == 4
    assert rows == [(6, SITI)]


def test_the_data_sheet_is_chosen_among_several_and_a_rekap_sheet_is_not_data(tmp_path):
    path = write_xlsx(
        tmp_path / "daftar.xlsx",
        {
            "Rekap": [["Rekap per kecamatan"], ["Kecamatan", "Jumlah"], ["Tenggarong", 2]],
            "Petunjuk": [["Isi satu orang per baris"]],
            "Pekerja": [HEADER, SITI, RINA],
        },
    )
    layout, rows = read_all(path)
    assert layout.sheet == "Pekerja"
    assert [number for number, _ in rows] == [2, 3]


def test_a_named_sheet_is_read_and_an_unknown_one_is_refused_listing_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "daftar.xlsx", {"Lama": [HEADER, SITI], "Baru": [HEADER, RINA]})
    _, rows = read_all(path, sheet="Baru")
    assert rows == [(2, RINA)]
    with pytest.raises(UnreadableFile, match=r"Lembar 'Tidak Ada' tidak ada.*Lama, Baru"):
        read_all(path, sheet="Tidak Ada")


def test_blank_rows_and_total_rows_are_skipped_and_row_numbers_stay_the_senders(tmp_path):
    path = write_xlsx(
        tmp_path / "daftar.xlsx",
        {
            "Data": [
                HEADER,
                SITI,
                [None, "", "  "],
                RINA,
                ["JUMLAH", "2 orang"],
                ["", "Total"],
            ]
        },
    )
    _, rows = read_all(path)
    assert [number for number, _ in rows] == [2, 4]


def test_spreadsheet_cells_keep_their_types(tmp_path):
    row = [*SITI[:3], dt.date(1985, 3, 2), *SITI[4:]]
    path = write_xlsx(tmp_path / "daftar.xlsx", {"Data": [HEADER, row]})
    _, [(_, cells)] = read_all(path)
    assert cells[1] == "6402064203850003"
    assert cells[3] in (dt.date(1985, 3, 2), dt.datetime(1985, 3, 2))


def test_short_rows_are_padded_to_the_header_width(tmp_path):
    path = write_csv(tmp_path / "daftar.csv", [HEADER, SITI[:3]])
    _, [(_, cells)] = read_all(path)
    assert cells == [*SITI[:3]] + [""] * (len(HEADER) - 3)


def test_a_file_without_a_recognisable_header_is_unreadable_with_a_reason(tmp_path):
    path = write_csv(tmp_path / "catatan.csv", [["halo", "dunia"], ["1", "2"]])
    with pytest.raises(UnreadableFile, match="Baris judul kolom tidak ditemukan"):
        read_all(path)


def test_a_damaged_spreadsheet_is_unreadable_with_a_reason(tmp_path):
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(UnreadableFile, match="tidak dapat dibaca sebagai lembar kerja"):
        open_source(path, path.name)


def test_an_empty_csv_is_unreadable(tmp_path):
    path = tmp_path / "kosong.csv"
    path.write_text("   \n")
    with pytest.raises(UnreadableFile, match="Berkas kosong"):
        CsvSource(path)


def test_a_file_without_a_suffix_is_recognised_by_its_content(tmp_path):
    xlsx = write_xlsx(tmp_path / "daftar.xlsx", {"Data": [HEADER, SITI]})
    renamed = xlsx.rename(tmp_path / "unggahan")
    source = open_source(renamed)
    assert source.sheet_names == ["Data"]
