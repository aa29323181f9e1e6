"""Each condition of the rules at its boundary, over workers stored in the registry."""

import datetime as dt

import pytest

from lindung.eligibility.evaluation import criteria_for, evaluated_workers
from lindung.eligibility.models import RuleVersion
from lindung.eligibility.reasons import Reason, describe
from lindung.eligibility.tests.conftest import ON, UMK_2026
from lindung.regions.models import Region
from lindung.registry.models import Sector, WorkerStatus

pytestmark = pytest.mark.django_db


def _evaluate(version: RuleVersion, on: dt.date = ON) -> dict[int, dict]:
    return {row["w"]: row for row in evaluated_workers(criteria_for(version, on))}


def _reasons(version, worker, on=ON) -> set[Reason]:
    mask = _evaluate(version, on)[worker.pk]["r"]
    return {reason for reason in Reason if mask & reason}


def test_a_worker_meeting_every_condition_has_no_reason(rules, make_worker):
    worker = make_worker()

    row = _evaluate(rules)[worker.pk]

    assert (row["r"], row["age"], row["dec"], row["inc"]) == (0, 41, 3, 1_500_000)


def test_age_65_on_the_reference_date_is_inside_the_window_and_66_is_not(rules, make_worker):
    sixty_five = make_worker(birth_date=dt.date(1960, 7, 2))  # 66 on 2 July 2026
    sixty_six = make_worker(birth_date=dt.date(1960, 7, 1))  # 66 on the reference date

    rows = _evaluate(rules)

    assert (rows[sixty_five.pk]["r"], rows[sixty_five.pk]["age"]) == (0, 65)
    assert (rows[sixty_six.pk]["r"], rows[sixty_six.pk]["age"]) == (Reason.TOO_OLD, 66)


def test_age_18_on_the_reference_date_is_inside_the_window_and_17_is_not(rules, make_worker):
    eighteen = make_worker(birth_date=dt.date(2008, 7, 1))
    seventeen = make_worker(birth_date=dt.date(2008, 7, 2))

    assert _reasons(rules, eighteen) == set()
    assert _reasons(rules, seventeen) == {Reason.TOO_YOUNG}


def test_welfare_decile_at_the_limit_passes_above_or_unknown_does_not(rules, make_worker):
    at_limit = make_worker(welfare_decile=4)
    above = make_worker(welfare_decile=5)
    unknown = make_worker(welfare_decile=None)

    assert _reasons(rules, at_limit) == set()
    assert _reasons(rules, above) == {Reason.DECILE_TOO_HIGH}
    assert _reasons(rules, unknown) == {Reason.DECILE_UNKNOWN}


def test_no_decile_limit_lets_every_decile_through(rules, make_worker):
    RuleVersion.objects.filter(pk=rules.pk).update(max_welfare_decile=None)
    rules.refresh_from_db()

    assert _reasons(rules, make_worker(welfare_decile=9)) == set()


def test_income_at_the_umk_is_not_below_it(rules, make_worker):
    below = make_worker(monthly_income=UMK_2026 - 1)
    at_umk = make_worker(monthly_income=UMK_2026)
    unknown = make_worker(monthly_income=None)

    assert _reasons(rules, below) == set()
    assert _reasons(rules, at_umk) == {Reason.INCOME_TOO_HIGH}
    assert _reasons(rules, unknown) == {Reason.INCOME_UNKNOWN}


def test_the_umk_of_the_reference_year_is_the_limit(rules, make_worker):
    worker = make_worker(monthly_income=3_800_000)  # above UMK 2025, below UMK 2026

    assert _reasons(rules, worker, on=dt.date(2025, 12, 1)) == {Reason.INCOME_TOO_HIGH}
    assert _reasons(rules, worker, on=dt.date(2026, 1, 1)) == set()


def test_a_village_outside_the_regency_is_not_residence_though_the_nik_says_kukar(
    rules, make_worker
):
    _samarinda_village()
    moved = make_worker(village_id="64.72.01.1001", district_id="64.72.01")

    assert moved.nik.startswith("640206")
    assert _reasons(rules, moved) == {Reason.NOT_RESIDENT}


def _samarinda_village() -> None:
    levels = [("64.72", "Kota Samarinda", 2, "kota"), ("64.72.01", "Palaran", 3, "kecamatan")]
    levels.append(("64.72.01.1001", "Rawa Makmur", 4, "kelurahan"))
    for code, name, level, kind in levels:
        parent = code.rsplit(".", 1)[0]
        Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "kind": kind, "parent_id": parent}
        )


def test_a_sector_not_included_is_a_reason(rules, make_worker):
    RuleVersion.objects.filter(pk=rules.pk).update(sector_codes=["perikanan", "pertanian"])
    rules.refresh_from_db()
    farmer = make_worker()
    trader = make_worker(sector=Sector.objects.get(code="usaha-kecil"))

    assert _reasons(rules, farmer) == set()
    assert _reasons(rules, trader) == {Reason.SECTOR_EXCLUDED}


def test_an_inactive_or_rejected_worker_is_not_eligible(rules, make_worker):
    inactive = make_worker(status=WorkerStatus.INACTIVE, inactive_reason="deceased")
    verified = make_worker(status=WorkerStatus.VERIFIED)

    assert _reasons(rules, inactive) == {Reason.NOT_ACTIVE_IN_REGISTRY}
    assert _reasons(rules, verified) == set()


def test_several_reasons_are_all_given_in_indonesian(rules, make_worker):
    worker = make_worker(birth_date=dt.date(1959, 1, 10), welfare_decile=7, monthly_income=None)
    row = _evaluate(rules)[worker.pk]

    text = describe(
        row["r"], criteria_for(rules, ON).limits, age=row["age"], decile=row["dec"],
        income=row["inc"],
    )  # fmt: skip

    assert text == (
        "tidak memenuhi: umur 67 tahun, batas 65; desil kesejahteraan 7, batas 4; "
        "penghasilan tidak diketahui"
    )


def test_an_income_above_the_limit_is_written_in_rupiah(rules):
    limits = criteria_for(rules, ON).limits

    text = describe(Reason.INCOME_TOO_HIGH, limits, age=40, decile=2, income=4_250_000)

    assert text == "tidak memenuhi: penghasilan Rp4.250.000 sebulan, harus di bawah Rp3.991.797"
    assert describe(0, limits, age=40, decile=2, income=1) == "memenuhi"
