"""The data-quality page, a worklist to work through, and its export."""

import csv
import io

import pytest
from python_calamine import CalamineWorkbook

from conftest import LOA_KULU, LOA_KULU_VILLAGE, TENGGARONG, TENGGARONG_OTHER_VILLAGE
from lindung.audit.models import AuditEvent
from lindung.registry import exports

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    """The pages' words are asserted in English (Indonesian is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


OVERVIEW = "/quality/"


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _counts(response) -> dict[str, int]:
    return {c.worklist.code: c.total for c in response.context["summary"].worklists}


@pytest.fixture
def spread(make_worker):
    """Workers without heirs in two Tenggarong villages and in Loa Kulu."""
    return {
        "jahab": make_worker(full_name="Andi Jahab", heirs=[]),
        "loa_ipuh": make_worker(
            full_name="Budi Loa Ipuh", heirs=[], village=TENGGARONG_OTHER_VILLAGE
        ),
        "loa_kulu": make_worker(full_name="Citra Loa Kulu", heirs=[], village=LOA_KULU_VILLAGE),
    }


def test_regency_staff_see_every_worklist_with_counts_per_district(client, admin_user, spread):
    client.force_login(admin_user)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert _counts(response)["no_heir"] == 3
    rows = {area.code: cells for area, cells in response.context["summary"].rows()}
    no_heir = [code for code in rows[TENGGARONG] if code[0].code == "no_heir"]
    assert no_heir[0][1] == 2
    assert dict((w.code, n) for w, n in rows[LOA_KULU])["no_heir"] == 1
    html = response.content.decode()
    assert f'href="/quality/no_heir/?district={TENGGARONG}"' in html
    assert 'href="/quality/no_heir/"' in html


def test_a_district_operator_sees_counts_per_village_of_their_district_only(
    client, tenggarong_operator, spread
):
    client.force_login(tenggarong_operator)
    response = client.get(OVERVIEW)
    summary = response.context["summary"]
    assert _counts(response)["no_heir"] == 2
    assert {area.parent_id for area in summary.areas} == {TENGGARONG}
    village_counts = {
        area.code: dict((w.code, n) for w, n in cells)["no_heir"] for area, cells in summary.rows()
    }
    assert village_counts["64.02.06.1001"] == 1
    assert village_counts[TENGGARONG_OTHER_VILLAGE] == 1
    assert "Loa Kulu" not in response.content.decode()


def test_a_village_operator_sees_only_their_village(client, village_operator, spread):
    client.force_login(village_operator)
    response = client.get(OVERVIEW)
    assert [area.code for area in response.context["summary"].areas] == ["64.02.06.1001"]
    assert _counts(response)["no_heir"] == 1
    listed = client.get("/quality/no_heir/").context["page"].object_list
    assert [w.full_name for w in listed] == ["Andi Jahab"]


def test_the_worklist_links_each_worker_to_their_page_and_edit_form(
    client, tenggarong_operator, spread
):
    client.force_login(tenggarong_operator)
    response = client.get("/quality/no_heir/")
    assert response.status_code == 200
    assert [w.full_name for w in response.context["page"].object_list] == [
        "Andi Jahab",
        "Budi Loa Ipuh",
    ]
    html = response.content.decode()
    worker = spread["jahab"]
    assert f'href="/workers/{worker.pk}/"' in html
    assert f'href="/workers/{worker.pk}/edit/"' in html
    assert worker.nik not in html


def test_a_worklist_filters_by_village(client, tenggarong_operator, spread):
    client.force_login(tenggarong_operator)
    response = client.get("/quality/no_heir/", {"village": TENGGARONG_OTHER_VILLAGE})
    assert [w.full_name for w in response.context["page"].object_list] == ["Budi Loa Ipuh"]


def test_a_district_operator_asking_for_another_district_gets_nothing_of_it(
    client, tenggarong_operator, spread
):
    client.force_login(tenggarong_operator)
    response = client.get("/quality/no_heir/", {"district": LOA_KULU})
    names = [w.full_name for w in response.context["page"].object_list]
    assert "Citra Loa Kulu" not in names
    response = client.get("/quality/no_heir/", {"village": LOA_KULU_VILLAGE})
    assert "Citra Loa Kulu" not in response.content.decode()


def test_an_unknown_worklist_is_not_found(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/quality/no_such_list/").status_code == 404
    assert client.get("/quality/no_such_list/export.csv").status_code == 404


def test_the_list_is_paginated_and_says_when_it_stopped_counting(
    client, tenggarong_operator, make_worker, monkeypatch
):
    from lindung.quality import views

    monkeypatch.setattr(views, "COUNT_CAP", 30)
    for n in range(32):
        make_worker(full_name=f"Pekerja {n:02d}", heirs=[])
    client.force_login(tenggarong_operator)
    first = client.get("/quality/no_heir/")
    second = client.get("/quality/no_heir/", {"page": "2"})
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].paginator.is_capped
    assert "More than 30 workers" in first.content.decode()
    assert len(second.context["page"].object_list) == 5


def test_crowded_kk_rows_are_grouped_under_their_masked_kk(client, admin_user, make_worker):
    for n in range(5):
        make_worker(full_name=f"Anggota {n}", kk_number="6402060101200001")
    client.force_login(admin_user)
    html = client.get("/quality/crowded_kk/").content.decode()
    assert html.count('class="group-row"') == 1
    assert "6402********0001" in html
    assert "6402060101200001" not in html


def test_export_is_masked_scoped_and_audited_as_an_export(client, tenggarong_operator, spread):
    client.force_login(tenggarong_operator)
    response = client.get("/quality/no_heir/export.csv", {"village": TENGGARONG_OTHER_VILLAGE})
    assert response.status_code == 200
    assert "periksa-no-heir-" in response["Content-Disposition"]
    header, *rows = _csv(response)
    assert header == list(exports.HEADERS)
    assert [row[2] for row in rows] == ["Budi Loa Ipuh"]
    worker = spread["loa_ipuh"]
    assert rows[0][0] == worker.nik[:4] + "********" + worker.nik[-4:]
    assert rows[0][6].startswith("+62812****")
    event = AuditEvent.objects.get(action="worker.export")
    assert event.actor == tenggarong_operator
    assert event.context == {
        "filters": {"worklist": "no_heir", "village": TENGGARONG_OTHER_VILLAGE},
        "rows": 1,
        "format": "csv",
        "full_identity": False,
    }


def test_export_ignores_a_request_for_full_numbers(client, admin_user, spread):
    client.force_login(admin_user)
    _, *rows = _csv(client.get("/quality/no_heir/export.csv", {"full": "1"}))
    assert all("*" in row[0] for row in rows)
    assert AuditEvent.objects.get(action="worker.export").context["full_identity"] is False


def test_a_district_operator_exports_nothing_of_another_district(client, loa_kulu_operator, spread):
    client.force_login(loa_kulu_operator)
    # A district outside their area is ignored, like any filter value they cannot choose.
    for query in ({"district": TENGGARONG}, {"village": TENGGARONG_OTHER_VILLAGE}, {}):
        _, *rows = _csv(client.get("/quality/no_heir/export.csv", query))
        assert [row[2] for row in rows] == ["Citra Loa Kulu"]


def test_xlsx_export_holds_the_list(client, admin_user, spread):
    client.force_login(admin_user)
    response = client.get("/quality/no_heir/export.xlsx")
    content = b"".join(response.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert sorted(row[2] for row in sheet[1:]) == ["Andi Jahab", "Budi Loa Ipuh", "Citra Loa Kulu"]
    assert AuditEvent.objects.get(action="worker.export").context["rows"] == 3


def test_a_leader_sees_the_counts_without_links_but_no_list_or_export(client, leader, spread):
    client.force_login(leader)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert _counts(response)["no_heir"] == 3
    assert "/quality/no_heir/" not in response.content.decode()
    assert client.get("/quality/no_heir/").status_code == 403
    assert client.get("/quality/no_heir/export.csv").status_code == 403
    assert not AuditEvent.objects.filter(action="worker.export").exists()


def test_an_auditor_sees_nothing(client, auditor, spread):
    client.force_login(auditor)
    assert client.get(OVERVIEW).status_code == 403
    assert client.get("/quality/no_heir/").status_code == 403
    assert client.get("/quality/no_heir/export.csv").status_code == 403


def test_the_navigation_links_the_page_for_those_who_see_workers(client, bpjs_liaison, leader):
    client.force_login(bpjs_liaison)
    assert 'href="/quality/"' in client.get("/").content.decode()
    client.force_login(leader)
    assert 'href="/quality/"' not in client.get("/").content.decode()


def test_the_page_and_a_list_need_a_bounded_number_of_queries(
    client, admin_user, make_worker, django_assert_max_num_queries
):
    for n in range(30):
        make_worker(full_name=f"Pekerja {n:02d}", heirs=[], phone="", kk_number="")
    client.force_login(admin_user)
    client.get(OVERVIEW)  # warm the session and regency lookups
    # Session, user, regency, one grouped count per worklist (8), districts, and the age
    # limits of the rules in effect (for the age count and for its explanation).
    with django_assert_max_num_queries(14):
        client.get(OVERVIEW)
    # Session, user, regency, districts, villages, count, rows: none per worker.
    with django_assert_max_num_queries(7):
        response = client.get("/quality/no_heir/")
    assert len(response.context["page"].object_list) == 25
