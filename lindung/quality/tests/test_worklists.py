"""Each worklist holds exactly the workers it should, and a fixed record leaves it."""

import datetime as dt

import pytest
from lokal.phone import parse_phone

from conftest import LOA_KULU_VILLAGE, TENGGARONG_OTHER_VILLAGE, TENGGARONG_VILLAGE
from lindung.quality.selectors import quality_summary, worklist_workers
from lindung.quality.worklists import WORKLISTS, years_before
from lindung.regions.models import Region
from lindung.regions.services import set_region_validity
from lindung.registry.inputs import HeirInput
from lindung.registry.models import Worker, WorkerStatus
from lindung.registry.services import update_worker
from lindung.registry.validation import check_phone

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)
KK = "6402060101200001"
OTHER_KK = "6402060101200002"


def listed(user, code: str, **filters) -> set[str]:
    return {w.full_name for w in worklist_workers(user, code, today=TODAY, **filters)}


def total(user, code: str) -> int:
    summary = quality_summary(user, today=TODAY)
    return next(c.total for c in summary.worklists if c.worklist.code == code)


def test_every_worklist_has_titles_and_an_explanation_with_its_thresholds_filled_in():
    assert len(WORKLISTS) == 8
    for worklist in WORKLISTS.values():
        assert worklist.title_id and str(worklist.title) and str(worklist.short_title)
        assert "%(" not in worklist.explanation_text()
    assert "18" in WORKLISTS["age_outside_window"].explanation_text()
    assert "65" in WORKLISTS["age_outside_window"].explanation_text()


def test_nik_mismatch_lists_workers_whose_birth_date_or_sex_disagrees_with_the_nik(
    admin_user, make_worker, set_status
):
    make_worker(full_name="Cocok")
    # The NIK says 17 May 1980 and male; the declared values say otherwise.
    make_worker(full_name="Tanggal Beda", nik="6402061705800091", birth_date=dt.date(1980, 5, 18))
    make_worker(
        full_name="Kelamin Beda", nik="6402061705800092", birth_date=dt.date(1980, 5, 17), sex="F"
    )
    inactive = make_worker(full_name="Tidak Aktif", nik="6402061705800093", sex="F")
    set_status(inactive, WorkerStatus.INACTIVE, "moved_away")

    assert listed(admin_user, "nik_mismatch") == {"Tanggal Beda", "Kelamin Beda", "Tidak Aktif"}
    assert total(admin_user, "nik_mismatch") == 3


def test_age_window_is_inclusive_on_both_ends_on_the_given_day(admin_user, make_worker, set_status):
    make_worker(full_name="Tepat 18", birth_date=dt.date(2008, 11, 21))
    make_worker(full_name="Kurang Sehari", birth_date=dt.date(2008, 11, 22))
    make_worker(full_name="Masih 65", birth_date=dt.date(1960, 11, 22))
    make_worker(full_name="Sudah 66", birth_date=dt.date(1960, 11, 21))
    old_but_inactive = make_worker(full_name="Tua Tidak Aktif", birth_date=dt.date(1950, 1, 1))
    set_status(old_but_inactive, WorkerStatus.INACTIVE, "withdrew")

    assert listed(admin_user, "age_outside_window") == {"Kurang Sehari", "Sudah 66"}


def test_age_window_follows_the_setting(admin_user, make_worker, settings):
    settings.LINDUNG_PROGRAMME_AGE_WINDOW = (17, 70)
    make_worker(full_name="Tujuh Belas", birth_date=dt.date(2009, 1, 1))
    make_worker(full_name="Enam Puluh Enam", birth_date=dt.date(1960, 1, 1))
    make_worker(full_name="Tujuh Puluh Satu", birth_date=dt.date(1955, 1, 1))
    assert listed(admin_user, "age_outside_window") == {"Tujuh Puluh Satu"}


def test_a_year_before_29_february_is_the_28th():
    assert years_before(dt.date(2028, 2, 29), 18) == dt.date(2010, 2, 28)
    assert years_before(dt.date(2026, 11, 21), 18) == dt.date(2008, 11, 21)


def test_phone_list_holds_missing_landline_and_malformed_numbers_but_not_mobiles(
    admin_user, make_worker
):
    make_worker(full_name="Seluler", phone="0812-3456-7890")
    make_worker(full_name="Tanpa HP", phone="")
    make_worker(full_name="Telepon Rumah", phone="(0541) 123456")
    legacy = make_worker(full_name="Data Lama")
    # A number stored before today's rules (the form would refuse it now).
    Worker.objects.filter(pk=legacy.pk).update(phone="+62812")

    assert listed(admin_user, "phone_missing_or_invalid") == {
        "Tanpa HP",
        "Telepon Rumah",
        "Data Lama",
    }


@pytest.mark.parametrize(
    "number",
    ["0812-3456-7890", "0812345678", "0812345678901", "0888 1234 5678", "+62 21 555 1234",
     "0541-123456", "62811223344"],
)  # fmt: skip
def test_phone_list_agrees_with_the_registry_on_what_a_mobile_number_is(
    admin_user, make_worker, number
):
    make_worker(full_name="Pemilik", phone=number)
    is_mobile = parse_phone(check_phone(number)).type == "mobile"
    assert listed(admin_user, "phone_missing_or_invalid") == (set() if is_mobile else {"Pemilik"})


def test_no_heir_lists_funded_workers_without_heirs_and_an_added_heir_removes_them(
    admin_user, make_worker, set_status
):
    make_worker(full_name="Punya Ahli Waris")
    lonely = make_worker(full_name="Tanpa Ahli Waris", heirs=[])
    gone = make_worker(full_name="Pindah", heirs=[])
    set_status(gone, WorkerStatus.INACTIVE, "moved_away")
    assert listed(admin_user, "no_heir") == {"Tanpa Ahli Waris"}
    assert total(admin_user, "no_heir") == 1

    update_worker(
        actor=admin_user,
        worker_id=lonely.pk,
        expected_version=lonely.version,
        changes={},
        heirs=[HeirInput(full_name="Sri Wahyuni", relationship="spouse")],
    )

    assert listed(admin_user, "no_heir") == set()
    assert total(admin_user, "no_heir") == 0


def test_crowded_kk_lists_every_funded_worker_of_a_kk_shared_by_more_than_four(
    admin_user, make_worker, set_status
):
    for n in range(5):
        make_worker(full_name=f"Keluarga Besar {n}", kk_number=KK)
    for n in range(4):
        make_worker(full_name=f"Keluarga Kecil {n}", kk_number=OTHER_KK)
    left = make_worker(full_name="Keluarga Kecil Pindah", kk_number=OTHER_KK)
    set_status(left, WorkerStatus.INACTIVE, "moved_away")
    make_worker(full_name="Tanpa KK", kk_number="")

    workers = list(worklist_workers(admin_user, "crowded_kk", today=TODAY))

    assert [w.full_name for w in workers] == [f"Keluarga Besar {n}" for n in range(5)]
    assert {w.kk_number for w in workers} == {KK}
    assert total(admin_user, "crowded_kk") == 5


def test_crowded_kk_threshold_is_a_setting(admin_user, make_worker, settings):
    settings.LINDUNG_QUALITY_MAX_WORKERS_PER_KK = 3
    for n in range(4):
        make_worker(full_name=f"Keluarga {n}", kk_number=KK)
    assert len(listed(admin_user, "crowded_kk")) == 4


def test_shared_phone_lists_workers_of_a_number_used_by_more_than_three(admin_user, make_worker):
    for n in range(4):
        make_worker(full_name=f"Satu Nomor {n}", phone="0812-1111-2222")
    for n in range(3):
        make_worker(full_name=f"Nomor Lain {n}", phone="0812-3333-4444")
    assert listed(admin_user, "shared_phone") == {f"Satu Nomor {n}" for n in range(4)}


def test_a_worker_made_active_after_a_recorded_death_is_listed_until_verified(
    admin_user, make_worker, set_status
):
    make_worker(full_name="Hidup")
    dead = make_worker(full_name="Sudah Meninggal")
    set_status(dead, WorkerStatus.INACTIVE, "deceased")
    back = make_worker(full_name="Aktif Lagi")
    set_status(back, WorkerStatus.INACTIVE, "deceased")
    set_status(back, WorkerStatus.REGISTERED)
    moved_back = make_worker(full_name="Pulang Kampung")
    set_status(moved_back, WorkerStatus.INACTIVE, "moved_away")
    set_status(moved_back, WorkerStatus.REGISTERED)

    # Deceased with nothing open is where a deceased worker belongs: not listed.
    assert listed(admin_user, "deceased_open_records") == {"Aktif Lagi"}

    set_status(back, WorkerStatus.VERIFIED)

    assert listed(admin_user, "deceased_open_records") == set()
    assert total(admin_user, "deceased_open_records") == 0


def test_village_left_regency_lists_funded_workers_of_an_expired_village(
    admin_user, make_worker, set_status
):
    make_worker(full_name="Tetap", village=TENGGARONG_OTHER_VILLAGE)
    make_worker(full_name="Desa Pindah")
    inactive = make_worker(full_name="Desa Pindah Tidak Aktif")
    set_status(inactive, WorkerStatus.INACTIVE, "moved_away")
    set_region_validity(actor=admin_user, code=TENGGARONG_VILLAGE, valid_from=None, valid_to=TODAY)
    # Valid until today, inclusive: still in the regency.
    assert listed(admin_user, "village_left_regency") == set()

    set_region_validity(
        actor=admin_user,
        code=TENGGARONG_VILLAGE,
        valid_from=None,
        valid_to=TODAY - dt.timedelta(days=1),
    )

    assert listed(admin_user, "village_left_regency") == {"Desa Pindah"}


def test_village_left_regency_follows_its_district_and_a_new_parent(admin_user, make_worker):
    make_worker(full_name="Loa Kulu", village=LOA_KULU_VILLAGE)
    make_worker(full_name="Jahab")
    make_worker(full_name="Loa Ipuh", village=TENGGARONG_OTHER_VILLAGE)
    set_region_validity(
        actor=admin_user, code="64.02.02", valid_from=None, valid_to=dt.date(2026, 1, 1)
    )
    # Jahab now hangs under a district of another regency (Samarinda's Palaran).
    samarinda = Region.objects.create(
        code="64.72", name="Samarinda", level=2, kind="kota", parent_id="64"
    )
    Region.objects.create(
        code="64.72.01", name="Palaran", level=3, kind="kecamatan", parent=samarinda
    )
    Region.objects.filter(code=TENGGARONG_VILLAGE).update(parent_id="64.72.01")

    assert listed(admin_user, "village_left_regency") == {"Loa Kulu", "Jahab"}


def test_fixing_a_phone_through_the_registry_takes_the_worker_off_the_list_and_the_count(
    admin_user, make_worker
):
    worker = make_worker(full_name="Nomor Kosong", phone="")
    make_worker(full_name="Juga Kosong", phone="")
    assert total(admin_user, "phone_missing_or_invalid") == 2

    update_worker(
        actor=admin_user,
        worker_id=worker.pk,
        expected_version=worker.version,
        changes={"phone": "0813-5555-6666"},
    )

    assert listed(admin_user, "phone_missing_or_invalid") == {"Juga Kosong"}
    assert total(admin_user, "phone_missing_or_invalid") == 1
