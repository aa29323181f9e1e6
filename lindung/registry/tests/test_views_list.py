import datetime as dt

import pytest

from conftest import TENGGARONG_OTHER_VILLAGE, TENGGARONG_VILLAGE, worker_input
from lindung.registry.services import register_worker

pytestmark = pytest.mark.django_db


LIST_URL = "/workers/"


def _rows(response) -> str:
    return response.content.decode()


def _register_many(actor, count: int) -> None:
    for number in range(1, count + 1):
        register_worker(
            actor=actor,
            data=worker_input(
                nik=f"640206420385{number:04d}",
                full_name=f"Pekerja Nomor {number}",
                source_ref=f"TGR-{number:04d}",
                phone="",
                heirs=[],
                village=TENGGARONG_VILLAGE if number % 2 else TENGGARONG_OTHER_VILLAGE,
            ),
        )


def test_operator_sees_the_workers_of_their_district_with_masked_nik(
    client, tenggarong_operator, tenggarong_worker, loa_kulu_worker
):
    client.force_login(tenggarong_operator)
    response = client.get(LIST_URL)
    html = _rows(response)
    assert response.status_code == 200
    assert "Siti Aminah" in html
    assert "6402********0003" in html
    assert tenggarong_worker.nik not in html
    assert f"/workers/{tenggarong_worker.pk}/" in html
    assert "Jahab, Kec. Tenggarong" in html
    assert "Muhammad Yusuf" not in html
    assert response.context["page"].paginator.count == 1


def test_loa_kulu_operator_finds_no_tenggarong_worker_by_list_or_search(
    client, loa_kulu_operator, tenggarong_worker, loa_kulu_worker
):
    client.force_login(loa_kulu_operator)
    listed = client.get(LIST_URL)
    searched = client.get(LIST_URL, {"q": "Siti"})
    by_nik = client.get(LIST_URL, {"q": tenggarong_worker.nik})
    assert [w.pk for w in listed.context["page"].object_list] == [loa_kulu_worker.pk]
    assert searched.context["page"].paginator.count == 0
    assert by_nik.context["page"].paginator.count == 0
    assert "Siti Aminah" not in _rows(listed) + _rows(searched) + _rows(by_nik)


def test_search_as_you_type_answers_htmx_with_only_the_results(
    client, tenggarong_operator, tenggarong_worker, loa_kulu_worker
):
    client.force_login(tenggarong_operator)
    response = client.get(
        LIST_URL, {"q": "amin"}, headers={"HX-Request": "true", "HX-Trigger-Name": "q"}
    )
    html = _rows(response)
    assert response.status_code == 200
    assert "Siti Aminah" in html
    assert "<html" not in html
    assert 'name="village"' not in html  # the village select is only resent for a district
    assert "HX-Request" in response["Vary"]


def test_choosing_a_district_resends_its_villages_out_of_band(client, admin_user, regions):
    client.force_login(admin_user)
    response = client.get(
        LIST_URL,
        {"district": "64.02.02"},
        headers={"HX-Request": "true", "HX-Trigger-Name": "district"},
    )
    html = _rows(response)
    assert 'hx-swap-oob="true"' in html
    assert 'value="64.02.02.2003"' in html  # Jembayan, Loa Kulu
    assert 'value="64.02.06.1001"' not in html  # Jahab, Tenggarong


def test_history_restore_gets_the_whole_page(client, tenggarong_operator, tenggarong_worker):
    client.force_login(tenggarong_operator)
    response = client.get(
        LIST_URL,
        {"q": "siti"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in _rows(response)
    assert 'value="siti"' in _rows(response)


def test_filters_narrow_the_list_to_village_status_and_flagged_workers(
    client, tenggarong_operator, tenggarong_worker, admin_user
):
    flagged = register_worker(
        actor=admin_user,
        data=worker_input(
            nik="6402061208900002",
            full_name="Andi Wijaya",
            sex="M",
            birth_date=dt.date(1990, 8, 13),
            village=TENGGARONG_OTHER_VILLAGE,
            heirs=[],
        ),
    )
    client.force_login(tenggarong_operator)

    def found(**params):
        return [w.pk for w in client.get(LIST_URL, params).context["page"].object_list]

    assert found() == [flagged.pk, tenggarong_worker.pk]
    assert found(village=TENGGARONG_VILLAGE) == [tenggarong_worker.pk]
    assert found(needs_verification="1") == [flagged.pk]
    assert found(status="verified") == []
    assert found(sector="pertanian") == [flagged.pk, tenggarong_worker.pk]


def test_a_flagged_worker_carries_a_warning_badge(client, tenggarong_operator, admin_user):
    register_worker(actor=admin_user, data=worker_input(birth_date=dt.date(1985, 3, 3)))
    client.force_login(tenggarong_operator)
    assert "badge-warning" in _rows(client.get(LIST_URL))


def test_a_village_outside_the_users_area_is_ignored_as_a_filter(
    client, loa_kulu_operator, loa_kulu_worker
):
    client.force_login(loa_kulu_operator)
    response = client.get(LIST_URL, {"village": TENGGARONG_VILLAGE})
    assert response.context["filters"].village == ""
    assert response.context["page"].paginator.count == 1


def test_list_is_paginated_by_25_and_keeps_the_query_in_page_links(
    client, tenggarong_operator, admin_user
):
    _register_many(admin_user, 27)
    client.force_login(tenggarong_operator)
    first = client.get(LIST_URL, {"q": "pekerja"})
    second = client.get(LIST_URL, {"q": "pekerja", "page": "2"})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 2
    assert "?q=pekerja&amp;page=2" in _rows(first)


def test_list_needs_a_bounded_number_of_queries_whatever_the_page_size(
    client, tenggarong_operator, admin_user, django_assert_max_num_queries
):
    _register_many(admin_user, 25)
    client.force_login(tenggarong_operator)
    client.get(LIST_URL)  # warm the session and regency lookups
    # Session, user, regency, count, rows, districts, villages, sectors: none per worker.
    with django_assert_max_num_queries(10):
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 25


def test_buttons_follow_the_role(client, tenggarong_operator, bpjs_liaison):
    client.force_login(tenggarong_operator)
    html = _rows(client.get(LIST_URL))
    assert "/workers/new/" in html and "/workers/export.csv" in html
    client.force_login(bpjs_liaison)
    html = _rows(client.get(LIST_URL))
    assert "/workers/new/" not in html
    assert "/workers/export.xlsx" in html


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_leader_and_auditor_are_refused_the_worker_list(client, request, role, tenggarong_worker):
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(LIST_URL, {"q": "siti"}, headers={"HX-Request": "true"}).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login_page(client, regions):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
