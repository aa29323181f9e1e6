"""Loading Kukar's regions, and the validity dates that let an area leave the regency."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import DomainError, NotFound, PermissionDenied
from lindung.regions.models import Region
from lindung.regions.selectors import normalize_code, regency_districts, regency_villages
from lindung.regions.services import LoadResult, load_regions, set_region_validity

pytestmark = pytest.mark.django_db

SAMBOJA_VILLAGE = "64.02.13.1007"  # Sungai Seluang


def test_loading_creates_the_province_the_regency_20_districts_and_237_villages(regions):
    counts = Counter(Region.objects.values_list("level", flat=True))
    assert counts == {
        Region.Level.PROVINCE: 1,
        Region.Level.REGENCY: 1,
        Region.Level.DISTRICT: 20,
        Region.Level.VILLAGE: 237,
    }
    assert Region.objects.get(code="64.02").name == "Kabupaten Kutai Kartanegara"
    assert Region.objects.get(code="64.02.06").parent_id == "64.02"
    event = AuditEvent.objects.get(action="regions.load")
    assert (event.actor, event.object_id) == (None, "64.02")
    assert event.context == {"created": 259, "updated": 0, "whole_country": False}


def test_kukar_has_193_desa_and_44_kelurahan(regions):
    kinds = Counter(
        Region.objects.filter(level=Region.Level.VILLAGE).values_list("kind", flat=True)
    )
    assert kinds == {Region.Kind.DESA: 193, Region.Kind.KELURAHAN: 44}


def test_loading_again_changes_nothing_and_writes_no_event(regions):
    events_before = AuditEvent.objects.count()
    assert load_regions(regency_code="64.02") == LoadResult(created=0, updated=0, unchanged=259)
    assert AuditEvent.objects.count() == events_before


def test_the_command_reports_what_it_did(regions):
    out = io.StringIO()
    call_command("load_regions", stdout=out)
    assert out.getvalue() == "created=0 updated=0 unchanged=259\n"


def test_loading_again_corrects_a_changed_name(regions):
    Region.objects.filter(code="64.02.06.1001").update(name="Jahab Lama")
    assert load_regions(regency_code="64.02") == LoadResult(created=0, updated=1, unchanged=258)
    assert Region.objects.get(code="64.02.06.1001").name == "Jahab"
    assert AuditEvent.objects.filter(action="regions.load").count() == 2


def test_loading_again_keeps_validity_dates(regions, admin_user):
    set_region_validity(
        actor=admin_user,
        code=SAMBOJA_VILLAGE,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2025, 12, 31),
    )
    load_regions(regency_code="64.02")
    village = Region.objects.get(code=SAMBOJA_VILLAGE)
    assert (village.valid_from, village.valid_to) == (dt.date(2020, 1, 1), dt.date(2025, 12, 31))


def test_an_unknown_regency_code_is_refused(db):
    with pytest.raises(NotFound):
        load_regions(regency_code="64.99")
    with pytest.raises(NotFound):
        load_regions(regency_code="64.02.06")  # a district, not a regency
    assert Region.objects.count() == 0


def test_a_village_label_names_its_district(regions):
    assert Region.objects.get(code="64.02.06.1001").label == "Jahab, Kec. Tenggarong"
    assert Region.objects.get(code="64.02.06").label == "Tenggarong"


def test_the_eight_village_names_that_repeat_are_told_apart_by_their_label(regions):
    villages = Region.objects.filter(level=Region.Level.VILLAGE).select_related("parent")
    repeated = {name for name, n in Counter(v.name for v in villages).items() if n > 1}
    assert len(repeated) == 8
    assert "Sumber Sari" in repeated
    labels = [v.label for v in villages if v.name in repeated]
    assert len(labels) == 17  # one of the eight names is carried by three villages
    assert len(set(labels)) == len(labels)
    assert len({v.label for v in villages}) == 237


def test_setting_validity_is_audited(regions, admin_user):
    region = set_region_validity(
        actor=admin_user, code=SAMBOJA_VILLAGE, valid_from=None, valid_to=dt.date(2025, 12, 31)
    )
    assert Region.objects.get(code=SAMBOJA_VILLAGE).valid_to == dt.date(2025, 12, 31)
    assert region.valid_to == dt.date(2025, 12, 31)
    event = AuditEvent.objects.get(action="region.validity")
    assert (event.actor, event.object_type, event.object_id) == (
        admin_user,
        "region",
        SAMBOJA_VILLAGE,
    )
    assert event.changes == {"valid_from": [None, None], "valid_to": [None, "2025-12-31"]}


def test_an_end_before_the_start_is_refused_and_changes_nothing(regions, admin_user):
    events_before = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        set_region_validity(
            actor=admin_user,
            code=SAMBOJA_VILLAGE,
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2024, 12, 31),
        )
    village = Region.objects.get(code=SAMBOJA_VILLAGE)
    assert (village.valid_from, village.valid_to) == (None, None)
    assert AuditEvent.objects.count() == events_before


def test_validity_of_an_unknown_region_is_refused(regions, admin_user):
    with pytest.raises(NotFound):
        set_region_validity(
            actor=admin_user, code="64.02.99.9999", valid_from=None, valid_to=dt.date(2025, 1, 1)
        )


@pytest.mark.parametrize("role", ["tenggarong_operator", "leader", "verifier"])
def test_only_an_administrator_sets_validity(request, regions, role):
    user = request.getfixturevalue(role)
    events_before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        set_region_validity(
            actor=user, code=SAMBOJA_VILLAGE, valid_from=None, valid_to=dt.date(2025, 1, 1)
        )
    assert Region.objects.get(code=SAMBOJA_VILLAGE).valid_to is None
    assert AuditEvent.objects.count() == events_before


def test_an_area_that_left_the_regency_drops_out_of_current_lists_only(regions, admin_user):
    set_region_validity(
        actor=admin_user, code="64.02.13", valid_from=None, valid_to=dt.date(2024, 12, 31)
    )
    set_region_validity(
        actor=admin_user, code=SAMBOJA_VILLAGE, valid_from=None, valid_to=dt.date(2024, 12, 31)
    )
    assert regency_districts().count() == 19
    assert regency_districts(include_expired=True).count() == 20
    assert regency_villages().count() == 236
    assert regency_villages(include_expired=True).count() == 237
    assert regency_villages(district_code="64.02.13").count() == 12


def test_an_area_that_joins_later_is_not_current_yet(regions, admin_user):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    set_region_validity(actor=admin_user, code=SAMBOJA_VILLAGE, valid_from=tomorrow, valid_to=None)
    assert regency_villages().count() == 236


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("6402061001", "64.02.06.1001"),
        ("64.02.06.1001", "64.02.06.1001"),
        ("640206", "64.02.06"),
        ("6402", "64.02"),
        (" 64.02 ", "64.02"),
        ("Jahab", "Jahab"),
    ],
)
def test_a_code_is_accepted_with_or_without_dots(typed, code):
    assert normalize_code(typed) == code
