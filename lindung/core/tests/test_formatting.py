"""Dates, money and identity numbers as people in Kukar read them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from lindung.core.formatting import (
    format_date,
    format_datetime,
    format_money,
    mask_identity_number,
    mask_phone,
)


@pytest.fixture
def indonesian():
    with translation.override("id"):
        yield


def test_a_date_is_written_day_month_year_in_indonesian(indonesian):
    assert format_date(dt.date(2025, 5, 6)) == "6 Mei 2025"


@pytest.mark.parametrize(("month", "name"), [(1, "Januari"), (8, "Agustus"), (12, "Desember")])
def test_every_month_has_its_indonesian_name(indonesian, month, name):
    assert format_date(dt.date(2025, month, 17)) == f"17 {name} 2025"


def test_a_date_is_written_in_english_when_the_page_is_english():
    with translation.override("en"):
        assert format_date(dt.date(2025, 5, 6)) == "6 May 2025"


def test_an_aware_datetime_is_shown_in_kukar_time(indonesian):
    # 23:30 UTC on 5 May is 07:30 on 6 May in Kukar (WITA, UTC+8).
    moment = dt.datetime(2025, 5, 5, 23, 30, tzinfo=dt.UTC)
    assert format_date(moment) == "6 Mei 2025"
    assert format_datetime(moment) == "6 Mei 2025 07.30"


def test_nothing_formats_as_an_empty_string():
    assert (format_date(None), format_datetime(None), format_money(None)) == ("", "", "")


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (16_800, "Rp16.800"),
        (1_000_000, "Rp1.000.000"),
        (0, "Rp0"),
        (500, "Rp500"),
        (Decimal("42000000"), "Rp42.000.000"),
    ],
)
def test_money_is_rupiah_with_dots_between_thousands(amount, written):
    assert format_money(amount) == written


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("6402064203850003", "6402********0003"),
        ("6402061003230009", "6402********0009"),
        ("12345678", "********"),
        ("123456789", "1234*6789"),
        ("", ""),
        (None, ""),
    ],
)
def test_an_identity_number_shows_only_region_and_serial(number, masked):
    assert mask_identity_number(number) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+6281234567890", "+62812****7890"),
        ("+62541123456", "+62541**3456"),
        ("12345678", "********"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_phone_number_shows_only_operator_prefix_and_last_digits(phone, masked):
    assert mask_phone(phone) == masked
