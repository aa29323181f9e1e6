"""Recording candidates, deciding cases, merging and undoing: result, database state, audit
event; refusals change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import TENGGARONG, TENGGARONG_OTHER_VILLAGE
from lindung.audit.models import AuditEvent
from lindung.core.exceptions import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from lindung.dedup.models import (
    CandidatePair,
    CaseMember,
    CaseStatus,
    Decision,
    DuplicateCase,
    Merge,
    MergedWorker,
)
from lindung.dedup.pairs import MatchLevel
from lindung.dedup.services import (
    merge_workers,
    record_candidates,
    resolve_as_different,
    undo_merge,
)
from lindung.dedup.tests.cast import open_case, register, scored, siti_again, siti_in_loa_kulu
from lindung.regions.models import Region
from lindung.registry.models import (
    Heir,
    InactiveReason,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)
from lindung.registry.services import change_worker_status, update_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _state() -> dict:
    """Everything a refused decision must leave as it was."""
    return {
        "workers": list(Worker.objects.order_by("pk").values()),
        "heirs": list(Heir.objects.order_by("pk").values()),
        "status_changes": list(WorkerStatusChange.objects.order_by("pk").values()),
        "cases": list(DuplicateCase.objects.order_by("pk").values()),
        "pairs": list(CandidatePair.objects.order_by("pk").values()),
        "decisions": Decision.objects.count(),
        "merges": Merge.objects.count(),
        "events": AuditEvent.objects.count(),
    }


# -- recording candidates ---------------------------------------------------------------------


def test_recording_a_pair_opens_a_case_with_its_score_evidence_and_versions(
    admin_user, tenggarong_worker
):
    other = siti_again(admin_user)
    outcome = record_candidates(pairs=[scored(tenggarong_worker, other)])

    assert (outcome.pairs_recorded, outcome.cases_opened, outcome.pairs_skipped) == (1, 1, 0)
    case = DuplicateCase.objects.get()
    assert (case.status, case.level, case.worker_count, case.district_id) == (
        CaseStatus.OPEN,
        MatchLevel.DUPLICATE,
        2,
        TENGGARONG,
    )
    assert (case.best_weight, case.best_probability) == (14.2, 0.9999)
    pair = CandidatePair.objects.get()
    assert (pair.left_id, pair.right_id) == (tenggarong_worker.pk, other.pk)
    assert (pair.left_version, pair.right_version) == (1, 1)
    assert pair.evidence[0] == {"field": "nik", "level": "one digit differs", "weight": 7.5}
    assert set(CaseMember.objects.values_list("worker_id", flat=True)) == {
        tenggarong_worker.pk,
        other.pk,
    }
    event = AuditEvent.objects.get(action="duplicate.candidates")
    assert event.context["pairs_recorded"] == 1
    assert event.context["cases_opened"] == 1


def test_recording_the_same_pairs_twice_creates_nothing_new(admin_user, tenggarong_worker):
    other = siti_again(admin_user)
    record_candidates(pairs=[scored(tenggarong_worker, other)])
    before = _state()

    outcome = record_candidates(pairs=[scored(tenggarong_worker, other)])

    assert (outcome.pairs_recorded, outcome.pairs_updated, outcome.cases_opened) == (0, 0, 0)
    assert _state() == before


def test_a_pair_scored_again_with_another_result_updates_its_open_case(
    admin_user, tenggarong_worker
):
    other = siti_again(admin_user)
    record_candidates(pairs=[scored(tenggarong_worker, other)])

    outcome = record_candidates(
        pairs=[scored(tenggarong_worker, other, weight=4.0, probability=0.7, level="possible")]
    )

    assert (outcome.pairs_recorded, outcome.pairs_updated) == (0, 1)
    case = DuplicateCase.objects.get()
    assert (case.best_weight, case.level) == (4.0, MatchLevel.POSSIBLE)


def test_a_cluster_of_three_records_is_one_case(admin_user, tenggarong_worker):
    second = siti_again(admin_user)
    third = siti_again(admin_user, nik="6402064203850006", source_ref="DTKS-0099")

    outcome = record_candidates(
        pairs=[scored(tenggarong_worker, second), scored(second, third, weight=9.0)]
    )

    assert outcome.cases_opened == 1
    case = DuplicateCase.objects.get()
    assert case.worker_count == 3
    assert case.pairs.count() == 2
    assert case.best_weight == 14.2


def test_a_pair_linking_two_open_cases_joins_them_into_one(admin_user, tenggarong_worker):
    second = siti_again(admin_user)
    third = siti_again(admin_user, nik="6402064203850006", source_ref="DTKS-0099")
    fourth = siti_again(admin_user, nik="6402064203850007", source_ref="DTKS-0100")
    record_candidates(pairs=[scored(tenggarong_worker, second)])
    record_candidates(pairs=[scored(third, fourth)])
    assert DuplicateCase.objects.count() == 2

    outcome = record_candidates(pairs=[scored(second, third, weight=8.0)])

    assert outcome.cases_opened == 0
    case = DuplicateCase.objects.get()
    assert case.worker_count == 4
    assert case.pairs.count() == 3


def test_pairs_with_an_inactive_worker_are_skipped(admin_user, tenggarong_worker):
    other = siti_again(admin_user)
    change_worker_status(
        actor=admin_user,
        worker_id=other.pk,
        expected_version=1,
        to_status=WorkerStatus.INACTIVE,
        reason=InactiveReason.MOVED_AWAY,
    )

    outcome = record_candidates(pairs=[scored(tenggarong_worker, other)])

    assert (outcome.pairs_recorded, outcome.pairs_skipped) == (0, 1)
    assert not DuplicateCase.objects.exists()


# -- different people -------------------------------------------------------------------------


def test_verifier_records_different_people_with_a_reason(verifier, twins):
    first, second, case = twins

    decision = resolve_as_different(
        user=verifier, case=case, reason="Kembar: dua orang berbeda, dicek di Dukcapil"
    )

    case.refresh_from_db()
    assert (case.status, case.resolved_by) == (CaseStatus.DIFFERENT, verifier)
    assert (decision.kind, decision.decided_by, decision.reason) == (
        Decision.Kind.DIFFERENT_PEOPLE,
        verifier,
        "Kembar: dua orang berbeda, dicek di Dukcapil",
    )
    assert decision.worker_versions == {str(first.pk): 1, str(second.pk): 1}
    event = AuditEvent.objects.get(action="duplicate.different")
    assert (event.actor_username, event.object_id) == ("verifikator", str(case.pk))
    assert event.context["reason"] == "Kembar: dua orang berbeda, dicek di Dukcapil"
    assert event.changes == {"status": ["open", "different"]}


def test_different_people_are_not_proposed_again(verifier, twins):
    first, second, case = twins
    resolve_as_different(user=verifier, case=case, reason="Orang berbeda")
    before = _state()

    outcome = record_candidates(pairs=[scored(first, second)])

    assert (outcome.pairs_recorded, outcome.pairs_skipped) == (0, 1)
    assert _state() == before


def test_different_people_are_proposed_again_after_one_record_changes(admin_user, verifier, twins):
    first, second, case = twins
    resolve_as_different(user=verifier, case=case, reason="Orang berbeda")
    update_worker(
        actor=admin_user,
        worker_id=second.pk,
        expected_version=1,
        changes={"birth_place": "Samarinda"},
    )

    outcome = record_candidates(pairs=[scored(first, second)])

    assert (outcome.pairs_recorded, outcome.cases_opened) == (1, 1)
    new_case = DuplicateCase.objects.get(status=CaseStatus.OPEN)
    assert new_case.pk != case.pk
    assert new_case.pairs.get().right_version == 2


def test_a_decision_needs_a_reason_and_changes_nothing_without_one(verifier, twins):
    _, _, case = twins
    before = _state()
    with pytest.raises(DomainError, match="reason"):
        resolve_as_different(user=verifier, case=case, reason="   ")
    assert _state() == before


def test_an_operator_cannot_resolve_a_case(tenggarong_operator, twins):
    _, _, case = twins
    before = _state()
    with pytest.raises(PermissionDenied):
        resolve_as_different(user=tenggarong_operator, case=case, reason="x")
    assert _state() == before


def test_a_district_verifier_cannot_resolve_another_districts_case(loa_kulu_verifier, twins):
    _, _, case = twins
    before = _state()
    with pytest.raises(NotFound):
        resolve_as_different(user=loa_kulu_verifier, case=case, reason="x")
    with pytest.raises(NotFound):
        merge_workers(
            user=loa_kulu_verifier, case=case, survivor_id=twins[0].pk, field_choices={},
            reason="x",
        )  # fmt: skip
    assert _state() == before


def test_a_case_spanning_two_districts_is_decided_only_by_a_regency_verifier(
    admin_user, tenggarong_verifier, verifier, tenggarong_worker
):
    elsewhere = siti_in_loa_kulu(admin_user)
    case = open_case(scored(tenggarong_worker, elsewhere))
    before = _state()

    with pytest.raises(PermissionDenied, match="outside your working area"):
        resolve_as_different(user=tenggarong_verifier, case=case, reason="Berbeda")
    assert _state() == before

    resolve_as_different(user=verifier, case=case, reason="Berbeda")
    case.refresh_from_db()
    assert case.status == CaseStatus.DIFFERENT


# -- merge ------------------------------------------------------------------------------------


def test_merging_keeps_the_chosen_values_and_retires_the_other_record(verifier, twins):
    first, second, case = twins

    merge = merge_workers(
        user=verifier,
        case=case,
        survivor_id=first.pk,
        field_choices={"phone": second.pk, "source_ref": second.pk},
        reason="Satu orang, didaftarkan dua kali",
    )

    survivor = Worker.objects.get(pk=first.pk)
    retired = Worker.objects.get(pk=second.pk)
    assert (survivor.phone, survivor.source_ref, survivor.nik) == (
        "+6281299990000",
        "DTKS-0042",
        "6402064203850003",
    )
    assert (survivor.version, survivor.updated_by) == (2, verifier)
    assert (retired.status, retired.inactive_reason) == (
        WorkerStatus.INACTIVE,
        InactiveReason.DUPLICATE,
    )
    assert MergedWorker.objects.get(merge=merge).worker_id == second.pk
    assert merge.survivor_id == first.pk
    case.refresh_from_db()
    assert case.status == CaseStatus.MERGED
    # The husband is on both records; the child follows the survivor.
    assert sorted(survivor.heirs.values_list("full_name", flat=True)) == ["Budi Santoso", "Rina"]
    assert list(retired.heirs.values_list("full_name", flat=True)) == ["Budi Santoso"]
    # The retired record's registration moved to the survivor's history; its retirement stays.
    assert survivor.status_changes.count() == 2
    assert list(retired.status_changes.values_list("to_status", "reason")) == [
        ("inactive", "duplicate")
    ]


def test_a_merge_is_audited_with_its_reason_and_the_survivors_changes(verifier, twins):
    first, second, case = twins
    merge_workers(
        user=verifier,
        case=case,
        survivor_id=first.pk,
        field_choices={"phone": second.pk},
        reason="Satu orang",
    )

    event = AuditEvent.objects.get(action="duplicate.merge")
    assert event.context["reason"] == "Satu orang"
    assert (event.context["survivor"], event.context["merged"]) == (first.pk, [second.pk])
    assert event.context["field_choices"] == {"phone": second.pk}
    correction = AuditEvent.objects.get(action="worker.update", worker_id=first.pk)
    assert correction.changes["phone"] == ["+6281234567890", "+6281299990000"]
    assert correction.changes["heirs"][1] == [
        {"full_name": "Budi Santoso", "relationship": "spouse"},
        {"full_name": "Rina", "relationship": "child"},
    ]
    status = AuditEvent.objects.get(action="worker.status", worker_id=second.pk)
    assert status.changes == {
        "status": ["registered", "inactive"],
        "inactive_reason": ["", "duplicate"],
    }


def test_a_survivor_taking_the_other_records_nik_gives_it_its_own(verifier, twins):
    first, second, case = twins

    merge = merge_workers(
        user=verifier,
        case=case,
        survivor_id=first.pk,
        field_choices={"nik": second.pk},
        reason="NIK yang benar ada di rekaman kedua",
    )

    assert Worker.objects.get(pk=first.pk).nik == "6402064203850004"
    assert Worker.objects.get(pk=second.pk).nik == "6402064203850003"
    assert merge.nik_swaps == [[second.pk, "6402064203850004", "6402064203850003"]]


def test_a_merge_on_stale_versions_is_refused_and_changes_nothing(admin_user, verifier, twins):
    first, second, case = twins
    update_worker(actor=admin_user, worker_id=second.pk, expected_version=1, changes={"rt": "7"})
    before = _state()

    with pytest.raises(ConcurrentEdit, match="admin changed Siti Aminah"):
        merge_workers(
            user=verifier,
            case=case,
            survivor_id=first.pk,
            field_choices={},
            reason="Satu orang",
            expected_versions={first.pk: 1, second.pk: 1},
        )
    assert _state() == before


def test_the_survivors_chosen_values_are_checked_by_the_registry_rules(
    admin_user, verifier, tenggarong_worker
):
    other = siti_again(admin_user, village=TENGGARONG_OTHER_VILLAGE)
    case = open_case(scored(tenggarong_worker, other))
    Region.objects.filter(code=TENGGARONG_OTHER_VILLAGE).update(valid_to=dt.date(2020, 1, 1))
    before = _state()

    with pytest.raises(ValidationError) as refused:
        merge_workers(
            user=verifier,
            case=case,
            survivor_id=tenggarong_worker.pk,
            field_choices={"village": other.pk},
            reason="Satu orang",
        )
    assert "no longer part of the regency" in refused.value.message_dict["village"][0]
    assert _state() == before


def test_a_field_that_cannot_be_chosen_is_refused(verifier, twins):
    first, second, case = twins
    before = _state()
    with pytest.raises(DomainError, match="status"):
        merge_workers(
            user=verifier, case=case, survivor_id=first.pk,
            field_choices={"status": second.pk}, reason="x",
        )  # fmt: skip
    assert _state() == before


def test_a_decided_case_cannot_be_decided_again(verifier, twins):
    first, _, case = twins
    resolve_as_different(user=verifier, case=case, reason="Berbeda")
    before = _state()
    with pytest.raises(DomainError, match="cannot become"):
        merge_workers(user=verifier, case=case, survivor_id=first.pk, field_choices={}, reason="x")
    assert _state() == before


# -- undo -------------------------------------------------------------------------------------


def _restorable(worker_ids: list[int]) -> dict:
    """What an undo must put back exactly (versions and change times move on)."""
    moving = {"version", "updated_at", "updated_by_id"}
    return {
        "workers": [
            {k: v for k, v in row.items() if k not in moving}
            for row in Worker.objects.filter(pk__in=worker_ids).order_by("pk").values()
        ],
        "heirs": list(Heir.objects.filter(worker_id__in=worker_ids).order_by("pk").values()),
        "status_changes": sorted(
            WorkerStatusChange.objects.filter(worker_id__in=worker_ids).values_list(
                "pk", "worker_id"
            )
        ),
    }


def test_undoing_a_merge_restores_exactly_the_previous_state(verifier, twins):
    first, second, case = twins
    before = _restorable([first.pk, second.pk])
    original_changes = before["status_changes"]
    merge = merge_workers(
        user=verifier,
        case=case,
        survivor_id=first.pk,
        field_choices={"nik": second.pk, "phone": second.pk, "address": second.pk},
        reason="Satu orang",
    )

    decision = undo_merge(user=verifier, merge=merge, reason="Ternyata dua orang")

    after = _restorable([first.pk, second.pk])
    assert after["workers"] == before["workers"]
    assert after["heirs"] == before["heirs"]
    # The original status moves are back with their workers; the merge and its undo are
    # two more moves in the retired record's history.
    assert set(original_changes) <= set(after["status_changes"])
    assert Worker.objects.get(pk=second.pk).status == WorkerStatus.REGISTERED
    merge.refresh_from_db()
    case.refresh_from_db()
    assert (merge.undone_by, case.status, case.resolved_at) == (decision, CaseStatus.OPEN, None)
    event = AuditEvent.objects.get(action="duplicate.undo_merge")
    assert (event.context["reason"], event.context["restored"]) == (
        "Ternyata dua orang",
        [second.pk],
    )


def test_a_merge_cannot_be_undone_twice(verifier, twins):
    first, _, case = twins
    merge = merge_workers(user=verifier, case=case, survivor_id=first.pk, field_choices={},
                          reason="Satu orang")  # fmt: skip
    undo_merge(user=verifier, merge=merge, reason="Salah")
    before = _state()
    with pytest.raises(DomainError):
        undo_merge(user=verifier, merge=merge, reason="Salah lagi")
    assert _state() == before


def test_a_merge_is_not_undone_over_a_later_correction(admin_user, verifier, twins):
    first, _, case = twins
    merge = merge_workers(user=verifier, case=case, survivor_id=first.pk, field_choices={},
                          reason="Satu orang")  # fmt: skip
    update_worker(actor=admin_user, worker_id=first.pk, expected_version=2, changes={"rt": "9"})
    before = _state()
    with pytest.raises(ConcurrentEdit, match="changed after the merge"):
        undo_merge(user=verifier, merge=merge, reason="Salah")
    assert _state() == before


def test_an_undone_merge_can_be_decided_again(verifier, twins):
    first, second, case = twins
    merge = merge_workers(user=verifier, case=case, survivor_id=first.pk, field_choices={},
                          reason="Satu orang")  # fmt: skip
    undo_merge(user=verifier, merge=merge, reason="Salah rekaman")

    merge_workers(user=verifier, case=case, survivor_id=second.pk, field_choices={},
                  reason="Rekaman kedua lebih lengkap")  # fmt: skip

    assert Worker.objects.get(pk=first.pk).status == WorkerStatus.INACTIVE
    assert list(case.decisions.order_by("id").values_list("kind", flat=True)) == [
        "same_person",
        "undo_merge",
        "same_person",
    ]


def test_a_worker_registered_later_joins_the_open_case_of_its_double(admin_user, tenggarong_worker):
    second = siti_again(admin_user)
    record_candidates(pairs=[scored(tenggarong_worker, second)])
    third = register(admin_user, nik="6402064203850008", source_ref="X-1", heirs=[])

    record_candidates(pairs=[scored(second, third, weight=11.0)])

    assert DuplicateCase.objects.get().worker_count == 3
