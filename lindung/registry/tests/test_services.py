"""Every write to workers and heirs: result, database state and audit event; refusals change
nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import LOA_KULU_VILLAGE, TENGGARONG_OTHER_VILLAGE, TENGGARONG_VILLAGE, worker_input
from lindung.audit.models import AuditEvent
from lindung.core.exceptions import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from lindung.registry.inputs import HeirInput
from lindung.registry.models import Heir, Worker, WorkerStatus, WorkerStatusChange
from lindung.registry.services import (
    STATUS_TRANSITIONS,
    change_worker_status,
    record_worker_export,
    register_worker,
    reveal_worker_identity,
    update_worker,
    worker_input_from,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _worker_events(action: str = "") -> list[AuditEvent]:
    events = AuditEvent.objects.filter(action__startswith="worker.").order_by("sequence")
    return list(events.filter(action=action) if action else events)


def _state(worker: Worker) -> dict:
    """Everything a refused change must leave as it was."""
    return {
        "worker": Worker.objects.filter(pk=worker.pk).values().get(),
        "heirs": list(Heir.objects.filter(worker=worker).values()),
        "status_changes": WorkerStatusChange.objects.filter(worker=worker).count(),
        "events": AuditEvent.objects.count(),
    }


# -- register ---------------------------------------------------------------------------------


def test_registering_a_worker_stores_the_cleaned_values(admin_user):
    worker = register_worker(actor=admin_user, data=worker_input())
    worker = Worker.objects.get(pk=worker.pk)
    assert (worker.nik, worker.full_name, worker.name_normalized) == (
        "6402064203850003",
        "Siti Aminah",
        "siti aminah",
    )
    assert (worker.birth_date, worker.sex, worker.phone) == (
        dt.date(1985, 3, 2),
        "F",
        "+6281234567890",
    )
    assert (worker.rt, worker.rw, worker.village_id, worker.sector.code) == (
        "004",
        "002",
        TENGGARONG_VILLAGE,
        "pertanian",
    )
    assert (worker.monthly_income, worker.welfare_decile, worker.source_ref) == (
        1_500_000,
        3,
        "TGR-0001",
    )
    assert (worker.status, worker.version, worker.created_by, worker.updated_by) == (
        WorkerStatus.REGISTERED,
        1,
        admin_user,
        admin_user,
    )
    assert (worker.birth_date_mismatch, worker.sex_mismatch) == (False, False)


def test_registering_a_worker_stores_the_heirs_and_the_first_status(admin_user):
    worker = register_worker(actor=admin_user, data=worker_input())
    assert list(
        worker.heirs.values_list("full_name", "relationship", "priority", "birth_date")
    ) == [("Budi Santoso", "spouse", 1, dt.date(1980, 1, 5))]
    change = WorkerStatusChange.objects.get(worker=worker)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "",
        WorkerStatus.REGISTERED,
        admin_user,
    )


def test_registering_a_worker_writes_one_event_with_every_value_set(admin_user):
    worker = register_worker(actor=admin_user, data=worker_input())
    [event] = _worker_events()
    assert (event.action, event.actor, event.worker_id, event.object_id) == (
        "worker.register",
        admin_user,
        worker.pk,
        str(worker.pk),
    )
    assert event.changes == {
        "nik": [None, "6402064203850003"],
        "full_name": [None, "Siti Aminah"],
        "birth_place": [None, "Tenggarong"],
        "birth_date": [None, "1985-03-02"],
        "sex": [None, "F"],
        "phone": [None, "+6281234567890"],
        "address": [None, "Jl. Pesut No. 4"],
        "rt": [None, "004"],
        "rw": [None, "002"],
        "village": [None, TENGGARONG_VILLAGE],
        "occupation": [None, "Petani"],
        "sector": [None, "pertanian"],
        "monthly_income": [None, 1_500_000],
        "welfare_decile": [None, 3],
        "source_ref": [None, "TGR-0001"],
        "legal_basis": [None, "public_task"],
        "heirs": [
            None,
            [
                {
                    "full_name": "Budi Santoso",
                    "relationship": "spouse",
                    "birth_date": "1980-01-05",
                    "nik": "",
                    "phone": "",
                }
            ],
        ],
    }


def test_the_birth_date_and_sex_may_be_left_for_the_nik_to_give(admin_user):
    worker = register_worker(actor=admin_user, data=worker_input(birth_date=None, sex=""))
    assert (worker.birth_date, worker.sex) == (dt.date(1985, 3, 2), "F")


def test_heirs_are_stored_in_legal_order_whatever_order_they_were_entered(admin_user):
    worker = register_worker(
        actor=admin_user,
        data=worker_input(
            heirs=[
                HeirInput(full_name="Ibu Aminah", relationship="parent"),
                HeirInput(full_name="Adik", relationship="sibling"),
                HeirInput(full_name="Anak Pertama", relationship="child"),
            ]
        ),
    )
    assert list(worker.heirs.values_list("full_name", "priority")) == [
        ("Anak Pertama", 1),
        ("Ibu Aminah", 2),
        ("Adik", 3),
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nik": "6402064203850000"}, "nik"),
        ({"nik": "6.40206E+15"}, "nik"),
        ({"full_name": "  "}, "full_name"),
        ({"phone": "12345"}, "phone"),
        ({"kk_number": "123"}, "kk_number"),
        ({"birth_date": dt.date.today() + dt.timedelta(days=1)}, "birth_date"),
        ({"birth_date": dt.date.today() - dt.timedelta(days=365 * 10)}, "birth_date"),
        ({"sex": "X"}, "sex"),
        ({"village": "64.02.06.9999"}, "village"),
        ({"village": "64.02.06"}, "village"),  # a district is not a village
        ({"village": ""}, "village"),
        ({"sector": "no-such-sector"}, "sector"),
        ({"sector": "", "occupation": "Astronaut"}, "sector"),
        ({"sector": "", "occupation": ""}, "sector"),
        ({"monthly_income": -1}, "monthly_income"),
        ({"monthly_income": "banyak"}, "monthly_income"),
        ({"welfare_decile": 11}, "welfare_decile"),
        ({"welfare_decile": 0}, "welfare_decile"),
        ({"rt": "1234"}, "rt"),
        ({"rw": "A"}, "rw"),
        ({"legal_basis": "whim"}, "legal_basis"),
        ({"heirs": [HeirInput(full_name="", relationship="spouse")]}, "heirs"),
        ({"heirs": [HeirInput(full_name="Budi", relationship="cousin")]}, "heirs"),
        (
            {
                "heirs": [
                    HeirInput(
                        full_name="Budi",
                        relationship="child",
                        birth_date=dt.date.today() + dt.timedelta(days=1),
                    )
                ]
            },
            "heirs",
        ),
        ({"heirs": [HeirInput(full_name="Budi", relationship="spouse", nik="123")]}, "heirs"),
        ({"heirs": [HeirInput(full_name="Budi", relationship="spouse", phone="12")]}, "heirs"),
    ],
)
def test_an_invalid_value_is_refused_and_leaves_no_worker_heir_or_event(
    admin_user, overrides, field
):
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        register_worker(actor=admin_user, data=worker_input(**overrides))
    assert field in error.value.message_dict
    assert Worker.objects.count() == 0
    assert Heir.objects.count() == 0
    assert WorkerStatusChange.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_every_problem_of_a_worker_is_reported_at_once(admin_user):
    with pytest.raises(ValidationError) as error:
        register_worker(actor=admin_user, data=worker_input(nik="123", phone="1", rt="1234"))
    assert {"nik", "phone", "rt"} <= set(error.value.message_dict)


def test_a_heir_problem_names_the_heir_by_number(admin_user):
    with pytest.raises(ValidationError) as error:
        register_worker(
            actor=admin_user,
            data=worker_input(
                heirs=[
                    HeirInput(full_name="Budi", relationship="spouse"),
                    HeirInput(full_name="", relationship="child"),
                ]
            ),
        )
    assert error.value.message_dict["heirs"] == ["Heir 2: the name is required."]


def test_a_declared_birth_date_that_differs_from_the_nik_is_accepted_and_flagged(admin_user):
    worker = register_worker(actor=admin_user, data=worker_input(birth_date=dt.date(1985, 3, 20)))
    assert (worker.birth_date, worker.birth_date_mismatch, worker.sex_mismatch) == (
        dt.date(1985, 3, 20),
        True,
        False,
    )
    assert _worker_events()[0].changes["birth_date_mismatch"] == [None, True]


def test_a_declared_sex_that_differs_from_the_nik_is_accepted_and_flagged(admin_user):
    worker = register_worker(actor=admin_user, data=worker_input(sex="M"))
    assert (worker.sex, worker.sex_mismatch, worker.birth_date_mismatch) == ("M", True, False)
    assert _worker_events()[0].changes["sex_mismatch"] == [None, True]


def test_a_nik_already_registered_is_refused_naming_the_holder_when_in_scope(
    tenggarong_worker, tenggarong_operator
):
    with pytest.raises(ValidationError) as error:
        register_worker(
            actor=tenggarong_operator,
            data=worker_input(village=TENGGARONG_OTHER_VILLAGE, full_name="Lain"),
        )
    [message] = error.value.message_dict["nik"]
    assert "Siti Aminah" in message
    assert str(tenggarong_worker.pk) in message
    assert Worker.objects.count() == 1


def test_a_nik_registered_in_another_district_is_refused_without_naming_the_holder(
    tenggarong_worker, loa_kulu_operator
):
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        register_worker(
            actor=loa_kulu_operator,
            data=worker_input(village=LOA_KULU_VILLAGE, full_name="Orang Lain"),
        )
    [message] = error.value.message_dict["nik"]
    assert "Siti Aminah" not in message
    assert "Jahab" not in message
    assert str(tenggarong_worker.pk) not in message
    assert Worker.objects.count() == 1
    assert AuditEvent.objects.count() == events_before


def test_the_sector_follows_from_a_known_occupation(admin_user):
    worker = register_worker(
        actor=admin_user, data=worker_input(sector="", occupation="  NELAYAN ")
    )
    assert (worker.occupation, worker.sector.code) == ("NELAYAN", "perikanan")


def test_a_chosen_sector_wins_over_the_occupations_sector(admin_user):
    worker = register_worker(
        actor=admin_user, data=worker_input(sector="usaha-kecil", occupation="Nelayan")
    )
    assert worker.sector.code == "usaha-kecil"


def test_an_operator_cannot_register_a_worker_outside_their_district(loa_kulu_operator):
    with pytest.raises(ValidationError) as error:
        register_worker(actor=loa_kulu_operator, data=worker_input())
    assert "village" in error.value.message_dict
    assert Worker.objects.count() == 0


def test_a_village_operator_registers_only_in_their_village(village_operator):
    assert register_worker(actor=village_operator, data=worker_input()).village_id == (
        TENGGARONG_VILLAGE
    )
    with pytest.raises(ValidationError):
        register_worker(
            actor=village_operator,
            data=worker_input(nik="6402021508700001", village=TENGGARONG_OTHER_VILLAGE),
        )
    assert Worker.objects.count() == 1


@pytest.mark.parametrize("role", ["leader", "auditor", "bpjs_liaison"])
def test_roles_without_edit_rights_cannot_register(request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        register_worker(actor=user, data=worker_input())
    assert Worker.objects.count() == 0
    assert _worker_events() == []


def test_a_village_that_left_the_regency_takes_no_new_workers(admin_user):
    from lindung.regions.models import Region

    Region.objects.filter(code=TENGGARONG_VILLAGE).update(valid_to=dt.date(2024, 12, 31))
    with pytest.raises(ValidationError) as error:
        register_worker(actor=admin_user, data=worker_input())
    assert "village" in error.value.message_dict


# -- update -----------------------------------------------------------------------------------


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
    [event] = _worker_events("worker.update")
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
    before = _state(tenggarong_worker)
    worker = update_worker(
        actor=tenggarong_operator,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={"phone": "0812-3456-7890", "full_name": " Siti  Aminah "},
    )
    assert worker.version == 1
    assert _state(tenggarong_worker) == before


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
    assert _worker_events("worker.update")[0].changes == {
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
    before = _state(tenggarong_worker)
    with pytest.raises(ConcurrentEdit) as error:
        update_worker(
            actor=admin_user,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"address": "Jl. Lama"},
        )
    assert "admin" in error.value.message
    assert _state(tenggarong_worker) == before


def test_an_invalid_update_changes_nothing(tenggarong_worker, admin_user):
    before = _state(tenggarong_worker)
    with pytest.raises(ValidationError):
        update_worker(
            actor=admin_user,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"address": "Jl. Baru", "phone": "123"},
        )
    assert _state(tenggarong_worker) == before


def test_an_update_of_a_field_that_is_not_editable_is_refused(tenggarong_worker, admin_user):
    before = _state(tenggarong_worker)
    with pytest.raises(DomainError):
        update_worker(
            actor=admin_user,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"status": WorkerStatus.VERIFIED},
        )
    assert _state(tenggarong_worker) == before


def test_changing_the_nik_to_one_already_registered_is_refused(
    tenggarong_worker, loa_kulu_worker, admin_user
):
    before = _state(tenggarong_worker)
    with pytest.raises(ValidationError) as error:
        update_worker(
            actor=admin_user,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"nik": loa_kulu_worker.nik},
        )
    assert "Muhammad Yusuf" in error.value.message_dict["nik"][0]
    assert _state(tenggarong_worker) == before


def test_heirs_are_added_corrected_and_removed_with_one_event(admin_user):
    worker = register_worker(
        actor=admin_user,
        data=worker_input(
            heirs=[
                HeirInput(full_name="Budi Santoso", relationship="spouse"),
                HeirInput(full_name="Ibu Aminah", relationship="parent"),
            ]
        ),
    )
    spouse, parent = worker.heirs.all()
    update_worker(
        actor=admin_user,
        worker_id=worker.pk,
        expected_version=1,
        changes={},
        heirs=[
            HeirInput(id=spouse.pk, full_name="Budi Santosa", relationship="spouse"),
            HeirInput(full_name="Rina", relationship="child", birth_date=dt.date(2010, 1, 1)),
        ],
    )
    corrected, added = worker.heirs.all()
    assert (corrected.pk, corrected.full_name) == (spouse.pk, "Budi Santosa")
    assert (added.full_name, added.relationship, added.priority) == ("Rina", "child", 1)
    assert added.pk not in (spouse.pk, parent.pk)
    assert not Heir.objects.filter(pk=parent.pk).exists()
    [event] = _worker_events("worker.update")
    assert event.changes == {
        "heirs": [
            [
                {
                    "full_name": "Budi Santoso",
                    "relationship": "spouse",
                    "birth_date": None,
                    "nik": "",
                    "phone": "",
                },
                {
                    "full_name": "Ibu Aminah",
                    "relationship": "parent",
                    "birth_date": None,
                    "nik": "",
                    "phone": "",
                },
            ],
            [
                {
                    "full_name": "Budi Santosa",
                    "relationship": "spouse",
                    "birth_date": None,
                    "nik": "",
                    "phone": "",
                },
                {
                    "full_name": "Rina",
                    "relationship": "child",
                    "birth_date": "2010-01-01",
                    "nik": "",
                    "phone": "",
                },
            ],
        ]
    }
    worker.refresh_from_db()
    assert worker.version == 2


def test_the_same_heirs_again_change_nothing(tenggarong_worker, admin_user):
    before = _state(tenggarong_worker)
    heirs = worker_input_from(tenggarong_worker).heirs
    update_worker(
        actor=admin_user,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={},
        heirs=heirs,
    )
    assert _state(tenggarong_worker) == before


def test_an_operator_cannot_update_a_worker_of_another_district(
    tenggarong_worker, loa_kulu_operator
):
    before = _state(tenggarong_worker)
    with pytest.raises(NotFound):
        update_worker(
            actor=loa_kulu_operator,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"address": "Jl. Lain"},
        )
    assert _state(tenggarong_worker) == before


def test_an_operator_cannot_move_a_worker_out_of_their_district(
    tenggarong_worker, tenggarong_operator
):
    before = _state(tenggarong_worker)
    with pytest.raises(ValidationError) as error:
        update_worker(
            actor=tenggarong_operator,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"village": LOA_KULU_VILLAGE},
        )
    assert "village" in error.value.message_dict
    assert _state(tenggarong_worker) == before


def test_a_village_operator_updates_workers_of_their_village_only(admin_user, village_operator):
    own = register_worker(actor=admin_user, data=worker_input())
    other = register_worker(
        actor=admin_user,
        data=worker_input(nik="6402021508700001", village=TENGGARONG_OTHER_VILLAGE, heirs=[]),
    )
    update_worker(actor=village_operator, worker_id=own.pk, expected_version=1, changes={"rt": "5"})
    before = _state(other)
    with pytest.raises(NotFound):
        update_worker(
            actor=village_operator, worker_id=other.pk, expected_version=1, changes={"rt": "5"}
        )
    assert _state(other) == before
    own.refresh_from_db()
    assert own.rt == "005"


@pytest.mark.parametrize("role", ["leader", "auditor", "bpjs_liaison"])
def test_roles_without_edit_rights_cannot_update(request, tenggarong_worker, role):
    user = request.getfixturevalue(role)
    before = _state(tenggarong_worker)
    with pytest.raises(PermissionDenied):
        update_worker(
            actor=user,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"address": "Jl. Lain"},
        )
    assert _state(tenggarong_worker) == before


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


# -- status -----------------------------------------------------------------------------------

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
    event = _worker_events("worker.status")[-1]
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
    before = _state(tenggarong_worker)
    with pytest.raises(DomainError):
        _move(admin_user, tenggarong_worker, to_status)
    assert _state(tenggarong_worker) == before


def test_an_unknown_status_is_refused(tenggarong_worker, admin_user):
    before = _state(tenggarong_worker)
    with pytest.raises(DomainError):
        _move(admin_user, tenggarong_worker, "sleeping")
    assert _state(tenggarong_worker) == before


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
    event = _worker_events("worker.status")[0]
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
    before = _state(tenggarong_worker)
    with pytest.raises(DomainError):
        _move(admin_user, tenggarong_worker, WorkerStatus.INACTIVE, reason=reason)
    assert _state(tenggarong_worker) == before


def test_rejecting_needs_a_written_reason(tenggarong_worker, admin_user):
    before = _state(tenggarong_worker)
    with pytest.raises(DomainError):
        _move(admin_user, tenggarong_worker, WorkerStatus.REJECTED, note="   ")
    assert _state(tenggarong_worker) == before


@pytest.mark.parametrize("role", ["verifier", "tenggarong_operator"])
def test_verifiers_and_district_operators_verify(request, tenggarong_worker, role):
    user = request.getfixturevalue(role)
    worker = _move(user, tenggarong_worker, WorkerStatus.VERIFIED)
    assert worker.status == WorkerStatus.VERIFIED
    assert _worker_events("worker.status")[0].actor == user


def test_a_village_operator_cannot_verify(tenggarong_worker, village_operator):
    before = _state(tenggarong_worker)
    with pytest.raises(PermissionDenied):
        _move(village_operator, tenggarong_worker, WorkerStatus.VERIFIED)
    assert _state(tenggarong_worker) == before


def test_a_village_operator_may_mark_a_worker_of_their_village_inactive(
    tenggarong_worker, village_operator
):
    assert _move(village_operator, tenggarong_worker, WorkerStatus.INACTIVE).status == "inactive"


def test_an_operator_of_another_district_cannot_verify(tenggarong_worker, loa_kulu_operator):
    before = _state(tenggarong_worker)
    with pytest.raises(NotFound):
        _move(loa_kulu_operator, tenggarong_worker, WorkerStatus.VERIFIED)
    assert _state(tenggarong_worker) == before


@pytest.mark.parametrize("role", ["leader", "auditor", "bpjs_liaison"])
def test_roles_without_rights_cannot_change_a_status(request, tenggarong_worker, role):
    user = request.getfixturevalue(role)
    before = _state(tenggarong_worker)
    with pytest.raises(PermissionDenied):
        _move(user, tenggarong_worker, WorkerStatus.VERIFIED)
    assert _state(tenggarong_worker) == before


def test_a_status_change_from_a_stale_version_is_refused(tenggarong_worker, admin_user):
    before = _state(tenggarong_worker)
    with pytest.raises(ConcurrentEdit):
        change_worker_status(
            actor=admin_user,
            worker_id=tenggarong_worker.pk,
            expected_version=7,
            to_status=WorkerStatus.VERIFIED,
        )
    assert _state(tenggarong_worker) == before


# -- reveal and export ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("nik", "6402064203850003"), ("phone", "+6281234567890"), ("kk_number", "")],
)
def test_revealing_an_identity_number_returns_it_and_is_audited(
    tenggarong_worker, tenggarong_operator, field, value
):
    assert (
        reveal_worker_identity(
            actor=tenggarong_operator, worker_id=tenggarong_worker.pk, field=field
        )
        == value
    )
    [event] = _worker_events("worker.reveal")
    assert (event.actor, event.worker_id, event.context, event.changes) == (
        tenggarong_operator,
        tenggarong_worker.pk,
        {"field": field},
        {},
    )


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_revealing_needs_the_full_identity_capability(request, tenggarong_worker, role):
    with pytest.raises(PermissionDenied):
        reveal_worker_identity(
            actor=request.getfixturevalue(role), worker_id=tenggarong_worker.pk, field="nik"
        )
    assert _worker_events("worker.reveal") == []


def test_a_worker_of_another_district_cannot_be_revealed(tenggarong_worker, loa_kulu_operator):
    with pytest.raises(NotFound):
        reveal_worker_identity(actor=loa_kulu_operator, worker_id=tenggarong_worker.pk, field="nik")
    assert _worker_events("worker.reveal") == []


def test_only_identity_fields_can_be_revealed(tenggarong_worker, admin_user):
    with pytest.raises(DomainError):
        reveal_worker_identity(actor=admin_user, worker_id=tenggarong_worker.pk, field="full_name")
    assert _worker_events("worker.reveal") == []


def test_an_export_is_audited_with_its_filters_and_size(tenggarong_operator):
    record_worker_export(
        actor=tenggarong_operator,
        filters={"status": "verified"},
        row_count=12,
        file_format="xlsx",
        full_identity=False,
    )
    [event] = _worker_events("worker.export")
    assert (event.actor, event.object_type, event.worker_id) == (
        tenggarong_operator,
        "worker_list",
        None,
    )
    assert event.context == {
        "filters": {"status": "verified"},
        "rows": 12,
        "format": "xlsx",
        "full_identity": False,
    }


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_roles_without_export_rights_cannot_export(request, role):
    with pytest.raises(PermissionDenied):
        record_worker_export(
            actor=request.getfixturevalue(role),
            filters={},
            row_count=1,
            file_format="csv",
            full_identity=False,
        )
    assert _worker_events() == []


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


def test_problems_of_the_worker_and_of_the_heirs_are_reported_together(admin_user):
    with pytest.raises(ValidationError) as error:
        register_worker(
            actor=admin_user,
            data=worker_input(phone="1", heirs=[HeirInput(full_name="", relationship="child")]),
        )
    assert set(error.value.message_dict) == {"phone", "heirs"}
    assert Worker.objects.count() == 0


def test_an_update_reports_problems_of_the_worker_and_the_heirs_together(
    tenggarong_worker, admin_user
):
    before = _state(tenggarong_worker)
    with pytest.raises(ValidationError) as error:
        update_worker(
            actor=admin_user,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"rt": "1234"},
            heirs=[HeirInput(full_name="Budi", relationship="cousin")],
        )
    assert set(error.value.message_dict) == {"rt", "heirs"}
    assert _state(tenggarong_worker) == before
