"""Taking a record out of a cluster: it is someone else; the others stay to be decided."""

import pytest
from django.utils import translation

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import DomainError, NotFound
from lindung.dedup.models import CandidatePair, CaseMember, CaseStatus, Decision, DuplicateCase
from lindung.dedup.services import record_candidates, separate_worker
from lindung.dedup.tests.cast import open_case, register, scored, siti_again
from lindung.registry.services import update_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def cluster(admin_user, tenggarong_worker):
    """Three Siti Aminah records, each scored against the others."""
    second = siti_again(admin_user)
    third = siti_again(admin_user, nik="6402064203850006", source_ref="DTKS-0099", heirs=[])
    pairs = [
        scored(tenggarong_worker, second),
        scored(tenggarong_worker, third, weight=6.0, level="possible"),
        scored(second, third, weight=5.0, level="possible"),
    ]
    return tenggarong_worker, second, third, pairs, open_case(*pairs)


def _state() -> dict:
    return {
        "cases": list(DuplicateCase.objects.order_by("pk").values()),
        "members": list(CaseMember.objects.order_by("pk").values()),
        "pairs": list(CandidatePair.objects.order_by("pk").values()),
        "decisions": Decision.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def test_taking_a_record_out_leaves_the_others_open_and_decides_it_apart(verifier, cluster):
    first, second, third, _, case = cluster

    decision = separate_worker(
        user=verifier, case=case, worker_id=third.pk, reason="Orang lain, beda ibu kandung"
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert set(case.members.values_list("worker_id", flat=True)) == {first.pk, second.pk}
    assert list(case.pairs.values_list("left_id", "right_id")) == [(first.pk, second.pk)]
    assert case.worker_count == 2
    split = decision.case
    assert split.status == CaseStatus.DIFFERENT
    assert split.pairs.count() == 2
    assert decision.apart == [sorted((first.pk, third.pk)), sorted((second.pk, third.pk))]
    event = AuditEvent.objects.get(action="duplicate.separate")
    assert (event.context["worker"], event.context["reason"]) == (
        third.pk,
        "Orang lain, beda ibu kandung",
    )


def test_a_record_taken_out_is_not_proposed_again_with_the_others(verifier, cluster):
    _, _, third, pairs, case = cluster
    separate_worker(user=verifier, case=case, worker_id=third.pk, reason="Orang lain")
    before = _state()

    outcome = record_candidates(pairs=pairs)

    assert (outcome.pairs_recorded, outcome.pairs_skipped) == (0, 2)
    assert _state() == before


def test_a_record_taken_out_is_proposed_again_once_it_changes(admin_user, verifier, cluster):
    _, _, third, pairs, case = cluster
    separate_worker(user=verifier, case=case, worker_id=third.pk, reason="Orang lain")
    update_worker(actor=admin_user, worker_id=third.pk, expected_version=1, changes={"rt": "8"})

    outcome = record_candidates(pairs=pairs)

    assert outcome.pairs_recorded == 2  # the third record changed: compared again
    case.refresh_from_db()
    assert case.worker_count == 3


def test_the_only_link_between_the_others_cannot_be_taken_out(admin_user, verifier):
    a = register(admin_user, nik="6402064203850011", source_ref="A", heirs=[])
    bridge = register(admin_user, nik="6402064203850012", source_ref="B", heirs=[])
    c = register(admin_user, nik="6402064203850013", source_ref="C", heirs=[])
    case = open_case(scored(a, bridge), scored(bridge, c))
    before = _state()

    with pytest.raises(DomainError, match="only link"):
        separate_worker(user=verifier, case=case, worker_id=bridge.pk, reason="Orang lain")
    assert _state() == before


def test_a_case_of_two_records_is_not_split(verifier, twins):
    first, _, case = twins
    before = _state()
    with pytest.raises(DomainError, match="two records"):
        separate_worker(user=verifier, case=case, worker_id=first.pk, reason="Orang lain")
    assert _state() == before


def test_another_districts_verifier_cannot_split_a_case(loa_kulu_verifier, cluster):
    _, _, third, _, case = cluster
    before = _state()
    with pytest.raises(NotFound):
        separate_worker(user=loa_kulu_verifier, case=case, worker_id=third.pk, reason="x")
    assert _state() == before


def test_verifier_takes_a_record_out_from_the_case_page(client, verifier, cluster):
    first, second, third, _, case = cluster
    client.force_login(verifier)
    page = client.get(f"/duplicates/{case.pk}/").content.decode()
    assert 'id="separate-form"' in page

    response = client.post(
        f"/duplicates/{case.pk}/separate/",
        {"separate-worker": third.pk, "separate-reason": "Orang lain"},
    )

    assert response.status_code == 302
    assert set(case.members.values_list("worker_id", flat=True)) == {first.pk, second.pk}


def test_a_record_is_taken_out_through_the_api(client, token_for, verifier, cluster):
    _, _, third, _, case = cluster
    response = client.post(
        f"/api/v1/duplicates/{case.pk}/resolve",
        {"decision": "separate_record", "worker_id": third.pk, "reason": "Orang lain"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(verifier)}"},
    )
    assert response.status_code == 200
    assert response.json()["worker_count"] == 2
