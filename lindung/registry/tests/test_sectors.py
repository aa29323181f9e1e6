import pytest
from django.core.exceptions import ValidationError

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import PermissionDenied
from lindung.registry.models import Occupation, Sector
from lindung.registry.sector_services import map_occupation, save_sector, unmap_occupation

pytestmark = pytest.mark.django_db


def test_new_instance_has_the_ten_seeded_sectors_and_occupations_mapped_to_them():
    assert Sector.objects.count() == 10
    assert Occupation.objects.get(name="nelayan").sector.code == "perikanan"
    assert Occupation.objects.get(name="marbot").sector.code == "keagamaan"


def test_admin_adds_a_sector_and_the_event_is_audited(admin_user):
    sector = save_sector(
        actor=admin_user,
        sector_id=None,
        name="Pekerja  Rumah Tangga",
        name_en="Domestic work",
        sort_order=11,
    )
    assert (sector.code, sector.name, sector.is_active) == (
        "pekerja-rumah-tangga",
        "Pekerja Rumah Tangga",
        True,
    )
    event = AuditEvent.objects.get(action="sector.create")
    assert event.changes == {"name": [None, "Pekerja Rumah Tangga"]}
    assert event.actor == admin_user


def test_deactivating_a_sector_records_only_what_changed(admin_user):
    sector = Sector.objects.get(code="jasa-lainnya")
    save_sector(
        actor=admin_user,
        sector_id=sector.pk,
        name=sector.name,
        name_en=sector.name_en,
        is_active=False,
        sort_order=sector.sort_order,
    )
    sector.refresh_from_db()
    assert sector.is_active is False
    assert AuditEvent.objects.get(action="sector.update").changes == {"is_active": [True, False]}


def test_a_second_sector_with_the_same_name_is_refused(admin_user):
    with pytest.raises(ValidationError) as error:
        save_sector(actor=admin_user, sector_id=None, name="Perikanan")
    assert "name" in error.value.message_dict
    assert Sector.objects.filter(name="Perikanan").count() == 1
    assert not AuditEvent.objects.filter(action="sector.create").exists()


def test_operator_cannot_change_sectors(tenggarong_operator):
    with pytest.raises(PermissionDenied):
        save_sector(actor=tenggarong_operator, sector_id=None, name="Baru")
    assert not Sector.objects.filter(name="Baru").exists()


def test_mapping_an_occupation_moves_it_and_is_audited(admin_user):
    map_occupation(actor=admin_user, name="  Motoris ", sector_code="perikanan")
    assert Occupation.objects.get(name="motoris").sector.code == "perikanan"
    event = AuditEvent.objects.get(action="occupation.map")
    assert event.changes == {"sector": ["transportasi", "perikanan"]}


def test_mapping_an_occupation_to_its_own_sector_writes_nothing(admin_user):
    map_occupation(actor=admin_user, name="nelayan", sector_code="perikanan")
    assert not AuditEvent.objects.filter(action="occupation.map").exists()


def test_removing_an_occupation_is_audited(admin_user):
    occupation = Occupation.objects.get(name="pemulung")
    unmap_occupation(actor=admin_user, occupation_id=occupation.pk)
    assert not Occupation.objects.filter(name="pemulung").exists()
    assert AuditEvent.objects.get(action="occupation.unmap").context == {"occupation": "pemulung"}


def test_sector_page_is_for_administrators_only(client, admin_user, tenggarong_operator):
    client.force_login(tenggarong_operator)
    assert client.get("/workers/sectors/").status_code == 403
    client.force_login(admin_user)
    response = client.get("/workers/sectors/")
    assert response.status_code == 200
    assert "Perikanan" in response.content.decode()


def test_sector_page_adds_an_occupation(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/workers/sectors/",
        {"occupation-name": "Penambang pasir", "occupation-sector": "buruh-harian-lepas"},
    )
    assert response.status_code == 302
    assert Occupation.objects.get(name="penambang pasir").sector.code == "buruh-harian-lepas"
