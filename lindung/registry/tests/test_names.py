"""Name normalisation: what search and duplicate matching compare."""

import pytest

from lindung.registry.names import clean_display_name, normalize_name


@pytest.mark.parametrize(
    "written",
    [
        "Muhammad Ali",
        "Moh. Ali",
        "Moh Ali",
        "Muh. Ali",
        "Muhamad Ali",
        "Mohammad Ali",
        "Mochammad Ali",
        "Mohd. Ali",
        "M0h. Ali".replace("0", "o"),
        "MUHAMMAD ALI",
    ],
)
def test_the_ways_of_writing_muhammad_all_normalise_to_muhammad(written):
    assert normalize_name(written) == "muhammad ali"


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("H. Ahmad Yani", "ahmad yani"),
        ("Hj. Siti Nurjannah", "siti nurjannah"),
        ("Haji Baharuddin", "baharuddin"),
        ("Hajjah Fatimah", "fatimah"),
        ("Dr. Ir. H. Sulaiman", "sulaiman"),
        ("Drs. Bambang", "bambang"),
    ],
)
def test_honorifics_before_the_name_are_dropped(written, normalized):
    assert normalize_name(written) == normalized


def test_an_honorific_alone_is_kept_rather_than_leaving_nothing():
    assert normalize_name("H.") == "h"


def test_a_title_inside_the_name_is_kept():
    # Only leading honorifics go: `Ir` after the given name may be part of the name.
    assert normalize_name("Ahmad H. Yani") == "ahmad h yani"


def test_case_and_repeated_spaces_do_not_matter():
    assert normalize_name("  SITI   aminah ") == "siti aminah"


def test_st_is_siti():
    assert normalize_name("St. Aminah") == "siti aminah"


def test_accents_are_removed():
    assert normalize_name("Désirée Müller") == "desiree muller"


def test_apostrophes_join_the_word():
    assert normalize_name("Ma'ruf Amin") == "maruf amin"


def test_digits_and_punctuation_are_dropped():
    assert normalize_name("Budi, S.Pd (2)") == "budi s pd"


def test_a_name_without_letters_normalises_to_nothing():
    assert normalize_name("123 -- ..") == ""


def test_the_display_name_keeps_spelling_and_case_and_only_collapses_spaces():
    assert clean_display_name("  Hj.  Siti   NURJANNAH ") == "Hj. Siti NURJANNAH"
