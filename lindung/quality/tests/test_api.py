"""The worklists over the REST API: counts, pages of workers, scope and roles."""

import pytest

from conftest import LOA_KULU, LOA_KULU_VILLAGE, TENGGARONG, TENGGARONG_OTHER_VILLAGE
from lindung.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

COUNTS = "/api/v1/quality"


def _get(client, token, url, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def spread(make_worker):
    return [
        make_worker(full_name="Andi Jahab", heirs=[]),
        make_worker(full_name="Budi Loa Ipuh", heirs=[], village=TENGGARONG_OTHER_VILLAGE),
        make_worker(full_name="Citra Loa Kulu", heirs=[], village=LOA_KULU_VILLAGE),
    ]


def _worklist(body: dict, code: str) -> dict:
    return next(w for w in body["worklists"] if w["code"] == code)


def test_counts_cover_every_worklist_per_district_for_regency_staff(
    client, admin_user, token_for, spread
):
    body = _get(client, token_for(admin_user), COUNTS).json()
    assert body["area_level"] == "district"
    assert len(body["worklists"]) == 8
    no_heir = _worklist(body, "no_heir")
    assert no_heir["total"] == 3
    assert no_heir["title_id"] == "Belum ada ahli waris"
    assert no_heir["explanation"]
    by_area = {area["code"]: area["count"] for area in no_heir["by_area"]}
    assert (by_area[TENGGARONG], by_area[LOA_KULU]) == (2, 1)


def test_a_district_operator_counts_by_village_and_never_another_district(
    client, loa_kulu_operator, token_for, spread
):
    body = _get(client, token_for(loa_kulu_operator), COUNTS).json()
    assert body["area_level"] == "village"
    no_heir = _worklist(body, "no_heir")
    assert no_heir["total"] == 1
    assert {area["code"][:8] for area in no_heir["by_area"]} == {LOA_KULU}
    assert {area["code"]: area["count"] for area in no_heir["by_area"]}[LOA_KULU_VILLAGE] == 1


def test_a_worklist_page_has_masked_workers_of_the_callers_area(
    client, tenggarong_operator, token_for, spread
):
    response = _get(client, token_for(tenggarong_operator), f"{COUNTS}/no_heir")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["count_capped"] is False
    assert [w["full_name"] for w in body["results"]] == ["Andi Jahab", "Budi Loa Ipuh"]
    assert all("****" in w["nik"] for w in body["results"])
    assert not AuditEvent.objects.filter(action="worker.reveal").exists()


def test_a_worklist_page_filters_by_village_code_with_or_without_dots(
    client, tenggarong_operator, token_for, spread
):
    token = token_for(tenggarong_operator)
    body = _get(client, token, f"{COUNTS}/no_heir", village="6402061002", page_size=1).json()
    assert [w["full_name"] for w in body["results"]] == ["Budi Loa Ipuh"]
    assert (body["count"], body["page_size"]) == (1, 1)


def test_another_districts_filter_gives_an_empty_page(
    client, tenggarong_operator, token_for, spread
):
    body = _get(
        client, token_for(tenggarong_operator), f"{COUNTS}/no_heir", district=LOA_KULU
    ).json()
    assert (body["count"], body["results"]) == (0, [])


def test_an_unknown_worklist_is_404(client, admin_user, token_for):
    response = _get(client, token_for(admin_user), f"{COUNTS}/no_such_list")
    assert response.status_code == 404
    assert response.json() == {"detail": "Daftar periksa tidak ditemukan."}


def test_a_leader_gets_counts_but_no_workers(client, leader, token_for, spread):
    token = token_for(leader)
    assert _worklist(_get(client, token, COUNTS).json(), "no_heir")["total"] == 3
    assert _get(client, token, f"{COUNTS}/no_heir").status_code == 403


def test_an_auditor_gets_nothing(client, auditor, token_for, spread):
    token = token_for(auditor)
    assert _get(client, token, COUNTS).status_code == 403
    assert _get(client, token, f"{COUNTS}/no_heir").status_code == 403


def test_the_api_needs_a_bounded_number_of_queries(
    client, admin_user, token_for, make_worker, django_assert_max_num_queries
):
    for n in range(30):
        make_worker(full_name=f"Pekerja {n:02d}", heirs=[])
    token = token_for(admin_user)
    # Token (and its last use), one grouped count per worklist (8), districts, and the age
    # limits of the rules in effect (for the age count and for its explanation).
    with django_assert_max_num_queries(13):
        _get(client, token, COUNTS)
    # Token (and its last use), rows, count.
    with django_assert_max_num_queries(4):
        body = _get(client, token, f"{COUNTS}/no_heir", page_size=30).json()
    assert len(body["results"]) == 30
