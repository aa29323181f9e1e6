import pytest

from conftest import worker_input
from lindung.core.pagination import CappedPaginator
from lindung.registry.models import Worker
from lindung.registry.services import register_worker

pytestmark = pytest.mark.django_db

NIKS = ["6402064203850003", "6402064203850004", "6402064203850005"]


@pytest.fixture
def three_workers(admin_user):
    for number, nik in enumerate(NIKS):
        register_worker(actor=admin_user, data=worker_input(nik=nik, source_ref=f"S-{number}"))
    return Worker.objects.order_by("name_normalized", "id")


def test_capped_paginator_counts_exactly_below_the_cap(three_workers):
    paginator = CappedPaginator(three_workers, 2, cap=3)
    assert (paginator.count, paginator.is_capped, paginator.num_pages) == (3, False, 2)


def test_capped_paginator_stops_counting_at_the_cap(three_workers):
    paginator = CappedPaginator(three_workers, 1, cap=2)
    assert (paginator.count, paginator.is_capped, paginator.num_pages) == (2, True, 2)
    assert [w.nik for w in paginator.page(2)] == [three_workers[1].nik]


def test_a_search_past_the_cap_asks_to_narrow_it(client, admin_user, three_workers, monkeypatch):
    monkeypatch.setattr("lindung.registry.views.lists.COUNT_CAP", 2)
    client.force_login(admin_user)
    response = client.get("/workers/", {"q": "siti"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.context["page"].paginator.is_capped is True
    assert response.context["page"].paginator.count == 2


def test_the_api_says_when_its_count_was_capped(
    client, admin_user, three_workers, token_for, monkeypatch
):
    monkeypatch.setattr("lindung.registry.api.COUNT_CAP", 2)
    response = client.get(
        "/api/v1/workers", {"q": "siti"}, HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (2, True, 3)


def test_a_search_for_a_rare_word_is_counted_exactly(
    client, admin_user, three_workers, monkeypatch
):
    monkeypatch.setattr("lindung.registry.views.lists.COUNT_CAP", 2)
    client.force_login(admin_user)
    response = client.get("/workers/", {"q": "6402064203850003"}, HTTP_HX_REQUEST="true")
    paginator = response.context["page"].paginator
    assert (paginator.count, getattr(paginator, "is_capped", False)) == (1, False)
