"""The worker page's history names the villages and sectors a correction moved between."""

import pytest

from lindung.registry.services import update_worker

pytestmark = pytest.mark.django_db


def test_history_names_the_village_with_its_district_and_the_sector(
    client, settings, tenggarong_operator, tenggarong_worker
):
    update_worker(
        actor=tenggarong_operator,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={"village": "64.02.06.1002", "sector": "perikanan"},
    )
    client.force_login(tenggarong_operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    (corrected, _registered) = client.get(f"/workers/{tenggarong_worker.pk}/").context["history"]

    assert [(c.label, c.before, c.after) for c in corrected.changes] == [
        ("sector", "Pertanian", "Perikanan"),
        ("village", "Jahab, Kec. Tenggarong", "Loa Ipuh, Kec. Tenggarong"),
    ]
