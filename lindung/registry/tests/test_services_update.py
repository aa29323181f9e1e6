"""Correcting a worker: field-by-field events, versions and area rules; refusals change
nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import LOA_KULU_VILLAGE, TENGGARONG_OTHER_VILLAGE, TENGGARONG_VILLAGE, worker_input
from lindung.core.exceptions import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from lindung.registry.models import WorkerStatus
from lindung.registry.services import register_worker, update_worker, worker_input_from
from lindung.registry.tests.outcomes import state_of, worker_events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_an_update_is_audited_field_by_field_and_raises_the_version(
    tenggarong_worker, tenggarong_operator
):
    worker = update_worker(
        actor=tenggarong_operator,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={"phone": "0813 1111 2222", "address": "Jl. Mulawarman 1"},
    )
    worker.refresh_from_db()
    assert (worker.phone, worker.address, worker.version, worker.updated_by) == (
        "+6281311112222",
        "Jl. Mulawarman 1",
        2,
        tenggarong_operator,
    )
    [event] = worker_events("worker.update")
    assert event.changes == {
        "phone": ["+6281234567890", "+6281311112222"],
        "address": ["Jl. Pesut No. 4", "Jl. Mulawarman 1"],
    }
    assert (event.actor, event.worker_id, event.context) == (
        tenggarong_operator,
        worker.pk,
        {"version": 2},
    )


def test_an_update_that_changes_nothing_writes_no_event_and_keeps_the_version(
    tenggarong_worker, tenggarong_operator
):
    before = state_of(tenggarong_worker)
    worker = update_worker(
        actor=tenggarong_operator,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={"phone": "0812-3456-7890", "full_name": " Siti  Aminah "},
    )
    assert worker.version == 1
    assert state_of(tenggarong_worker) == before


def test_correcting_the_birth_date_to_the_nik_clears_the_flag(admin_user):
    worker = register_worker(actor=admin_user, data=worker_input(birth_date=dt.date(1985, 3, 20)))
    update_worker(
        actor=admin_user,
        worker_id=worker.pk,
        expected_version=1,
        changes={"birth_date": dt.date(1985, 3, 2)},
    )
    worker.refresh_from_db()
    assert worker.birth_date_mismatch is False
    assert worker_events("worker.update")[0].changes == {
        "birth_date": ["1985-03-20", "1985-03-02"],
        "birth_date_mismatch": [True, False],
    }


def test_an_update_from_a_stale_version_is_refused_and_changes_nothing(
    tenggarong_worker, admin_user
):
    update_worker(
        actor=admin_user,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={"address": "Jl. Baru"},
    )
    before = state_of(tenggarong_worker)
    with pytest.raises(ConcurrentEdit) as error:
        update_worker(
            actor=admin_user,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"address": "Jl. Lama"},
        )
    assert "admin" in error.value.message
    assert state_of(tenggarong_worker) == before


def test_an_invalid_update_changes_nothing(tenggarong_worker, admin_user):
    before = state_of(tenggarong_worker)
    with pytest.raises(ValidationError):
        update_worker(
            actor=admin_user,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"address": "Jl. Baru", "phone": "123"},
        )
    assert state_of(tenggarong_worker) == before


def test_an_update_of_a_field_that_is_not_editable_is_refused(tenggarong_worker, admin_user):
    before = state_of(tenggarong_worker)
    with pytest.raises(DomainError):
        update_worker(
            actor=admin_user,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"status": WorkerStatus.VERIFIED},
        )
    assert state_of(tenggarong_worker) == before


def test_changing_the_nik_to_one_already_registered_is_refused(
    tenggarong_worker, loa_kulu_worker, admin_user
):
    before = state_of(tenggarong_worker)
    with pytest.raises(ValidationError) as error:
        update_worker(
            actor=admin_user,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"nik": loa_kulu_worker.nik},
        )
    assert "Muhammad Yusuf" in error.value.message_dict["nik"][0]
    assert state_of(tenggarong_worker) == before


def test_an_operator_cannot_update_a_worker_of_another_district(
    tenggarong_worker, loa_kulu_operator
):
    before = state_of(tenggarong_worker)
    with pytest.raises(NotFound):
        update_worker(
            actor=loa_kulu_operator,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"address": "Jl. Lain"},
        )
    assert state_of(tenggarong_worker) == before


def test_an_operator_cannot_move_a_worker_out_of_their_district(
    tenggarong_worker, tenggarong_operator
):
    before = state_of(tenggarong_worker)
    with pytest.raises(ValidationError) as error:
        update_worker(
            actor=tenggarong_operator,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"village": LOA_KULU_VILLAGE},
        )
    assert "village" in error.value.message_dict
    assert state_of(tenggarong_worker) == before


def test_a_village_operator_updates_workers_of_their_village_only(admin_user, village_operator):
    own = register_worker(actor=admin_user, data=worker_input())
    other = register_worker(
        actor=admin_user,
        data=worker_input(nik="6402021508700001", village=TENGGARONG_OTHER_VILLAGE, heirs=[]),
    )
    update_worker(actor=village_operator, worker_id=own.pk, expected_version=1, changes={"rt": "5"})
    before = state_of(other)
    with pytest.raises(NotFound):
        update_worker(
            actor=village_operator, worker_id=other.pk, expected_version=1, changes={"rt": "5"}
        )
    assert state_of(other) == before
    own.refresh_from_db()
    assert own.rt == "005"


@pytest.mark.parametrize("role", ["leader", "auditor", "bpjs_liaison"])
def test_roles_without_edit_rights_cannot_update(request, tenggarong_worker, role):
    user = request.getfixturevalue(role)
    before = state_of(tenggarong_worker)
    with pytest.raises(PermissionDenied):
        update_worker(
            actor=user,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"address": "Jl. Lain"},
        )
    assert state_of(tenggarong_worker) == before


def test_a_worker_keeps_a_village_that_later_left_the_regency(tenggarong_worker, admin_user):
    from lindung.regions.models import Region

    Region.objects.filter(code=TENGGARONG_VILLAGE).update(valid_to=dt.date(2024, 12, 31))
    worker = update_worker(
        actor=admin_user,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={"address": "Jl. Baru"},
    )
    assert (worker.village_id, worker.version) == (TENGGARONG_VILLAGE, 2)


def test_worker_input_from_gives_back_what_was_registered(tenggarong_worker):
    data = worker_input_from(tenggarong_worker)
    assert (data.nik, data.village, data.sector, data.phone, data.rt) == (
        "6402064203850003",
        TENGGARONG_VILLAGE,
        "pertanian",
        "+6281234567890",
        "004",
    )
    assert [(h.full_name, h.relationship) for h in data.heirs] == [("Budi Santoso", "spouse")]
