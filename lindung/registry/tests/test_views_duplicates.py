"""The registration form's duplicate panel, and the confirmation a near-certain duplicate
asks for."""

import pytest

from conftest import LOA_KULU_VILLAGE, TENGGARONG_VILLAGE
from lindung.audit.models import AuditEvent
from lindung.registry.models import Worker
from lindung.registry.tests.test_views_edit import NEW_URL, _form

pytestmark = pytest.mark.django_db

PANEL_URL = "/workers/check-duplicates/"
# The conftest's Siti Aminah typed again with the last NIK digit wrong.
SITI_AGAIN = dict(
    nik="6402064203850004",
    full_name="Siti Aminah",
    birth_date="1985-03-02",
    sex="F",
    phone="0812-3456-7890",
    village=TENGGARONG_VILLAGE,
)


def test_the_panel_lists_a_possible_duplicate_with_why_and_a_link(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)

    response = client.post(PANEL_URL, SITI_AGAIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/workers/{tenggarong_worker.pk}/"' in html
    assert "Siti Aminah" in html and "Jahab" in html and "2 Maret 1985" in html
    assert "6402********0003" in html
    assert "badge-duplicate" in html
    assert 'name="confirmed_not_duplicate"' in html


def test_the_panel_says_so_when_nothing_alike_is_registered(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)

    response = client.post(PANEL_URL, {"nik": "6402061508700002", "full_name": "Ahmad Fauzi"})

    assert "duplicate-candidate" not in response.content.decode()
    assert "duplicate-none" in response.content.decode()


def test_the_panel_shows_a_candidate_of_another_district_by_its_district_only(
    client, loa_kulu_operator, tenggarong_worker
):
    client.force_login(loa_kulu_operator)

    response = client.post(PANEL_URL, SITI_AGAIN | {"village": LOA_KULU_VILLAGE})

    html = response.content.decode()
    assert "Tenggarong" in html
    assert "Siti" not in html and "Jahab" not in html and "0003" not in html
    assert f"/workers/{tenggarong_worker.pk}/" not in html


def test_roles_without_editing_cannot_use_the_panel(client, auditor, tenggarong_worker):
    client.force_login(auditor)

    assert client.post(PANEL_URL, SITI_AGAIN).status_code == 403


def test_a_near_certain_duplicate_is_not_saved_without_the_confirmation(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    events = AuditEvent.objects.count()

    response = client.post(NEW_URL, _form(**SITI_AGAIN))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="confirmed_not_duplicate"' in html
    assert f'href="/workers/{tenggarong_worker.pk}/"' in html
    assert not Worker.objects.filter(nik="6402064203850004").exists()
    assert AuditEvent.objects.count() == events


def test_the_confirmation_saves_and_is_recorded_with_the_candidates(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)

    response = client.post(NEW_URL, _form(**SITI_AGAIN, confirmed_not_duplicate="on"))

    worker = Worker.objects.get(nik="6402064203850004")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="worker.register", object_id=str(worker.pk))
    assert event.context["confirmed_not_duplicate"] is True
    ((candidate_id, score),) = event.context["possible_duplicates"]
    assert candidate_id == tenggarong_worker.pk
    assert 99 < score <= 100


def test_a_registration_with_no_candidate_records_no_duplicate_context(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)

    client.post(NEW_URL, _form())

    worker = Worker.objects.get(nik="6402061508700002")
    event = AuditEvent.objects.get(action="worker.register", object_id=str(worker.pk))
    assert "possible_duplicates" not in event.context


def test_the_form_refreshes_the_panel_when_identity_fields_change(client, tenggarong_operator):
    client.force_login(tenggarong_operator)

    html = client.get(NEW_URL).content.decode()

    assert f'hx-post="{PANEL_URL}"' in html
    assert "change from:#id_nik delay:400ms" in html
    assert "change from:#id_village delay:400ms" in html


def test_the_panel_says_nothing_until_there_is_enough_to_look_for(client, tenggarong_operator):
    client.force_login(tenggarong_operator)

    response = client.post(PANEL_URL, {"full_name": "Siti Aminah"})

    assert response.status_code == 200
    assert "duplicate-none" not in response.content.decode()
