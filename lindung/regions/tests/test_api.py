import pytest

pytestmark = pytest.mark.django_db

API = "/api/v1/regions"


@pytest.fixture
def headers(token_for, leader):
    return {"Authorization": f"Bearer {token_for(leader)}"}


@pytest.mark.parametrize("code", ["64.02.06.1001", "6402061001"])
def test_a_village_is_found_by_code_with_or_without_dots_and_shows_its_district(
    client, headers, code
):
    response = client.get(f"{API}/{code}", headers=headers)
    assert response.status_code == 200
    assert response.json() == {
        "code": "64.02.06.1001", "name": "Jahab", "level": "village", "kind": "kelurahan",
        "parent_code": "64.02.06", "label": "Jahab, Kec. Tenggarong",
        "district_code": "64.02.06", "district_name": "Tenggarong",
        "valid_from": None, "valid_to": None,
    }  # fmt: skip


def test_a_district_is_its_own_district(client, headers):
    body = client.get(f"{API}/640202", headers=headers).json()
    assert (body["name"], body["level"], body["parent_code"]) == ("Loa Kulu", "district", "64.02")
    assert (body["district_code"], body["district_name"]) == ("64.02.02", "Loa Kulu")


def test_children_of_the_regency_are_its_districts(client, headers):
    response = client.get(f"{API}/64.02/children", headers=headers)
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 20
    assert {row["level"] for row in rows} == {"district"}
    assert {"64.02.02", "64.02.06"} <= {row["code"] for row in rows}
    assert [row["code"] for row in rows] == sorted(row["code"] for row in rows)


@pytest.mark.parametrize("code", ["64.02.06", "640206"])
def test_children_of_a_district_are_its_villages_with_labels(client, headers, code):
    rows = client.get(f"{API}/{code}/children", headers=headers).json()
    assert len(rows) == 14
    assert {row["district_code"] for row in rows} == {"64.02.06"}
    assert rows[0] == {
        "code": "64.02.06.1001", "name": "Jahab", "level": "village", "kind": "kelurahan",
        "parent_code": "64.02.06", "label": "Jahab, Kec. Tenggarong",
        "district_code": "64.02.06", "district_name": "Tenggarong",
        "valid_from": None, "valid_to": None,
    }  # fmt: skip


def test_a_village_has_no_children(client, headers):
    response = client.get(f"{API}/64.02.06.1001/children", headers=headers)
    assert (response.status_code, response.json()) == (200, [])


@pytest.mark.parametrize("path", ["64.02.99.9999", "64.02.99.9999/children", "abc"])
def test_an_unknown_code_is_404(client, headers, path):
    response = client.get(f"{API}/{path}", headers=headers)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_regions_need_a_token(client, regions):
    assert client.get(f"{API}/64.02.06").status_code == 401
    bad = {"Authorization": "Bearer nope"}
    assert client.get(f"{API}/64.02.06/children", headers=bad).status_code == 401
