"""Which village a row means: by code, or by name within its district, never by a guess."""

import pytest

from lindung.imports.places import VillageDirectory

pytestmark = pytest.mark.django_db

JAHAB = "64.02.06.1001"
MANGKURAWANG = "64.02.06.1010"
JEMBAYAN = "64.02.02.2003"
KAMPUNG_BARU_TENGGARONG = "64.02.06.1008"
KAMPUNG_BARU_TABANG = "64.02.12.2008"


@pytest.fixture
def villages(regions):
    return VillageDirectory()


@pytest.mark.parametrize("code", ["64.02.06.1001", "6402061001", " 64.02.06.1001 "])
def test_a_village_is_found_by_its_code_with_or_without_dots(villages, code):
    match = villages.find(code=code.strip())
    assert match.village.code == JAHAB
    assert match.error == ""


def test_an_unknown_village_code_is_refused_naming_it(villages):
    match = villages.find(code="6402999999")
    assert match.village is None
    assert match.error == "kode desa '6402999999' tidak dikenal di kabupaten ini"


def test_the_code_wins_over_a_name_that_disagrees(villages):
    assert villages.find(code=JAHAB, name="Jembayan", district="Loa Kulu").village.code == JAHAB


@pytest.mark.parametrize(
    ("name", "district"),
    [
        ("Jahab", "Tenggarong"),
        ("JAHAB", "TENGGARONG"),
        ("jahab", "tenggarong"),
        ("Desa Jahab", "Kec. Tenggarong"),
        ("Kel. Jahab", "Kecamatan Tenggarong"),
        ("Jahab", "64.02.06"),
    ],
)
def test_a_village_is_found_by_name_within_its_district_in_any_case(villages, name, district):
    assert villages.find(name=name, district=district).village.code == JAHAB


def test_a_small_misspelling_of_the_village_or_district_is_tolerated(villages):
    assert villages.find(name="Mangkurawan", district="Tenggarong").village.code == MANGKURAWANG
    assert villages.find(name="Jembayan", district="Loa Kullu").village.code == JEMBAYAN


def test_a_name_far_from_every_village_of_the_district_is_refused(villages):
    match = villages.find(name="Antah Berantah", district="Tenggarong")
    assert match.village is None
    assert match.error == "desa/kelurahan 'Antah Berantah' tidak ada di Kecamatan Tenggarong"


def test_a_unique_village_name_without_a_district_is_found(villages):
    assert villages.find(name="Jembayan").village.code == JEMBAYAN


def test_a_village_name_found_in_two_districts_without_a_district_is_refused_as_ambiguous(
    villages,
):
    match = villages.find(name="Kampung Baru")
    assert match.village is None
    assert "ada beberapa desa bernama 'Kampung Baru'" in match.error
    assert "Tenggarong" in match.error and "Tabang" in match.error
    assert "isi kolom Kecamatan" in match.error


def test_a_village_name_shared_by_two_districts_is_found_once_the_district_is_given(villages):
    assert villages.find(name="Kampung Baru", district="Tenggarong").village.code == (
        KAMPUNG_BARU_TENGGARONG
    )
    assert villages.find(name="Kampung Baru", district="Tabang").village.code == (
        KAMPUNG_BARU_TABANG
    )


def test_a_village_named_in_the_wrong_district_is_refused_saying_where_it_is(villages):
    match = villages.find(name="Jahab", district="Loa Kulu")
    assert match.village is None
    assert (
        match.error == "desa 'Jahab' tidak ada di Kecamatan Loa Kulu (ada di Kecamatan Tenggarong)"
    )


def test_an_unknown_district_is_refused_naming_it(villages):
    match = villages.find(name="Jahab", district="Atlantis")
    assert match.village is None
    assert match.error == "kecamatan 'Atlantis' tidak dikenal"


def test_a_row_without_any_village_is_refused(villages):
    assert villages.find().error == "desa/kelurahan kosong"
