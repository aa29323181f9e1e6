"""Cell values typed every way offices type them, and the ones that must be refused."""

import datetime as dt

import pytest

from lindung.imports.values import (
    parse_date,
    parse_identity_number,
    parse_phone_text,
    parse_sex,
    parse_text,
    parse_whole_number,
    split_rt_rw,
)

MARCH_12_1980 = dt.date(1980, 3, 12)


@pytest.mark.parametrize(
    "cell",
    [
        dt.date(1980, 3, 12),
        dt.datetime(1980, 3, 12, 0, 0),
        29292,  # Excel's serial number for 12 March 1980
        29292.0,
        "29292",
        "12-03-1980",
        "12/03/1980",
        "12.03.1980",
        "1980-03-12",
        "1980-03-12T00:00:00",
        "12 Maret 1980",
        "12 maret 1980",
        "12 MARET 1980",
        "12-Mar-1980",
        "12 March 1980",
        " 12-03-1980 ",
        "12-03-80",
    ],
)
def test_every_common_way_of_writing_a_birth_date_is_understood(cell):
    assert parse_date(cell) == MARCH_12_1980


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("11-Agu-1981", dt.date(1981, 8, 11)),
        ("11 Agustus 1981", dt.date(1981, 8, 11)),
        ("29 Februari 1972", dt.date(1972, 2, 29)),
        ("5 Mei 1990", dt.date(1990, 5, 5)),
        ("1 Okt 1975", dt.date(1975, 10, 1)),
        ("3 Des 1999", dt.date(1999, 12, 3)),
        ("17 Nopember 1960", dt.date(1960, 11, 17)),
    ],
)
def test_indonesian_month_names_and_abbreviations_are_understood(cell, expected):
    assert parse_date(cell) == expected


def test_an_empty_date_cell_is_no_date():
    assert parse_date(None) is None
    assert parse_date("  ") is None


def test_a_date_that_is_not_in_the_calendar_is_refused_with_the_value():
    with pytest.raises(ValueError, match=r"'31-02-1985' tidak ada di kalender"):
        parse_date("31-02-1985")
    with pytest.raises(ValueError, match="tidak ada di kalender"):
        parse_date("29 Februari 1973")


def test_text_that_is_no_date_is_refused_with_an_example_of_a_good_one():
    with pytest.raises(ValueError, match="tidak dapat dibaca sebagai tanggal"):
        parse_date("kemarin")
    with pytest.raises(ValueError, match="nama bulan 'xyz' tidak dikenal"):
        parse_date("12 xyz 1980")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("L", "M"), ("l", "M"), ("P", "F"), ("p", "F"),
        ("Laki-laki", "M"), ("LAKI-LAKI", "M"), ("laki laki", "M"), ("Perempuan", "F"),
        ("PEREMPUAN", "F"), ("LK", "M"), ("Lk", "M"), ("PR", "F"), ("pr", "F"),
        ("M", "M"), ("F", "F"), ("m", "M"), ("f", "F"), ("1", "M"), ("2", "F"),
        (1, "M"), (2, "F"), (1.0, "M"), (2.0, "F"), (" P ", "F"), ("L.", "M"),
    ],
)  # fmt: skip
def test_sex_is_understood_in_every_usual_form_and_case(cell, expected):
    assert parse_sex(cell) == expected


def test_an_unknown_sex_value_is_refused_with_the_accepted_forms():
    with pytest.raises(ValueError, match=r"'X' bukan jenis kelamin \(L/P"):
        parse_sex("X")
    assert parse_sex("") is None


@pytest.mark.parametrize(
    "cell",
    [
        "6402064203850003",
        "6402 0642 0385 0003",
        "6402.0642.0385.0003",
        "'6402064203850003",
        " 6402064203850003 ",
        "6402-0642-0385-0003",
    ],
)
def test_nik_loses_spaces_dots_and_a_leading_apostrophe(cell):
    assert parse_identity_number(cell) == "6402064203850003"


def test_nik_in_scientific_notation_is_refused_with_the_excel_explanation():
    with pytest.raises(ValueError) as error:
        parse_identity_number("6.40201E+15")
    message = str(error.value)
    assert "6.40201E+15" in message
    assert "angka ilmiah" in message
    assert "format kolom sebagai teks" in message


def test_nik_stored_as_a_number_whose_last_digit_excel_replaced_by_zero_is_refused():
    with pytest.raises(ValueError, match="digit terakhirnya hilang"):
        parse_identity_number(6402064203850000.0)


def test_kk_number_refusal_names_the_kk_not_the_nik():
    with pytest.raises(ValueError, match=r"^Nomor KK "):
        parse_identity_number("6.40206E+15", label="Nomor KK")


def test_a_numeric_identity_number_that_excel_could_keep_whole_is_read_as_digits():
    # 15 significant digits survive; the refusal is only for a 16-digit number ending in 0.
    assert parse_identity_number(640206420385000) == "640206420385000"
    assert parse_identity_number(None) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Rp 1.500.000", 1_500_000),
        ("Rp1.500.000", 1_500_000),
        ("rp. 1.500.000", 1_500_000),
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1 500 000", 1_500_000),
        ("1500000", 1_500_000),
        (1500000, 1_500_000),
        (1500000.0, 1_500_000),
        ("3", 3),
    ],
)
def test_incomes_are_read_with_rupiah_signs_and_thousand_separators(cell, expected):
    assert parse_whole_number(cell, label="penghasilan") == expected


def test_an_income_that_is_not_a_number_is_refused_naming_the_column():
    with pytest.raises(ValueError, match="penghasilan 'sejuta' bukan angka"):
        parse_whole_number("sejuta", label="penghasilan")
    with pytest.raises(ValueError, match="penghasilan harus bilangan bulat"):
        parse_whole_number(1500.5, label="penghasilan")
    assert parse_whole_number("", label="penghasilan") is None


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("RT 004/RW 002", ("", "004", "002")),
        ("Jl. Pesut RT 004/RW 002", ("Jl. Pesut", "004", "002")),
        ("RT. 4 RW. 2 Jl. Pesut", ("Jl. Pesut", "004", "002")),
        ("rt 031", ("", "031", "")),
        ("Jl. Pesut No. 4", ("Jl. Pesut No. 4", "", "")),
    ],
)
def test_rt_and_rw_are_taken_out_of_the_address(address, expected):
    assert split_rt_rw(address) == expected


def test_phone_numbers_stored_as_numbers_get_their_leading_zero_back():
    assert parse_phone_text(81234567890.0) == "081234567890"
    assert parse_phone_text(6281234567890) == "6281234567890"
    assert parse_phone_text(" 0812-3456-7890 ") == "0812-3456-7890"
    assert parse_phone_text(None) == ""


def test_text_cells_are_trimmed_and_whole_numbers_lose_their_decimal_point():
    assert parse_text("  Siti   Aminah ") == "Siti Aminah"
    assert parse_text(4.0) == "4"
    assert parse_text(None) == ""
