"""Demo data: realistic, deterministic, and acceptable to the same rules as real data."""

import dataclasses
import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lokal.phone import parse_phone

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import DomainError, PermissionDenied
from lindung.regions.selectors import regency_villages
from lindung.registry.cleaning import clean_heirs, clean_worker_values
from lindung.registry.data.sectors import OCCUPATIONS
from lindung.registry.demo import DemoGenerator, seed_demo_workers
from lindung.registry.inputs import HeirInput
from lindung.registry.models import Heir, Sector, Worker, WorkerStatus, WorkerStatusChange
from lindung.registry.names import normalize_name
from lindung.registry.validation import age_on, check_nik

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 5, 6, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2025, 5, 6)
SECTORS = list(OCCUPATIONS)


def _generator(seed=1, **kwargs) -> DemoGenerator:
    return DemoGenerator(
        seed=seed, now=NOW, villages=list(regency_villages()), sector_codes=SECTORS, **kwargs
    )


@pytest.fixture
def seeded(regions):
    seed_demo_workers(actor=None, count=600, seed=3, now=NOW)
    return Worker.objects.select_related("village__parent", "sector")


# -- the generated values pass the real rules --------------------------------------------------


def test_generated_workers_come_out_of_cleaning_unchanged(admin_user):
    for demo in list(_generator().workers(400)):
        cleaned = clean_worker_values(demo.values, actor=admin_user, today=TODAY)
        cleaned["village"], cleaned["sector"] = cleaned["village"].code, cleaned["sector"].code
        assert cleaned.pop("district").code == demo.values["village"].rsplit(".", 1)[0]
        assert cleaned == demo.values | {
            "name_normalized": demo.name_normalized,
            "birth_date_mismatch": demo.birth_date_mismatch,
            "sex_mismatch": demo.sex_mismatch,
        }


def test_generated_heirs_come_out_of_cleaning_unchanged(regions):
    for demo in list(_generator().workers(400)):
        cleaned = clean_heirs([HeirInput(**heir) for heir in demo.heirs], today=TODAY)
        assert [{k: h[k] for k in demo.heirs[0]} for h in cleaned] == demo.heirs


def test_most_generated_workers_agree_with_their_nik_and_a_few_are_flagged(regions):
    workers = list(_generator().workers(2000))
    flagged = [w for w in workers if w.birth_date_mismatch or w.sex_mismatch]
    assert 0 < len(flagged) < 60
    for demo in workers:
        facts = check_nik(demo.values["nik"], declared_birth_date=demo.values["birth_date"])
        assert (facts.birth_date != demo.values["birth_date"]) == demo.birth_date_mismatch
        assert (facts.sex != demo.values["sex"]) == demo.sex_mismatch
        assert demo.status == WorkerStatus.REGISTERED or demo not in flagged


def test_the_same_seed_gives_the_same_workers_and_another_seed_others(regions):
    first = [dataclasses.asdict(w) for w in _generator(seed=5).workers(300)]
    again = [dataclasses.asdict(w) for w in _generator(seed=5).workers(300)]
    other = [dataclasses.asdict(w) for w in _generator(seed=6).workers(300)]
    assert first == again
    assert [w["values"]["nik"] for w in first] != [w["values"]["nik"] for w in other]


def test_new_nik_serials_start_above_those_already_registered(regions):
    village = regency_villages().get(code="64.02.06.1001")
    existing = {"6402064203850007"}
    generator = DemoGenerator(
        seed=1, now=NOW, villages=[village], sector_codes=SECTORS, existing_niks=existing
    )
    assert generator._nik("64.02.06", dt.date(1985, 3, 2), "F") == "6402064203850008"
    assert generator._nik("64.02.06", dt.date(1985, 3, 2), "F") == "6402064203850009"


# -- seeding ----------------------------------------------------------------------------------


def test_seeding_creates_the_workers_with_one_audit_event(seeded):
    assert seeded.count() == 600
    event = AuditEvent.objects.get(action="demo.seed")
    assert (event.actor, event.context) == (None, {"count": 600, "seed": 3})
    assert not AuditEvent.objects.filter(action__startswith="worker.").exists()


def test_seeded_workers_reach_every_village_and_every_sector(seeded):
    assert seeded.values("village").distinct().count() == 237
    assert set(seeded.values_list("sector__code", flat=True)) == set(
        Sector.objects.values_list("code", flat=True)
    )


def test_seeded_workers_follow_the_population_of_the_districts(regions):
    seed_demo_workers(actor=None, count=3000, seed=3, now=NOW)
    per_district = Counter(Worker.objects.values_list("village__parent_id", flat=True))
    assert per_district["64.02.06"] > per_district["64.02.18"] * 4  # Tenggarong vs Muara Wis


def test_seeded_niks_encode_birth_date_sex_and_a_kukar_district(seeded):
    districts = {v.parent_id for v in regency_villages()}
    home = 0
    for worker in seeded:
        facts = check_nik(worker.nik, declared_birth_date=worker.birth_date)
        assert facts.district_code in districts
        assert (facts.birth_date == worker.birth_date) != worker.birth_date_mismatch
        assert (facts.sex == worker.sex) != worker.sex_mismatch
        home += facts.district_code == worker.village.parent_id
    assert home > 0.7 * seeded.count()


def test_seeded_values_stay_in_their_ranges(seeded):
    for worker in seeded:
        assert 18 <= age_on(worker.birth_date, TODAY) <= 70
        assert worker.monthly_income is None or 300_000 <= worker.monthly_income <= 4_000_000
        assert worker.welfare_decile in (None, 1, 2, 3, 4, 5, 6)
        assert worker.source_ref
        assert worker.name_normalized == normalize_name(worker.full_name)
        assert worker.occupation.lower() in OCCUPATIONS[worker.sector.code]
        assert worker.created_at <= NOW
    assert seeded.filter(welfare_decile__isnull=True).exists()
    assert seeded.filter(monthly_income__isnull=True).exists()


def test_seeded_phones_are_valid_indonesian_mobiles(seeded):
    phones = [w.phone for w in seeded if w.phone]
    assert len(phones) > 400
    for phone in phones:
        assert phone.startswith("+628")
        assert parse_phone("0" + phone[3:]).e164 == phone


def test_family_cards_group_one_to_three_workers_of_one_village(seeded):
    families: dict[str, set] = {}
    for worker in seeded:
        families.setdefault(worker.kk_number, set()).add((worker.pk, worker.village_id))
    sizes = Counter(len(members) for members in families.values())
    assert set(sizes) == {1, 2, 3}
    assert all(len({village for _pk, village in m}) == 1 for m in families.values())


def test_names_look_like_kukar(seeded):
    names = [w.full_name for w in seeded]
    assert any(name.startswith(("Siti ", "Sitti ")) for name in names)
    assert any(name.startswith("Nur") for name in names)
    assert any(name.startswith(("Muhammad ", "Moh. ", "Muhamad ")) for name in names)
    assert any(name.startswith(("H. ", "Hj. ")) for name in names)
    for worker in seeded.filter(full_name__startswith="Hj. "):
        assert worker.sex == "F" or worker.sex_mismatch
        assert age_on(worker.birth_date, TODAY) >= 50 or worker.birth_date_mismatch


def test_seeded_heirs_are_zero_to_three_named_and_dated(seeded):
    per_worker = Counter(Heir.objects.values_list("worker_id", flat=True))
    assert set(per_worker.values()) <= {1, 2, 3}
    assert len(per_worker) < seeded.count()  # some workers name no heir
    relationships = set(Heir.objects.values_list("relationship", flat=True))
    assert {"spouse", "child"} <= relationships
    assert not Heir.objects.filter(full_name="").exists()
    assert not Heir.objects.filter(birth_date__isnull=True).exists()
    assert not Heir.objects.filter(birth_date__gt=TODAY).exists()


def test_seeded_statuses_have_their_history(seeded):
    by_status = Counter(seeded.values_list("status", flat=True))
    assert set(by_status) == set(WorkerStatus.values)
    assert (
        by_status[WorkerStatus.REGISTERED]
        > by_status[WorkerStatus.VERIFIED]
        > (by_status[WorkerStatus.INACTIVE])
    )
    for worker in seeded.prefetch_related("status_changes"):
        changes = sorted(worker.status_changes.all(), key=lambda c: (c.changed_at, c.pk))
        assert changes[0].to_status == WorkerStatus.REGISTERED
        assert changes[-1].to_status == worker.status
        assert worker.version == len(changes)
        assert worker.updated_at == changes[-1].changed_at
    assert not seeded.filter(status="inactive", inactive_reason="").exists()
    rejections = WorkerStatusChange.objects.filter(to_status=WorkerStatus.REJECTED)
    assert rejections.exists()
    assert not rejections.filter(note="").exists()


def test_seeding_again_adds_workers_without_colliding(seeded):
    seed_demo_workers(actor=None, count=600, seed=3, now=NOW)
    assert Worker.objects.count() == 1200
    assert Worker.objects.values("nik").distinct().count() == 1200
    assert AuditEvent.objects.filter(action="demo.seed").count() == 2


def test_seeding_without_regions_is_refused_and_leaves_nothing(db):
    with pytest.raises(DomainError):
        seed_demo_workers(actor=None, count=10, seed=1)
    assert Worker.objects.count() == 0
    assert not AuditEvent.objects.exists()


def test_seeding_nothing_is_refused(regions):
    with pytest.raises(DomainError):
        seed_demo_workers(actor=None, count=0, seed=1)
    assert Worker.objects.count() == 0


def test_an_administrator_may_seed_and_is_recorded(admin_user):
    seed_demo_workers(actor=admin_user, count=5, seed=1)
    assert set(Worker.objects.values_list("created_by", flat=True)) == {admin_user.pk}
    assert AuditEvent.objects.get(action="demo.seed").actor == admin_user


@pytest.mark.parametrize("role", ["tenggarong_operator", "leader"])
def test_other_roles_may_not_seed(request, role):
    with pytest.raises(PermissionDenied):
        seed_demo_workers(actor=request.getfixturevalue(role), count=5, seed=1)
    assert Worker.objects.count() == 0


def test_the_command_prints_what_it_created(regions):
    out = io.StringIO()
    call_command("seed_demo", "--workers", "25", "--seed", "9", stdout=out)
    assert out.getvalue().startswith("created=25 seconds=")
    assert Worker.objects.count() == 25


def test_the_command_refuses_without_regions(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--workers", "5", stdout=io.StringIO())
