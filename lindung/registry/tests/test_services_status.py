"""Status changes by the table of allowed transitions: who may make them, with what reason,
and the history they leave; refusals change nothing."""

import pytest
from django.utils import translation

from lindung.core.exceptions import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from lindung.registry.models import WorkerStatus, WorkerStatusChange
from lindung.registry.services import STATUS_TRANSITIONS, change_worker_status
from lindung.registry.tests.outcomes import state_of, worker_events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# A valid reason or note for every move, so each allowed transition can be made.
_REASON = {
    WorkerStatus.INACTIVE: {"reason": "moved_away"},
    WorkerStatus.REJECTED: {"note": "Bukan warga Kukar"},
}


def _move(actor, worker, to_status, **kwargs):
    worker.refresh_from_db()
    return change_worker_status(
        actor=actor,
        worker_id=worker.pk,
        expected_version=worker.version,
        to_status=to_status,
        **(_REASON.get(to_status, {}) | kwargs),
    )


def _put_in(status, worker, actor):
    path = {
        WorkerStatus.REGISTERED: [],
        WorkerStatus.VERIFIED: [WorkerStatus.VERIFIED],
        WorkerStatus.REJECTED: [WorkerStatus.REJECTED],
        WorkerStatus.INACTIVE: [WorkerStatus.INACTIVE],
    }[status]
    for step in path:
        _move(actor, worker, step)


@pytest.mark.parametrize(("from_status", "to_status"), list(STATUS_TRANSITIONS))
def test_every_allowed_transition_is_recorded(
    tenggarong_worker, admin_user, from_status, to_status
):
    _put_in(from_status, tenggarong_worker, admin_user)
    tenggarong_worker.refresh_from_db()
    version = tenggarong_worker.version
    worker = _move(admin_user, tenggarong_worker, to_status)
    worker.refresh_from_db()
    assert (worker.status, worker.version) == (to_status, version + 1)
    change = WorkerStatusChange.objects.filter(worker=worker).order_by("-id").first()
    assert (change.from_status, change.to_status, change.changed_by) == (
        from_status,
        to_status,
        admin_user,
    )
    event = worker_events("worker.status")[-1]
    assert event.changes["status"] == [from_status, to_status]
    assert (event.actor, event.worker_id) == (admin_user, worker.pk)


_ALL_PAIRS = [(a, b) for a in WorkerStatus.values for b in WorkerStatus.values]


@pytest.mark.parametrize(
    ("from_status", "to_status"), [pair for pair in _ALL_PAIRS if pair not in STATUS_TRANSITIONS]
)
def test_a_transition_outside_the_table_is_refused(
    tenggarong_worker, admin_user, from_status, to_status
):
    _put_in(from_status, tenggarong_worker, admin_user)
    before = state_of(tenggarong_worker)
    with pytest.raises(DomainError):
        _move(admin_user, tenggarong_worker, to_status)
    assert state_of(tenggarong_worker) == before


def test_an_unknown_status_is_refused(tenggarong_worker, admin_user):
    before = state_of(tenggarong_worker)
    with pytest.raises(DomainError):
        _move(admin_user, tenggarong_worker, "sleeping")
    assert state_of(tenggarong_worker) == before


def test_making_a_worker_inactive_records_the_reason(tenggarong_worker, admin_user):
    worker = _move(
        admin_user,
        tenggarong_worker,
        WorkerStatus.INACTIVE,
        reason="deceased",
        note="Meninggal 3 Mei 2025",
    )
    assert (worker.status, worker.inactive_reason) == ("inactive", "deceased")
    change = WorkerStatusChange.objects.get(worker=worker, to_status="inactive")
    assert (change.reason, change.note) == ("deceased", "Meninggal 3 Mei 2025")
    event = worker_events("worker.status")[0]
    assert event.changes == {
        "status": ["registered", "inactive"],
        "inactive_reason": ["", "deceased"],
    }
    assert event.context == {"note": "Meninggal 3 Mei 2025"}


def test_registering_an_inactive_worker_again_clears_the_reason(tenggarong_worker, admin_user):
    _move(admin_user, tenggarong_worker, WorkerStatus.INACTIVE)
    worker = _move(admin_user, tenggarong_worker, WorkerStatus.REGISTERED)
    assert (worker.status, worker.inactive_reason) == ("registered", "")


@pytest.mark.parametrize("reason", ["", "bored"])
def test_making_a_worker_inactive_needs_a_known_reason(tenggarong_worker, admin_user, reason):
    before = state_of(tenggarong_worker)
    with pytest.raises(DomainError):
        _move(admin_user, tenggarong_worker, WorkerStatus.INACTIVE, reason=reason)
    assert state_of(tenggarong_worker) == before


def test_rejecting_needs_a_written_reason(tenggarong_worker, admin_user):
    before = state_of(tenggarong_worker)
    with pytest.raises(DomainError):
        _move(admin_user, tenggarong_worker, WorkerStatus.REJECTED, note="   ")
    assert state_of(tenggarong_worker) == before


@pytest.mark.parametrize("role", ["verifier", "tenggarong_operator"])
def test_verifiers_and_district_operators_verify(request, tenggarong_worker, role):
    user = request.getfixturevalue(role)
    worker = _move(user, tenggarong_worker, WorkerStatus.VERIFIED)
    assert worker.status == WorkerStatus.VERIFIED
    assert worker_events("worker.status")[0].actor == user


def test_a_village_operator_cannot_verify(tenggarong_worker, village_operator):
    before = state_of(tenggarong_worker)
    with pytest.raises(PermissionDenied):
        _move(village_operator, tenggarong_worker, WorkerStatus.VERIFIED)
    assert state_of(tenggarong_worker) == before


def test_a_village_operator_may_mark_a_worker_of_their_village_inactive(
    tenggarong_worker, village_operator
):
    assert _move(village_operator, tenggarong_worker, WorkerStatus.INACTIVE).status == "inactive"


def test_an_operator_of_another_district_cannot_verify(tenggarong_worker, loa_kulu_operator):
    before = state_of(tenggarong_worker)
    with pytest.raises(NotFound):
        _move(loa_kulu_operator, tenggarong_worker, WorkerStatus.VERIFIED)
    assert state_of(tenggarong_worker) == before


@pytest.mark.parametrize("role", ["leader", "auditor", "bpjs_liaison"])
def test_roles_without_rights_cannot_change_a_status(request, tenggarong_worker, role):
    user = request.getfixturevalue(role)
    before = state_of(tenggarong_worker)
    with pytest.raises(PermissionDenied):
        _move(user, tenggarong_worker, WorkerStatus.VERIFIED)
    assert state_of(tenggarong_worker) == before


def test_a_status_change_from_a_stale_version_is_refused(tenggarong_worker, admin_user):
    before = state_of(tenggarong_worker)
    with pytest.raises(ConcurrentEdit):
        change_worker_status(
            actor=admin_user,
            worker_id=tenggarong_worker.pk,
            expected_version=7,
            to_status=WorkerStatus.VERIFIED,
        )
    assert state_of(tenggarong_worker) == before
