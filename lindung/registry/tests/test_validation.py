"""The checks that know Indonesia: NIK, KK, phone numbers and ages (FACTS §4)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from lindung.registry.validation import (
    NikFacts,
    age_on,
    check_kk_number,
    check_nik,
    check_phone,
    check_worker_birth_date,
)

WOMAN_NIK = "6402064203850003"  # Tenggarong, 2 March 1985 (day 42), serial 0003


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _refusal(check, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as error:
        check(*args, **kwargs)
    return " ".join(error.value.messages)


# -- NIK --------------------------------------------------------------------------------------


def test_a_womans_nik_decodes_to_her_birth_date_with_forty_taken_off_the_day():
    assert check_nik(WOMAN_NIK) == NikFacts(
        nik=WOMAN_NIK, birth_date=dt.date(1985, 3, 2), sex="F", district_code="64.02.06"
    )


def test_a_mans_nik_decodes_the_day_as_written():
    facts = check_nik("6402021508700001")
    assert (facts.birth_date, facts.sex, facts.district_code) == (
        dt.date(1970, 8, 15),
        "M",
        "64.02.02",
    )


def test_day_41_is_the_first_of_the_month_for_a_woman():
    facts = check_nik("6402064101900001")
    assert (facts.birth_date, facts.sex) == (dt.date(1990, 1, 1), "F")


@pytest.mark.parametrize(
    "typed",
    [
        "6402 0642 0385 0003",
        "6402.0642.0385.0003",
        "6402-0642-0385-0003",
        "'6402064203850003",  # the apostrophe Excel users type to keep a number as text
        "  6402064203850003  ",
    ],
)
def test_spaces_dots_dashes_and_the_excel_apostrophe_are_stripped(typed):
    assert check_nik(typed).nik == WOMAN_NIK


@pytest.mark.parametrize(("nik", "count"), [("640206420385000", 15), ("64020642038500031", 17)])
def test_a_nik_of_the_wrong_length_is_refused_with_its_digit_count(nik, count):
    assert f"this one has {count}" in _refusal(check_nik, nik)


def test_a_nik_with_letters_is_refused():
    assert "digits only" in _refusal(check_nik, "64020642O3850003")


@pytest.mark.parametrize("typed", ["", "   ", "--"])
def test_an_empty_nik_is_refused_as_missing(typed):
    assert "required" in _refusal(check_nik, typed)


def test_a_nik_with_an_unknown_province_is_refused():
    assert "99" in _refusal(check_nik, "9902064203850003")


def test_a_nik_with_an_unknown_regency_is_refused():
    assert "64.99" in _refusal(check_nik, "6499064203850003")


def test_a_nik_from_another_regency_of_indonesia_is_accepted():
    # People move: a worker in Kukar may hold a NIK issued in Samarinda (64.72).
    assert check_nik("6472064203850003").district_code == "64.72.06"


def test_an_unknown_district_code_is_not_an_error():
    # District codes change when districts split; the NIK keeps the old one.
    assert check_nik("6402994203850003").district_code == "64.02.99"


def test_serial_0000_is_refused():
    assert "0000" in _refusal(check_nik, "6402064203850000")


@pytest.mark.parametrize(
    ("nik", "encoded"),
    [
        ("6402063203850003", "32-03-85"),  # day 32
        ("6402067203850003", "72-03-85"),  # a woman's day 32
        ("6402061213850003", "12-13-85"),  # month 13
        ("6402060003850003", "00-03-85"),  # day 0
        ("6402064003850003", "40-03-85"),  # day 40: neither a man's day nor a woman's
        ("6402063002850003", "30-02-85"),  # 30 February
        ("6402062902850003", "29-02-85"),  # 29 February in a year that is not a leap year
    ],
)
def test_a_nik_encoding_an_impossible_birth_date_is_refused(nik, encoded):
    assert encoded in _refusal(check_nik, nik)


def test_29_february_of_a_leap_year_is_accepted():
    assert check_nik("6402062902840003").birth_date == dt.date(1984, 2, 29)


def test_a_2005_birth_decodes_as_2005_not_1905():
    assert check_nik("6402061208050001").birth_date == dt.date(2005, 8, 12)


def test_a_2005_birth_decodes_as_2005_when_the_declared_date_agrees():
    facts = check_nik("6402061208050001", declared_birth_date=dt.date(2005, 8, 12))
    assert facts.birth_date == dt.date(2005, 8, 12)


def test_the_declared_birth_date_chooses_the_century():
    facts = check_nik("6402061208050001", declared_birth_date=dt.date(1905, 8, 12))
    assert facts.birth_date == dt.date(1905, 8, 12)


def test_a_declared_date_of_another_year_does_not_change_the_decoded_century():
    facts = check_nik("6402061208050001", declared_birth_date=dt.date(2004, 8, 12))
    assert facts.birth_date == dt.date(2005, 8, 12)


def test_a_two_digit_year_after_this_year_belongs_to_the_last_century():
    facts = check_nik("6402061506990001")
    assert facts.birth_date == dt.date(1999, 6, 15)


def test_an_encoded_date_later_this_year_is_a_century_ago_not_in_the_future():
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    if tomorrow.year != dt.date.today().year:
        pytest.skip("on 31 December no later day of this year exists")
    nik = f"640206{tomorrow:%d%m%y}0001"
    assert check_nik(nik).birth_date == tomorrow.replace(year=tomorrow.year - 100)


@pytest.mark.parametrize("typed", ["6.40206E+15", "6,40206E+15", "6.40206e+15", "6.40206E15"])
def test_a_nik_turned_into_scientific_notation_by_excel_is_refused_with_the_excel_message(typed):
    message = _refusal(check_nik, typed)
    assert "Excel" in message
    assert typed in message


# -- KK ---------------------------------------------------------------------------------------


def test_a_kk_number_is_cleaned_to_its_sixteen_digits():
    assert check_kk_number("6402 0610 0323 0009") == "6402061003230009"


def test_an_empty_kk_number_is_allowed():
    assert check_kk_number("") == ""


@pytest.mark.parametrize("kk", ["640206100323000", "64020610032300091", "64020610O3230009"])
def test_a_kk_number_that_is_not_sixteen_digits_is_refused(kk):
    assert "16 digits" in _refusal(check_kk_number, kk)


def test_a_kk_number_with_an_unknown_province_is_refused():
    assert "99" in _refusal(check_kk_number, "9902061003230009")


def test_a_kk_number_in_scientific_notation_is_refused_with_the_excel_message():
    assert "Excel" in _refusal(check_kk_number, "6.40206E+15")


# -- phone ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "0812-3456-7890",
        "081234567890",
        "0812 3456 7890",
        "+62 812 3456 7890",
        "+6281234567890",
        "6281234567890",
        "81234567890",
    ],
)
def test_every_way_of_writing_a_mobile_number_becomes_plus_62(typed):
    assert check_phone(typed) == "+6281234567890"


def test_a_landline_number_is_accepted_with_its_area_code():
    assert check_phone("0541-123456") == "+62541123456"


def test_an_empty_phone_is_allowed():
    assert check_phone("") == ""


@pytest.mark.parametrize("typed", ["12345", "0812", "phone", "+1 202 555 0100"])
def test_something_that_is_not_an_indonesian_phone_number_is_refused(typed):
    assert typed in _refusal(check_phone, typed)


# -- birth date and age -----------------------------------------------------------------------

TODAY = dt.date(2025, 5, 6)


def test_age_counts_whole_years_up_to_the_birthday():
    assert age_on(dt.date(1985, 5, 6), TODAY) == 40
    assert age_on(dt.date(1985, 5, 7), TODAY) == 39


def test_a_birth_date_in_the_future_is_refused():
    assert "future" in _refusal(check_worker_birth_date, dt.date(2025, 5, 7), today=TODAY)


def test_a_worker_under_fifteen_is_refused_with_the_age_and_the_minimum():
    message = _refusal(check_worker_birth_date, dt.date(2010, 5, 7), today=TODAY)
    assert "14" in message
    assert "15" in message


def test_a_worker_who_turns_fifteen_today_is_accepted():
    assert check_worker_birth_date(dt.date(2010, 5, 6), today=TODAY) == dt.date(2010, 5, 6)


@override_settings(LINDUNG_MIN_WORKER_AGE=18)
def test_the_minimum_age_is_a_setting():
    assert "18" in _refusal(check_worker_birth_date, dt.date(2010, 5, 6), today=TODAY)
