import datetime as dt
import re

import pytest

from conftest import LOA_KULU, TENGGARONG, worker_input
from lindung.core.formatting import format_number
from lindung.registry.services import change_worker_status, register_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def workers(admin_user, tenggarong_worker, loa_kulu_worker):
    """Three in Tenggarong (one verified, one whose sex differs from the NIK), one in Loa Kulu."""
    verified = register_worker(
        actor=admin_user,
        data=worker_input(
            nik="6402064203850004", full_name="Dewi Lestari", source_ref="TGR-0002", heirs=[]
        ),
    )
    change_worker_status(
        actor=admin_user, worker_id=verified.pk, expected_version=1, to_status="verified"
    )
    register_worker(
        actor=admin_user,
        data=worker_input(
            nik="6402060507900001",
            full_name="Rahmat Hidayat",
            birth_date=dt.date(1990, 7, 5),
            sex="F",
            sector="perikanan",
            source_ref="TGR-0003",
            heirs=[],
        ),
    )


def _stat(html: str, name: str) -> str:
    match = re.search(rf'data-stat="{name}">(?:<a [^>]*>)?([^<]*)<', html)
    assert match, f"no {name} figure on the page"
    return match.group(1)


def _district_codes(html: str) -> list[str]:
    return re.findall(r'<tr data-code="(64\.02\.\d\d)"', html)


def test_admin_sees_the_numbers_of_the_whole_regency(client, admin_user, workers):
    client.force_login(admin_user)
    response = client.get("/")
    html = response.content.decode()
    summary = response.context["summary"]
    assert (
        summary.total,
        summary.by_status["registered"],
        summary.by_status["verified"],
        summary.needs_verification,
    ) == (4, 3, 1, 1)
    assert (_stat(html, "total"), _stat(html, "verified"), _stat(html, "needs_verification")) == (
        "4",
        "1",
        "1",
    )
    assert _district_codes(html)[:2] == [TENGGARONG, LOA_KULU]
    counts = {item.code: count for item, count in summary.by_district if count}
    assert counts == {TENGGARONG: 3, LOA_KULU: 1}
    assert {sector.code: count for sector, count in summary.by_sector} == {
        "pertanian": 3,
        "perikanan": 1,
    }


def test_district_operator_sees_only_the_numbers_of_their_district(
    client, tenggarong_operator, workers
):
    client.force_login(tenggarong_operator)
    response = client.get("/")
    html = response.content.decode()
    assert response.context["summary"].total == 3
    assert _stat(html, "total") == "3"
    assert _district_codes(html) == [TENGGARONG]
    assert f'data-code="{LOA_KULU}"' not in html


def test_leader_sees_the_aggregates_of_the_regency(client, leader, workers):
    client.force_login(leader)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["summary"].total == 4
    assert _stat(response.content.decode(), "total") == "4"


def test_auditor_home_shows_no_worker_numbers_but_leads_to_the_audit_trail(
    client, auditor, workers
):
    client.force_login(auditor)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "summary" not in response.context
    assert "data-stat=" not in html
    assert 'href="/audit/"' in html


def test_bar_widths_are_written_for_css_even_in_indonesian(client, admin_user, workers):
    client.force_login(admin_user)
    client.cookies["django_language"] = "id"
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'style="width: 100.0%"' in html
    assert 'style="width: 33.3%"' in html  # Loa Kulu: 1 of Tenggarong's 3


def test_home_page_needs_a_bounded_number_of_queries(
    client, admin_user, workers, django_assert_max_num_queries
):
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


def test_counts_use_the_indonesian_thousands_separator():
    assert [format_number(n) for n in (0, 950, 35_000, 1_234_567)] == [
        "0",
        "950",
        "35.000",
        "1.234.567",
    ]
    assert format_number(None) == ""
