"""Registering a worker: result, database state and audit event; refusals change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import LOA_KULU_VILLAGE, TENGGARONG_OTHER_VILLAGE, TENGGARONG_VILLAGE, worker_input
from lindung.audit.models import AuditEvent
from lindung.core.exceptions import PermissionDenied
from lindung.registry.inputs import HeirInput
from lindung.registry.models import Heir, Worker, WorkerStatus, WorkerStatusChange
from lindung.registry.services import register_worker
from lindung.registry.tests.outcomes import worker_events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


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
    [event] = worker_events()
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


def test_a_declared_birth_date_that_differs_from_the_nik_is_accepted_and_flagged(admin_user):
    worker = register_worker(actor=admin_user, data=worker_input(birth_date=dt.date(1985, 3, 20)))
    assert (worker.birth_date, worker.birth_date_mismatch, worker.sex_mismatch) == (
        dt.date(1985, 3, 20),
        True,
        False,
    )
    assert worker_events()[0].changes["birth_date_mismatch"] == [None, True]


def test_a_declared_sex_that_differs_from_the_nik_is_accepted_and_flagged(admin_user):
    worker = register_worker(actor=admin_user, data=worker_input(sex="M"))
    assert (worker.sex, worker.sex_mismatch, worker.birth_date_mismatch) == ("M", True, False)
    assert worker_events()[0].changes["sex_mismatch"] == [None, True]


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
    assert worker_events() == []


def test_a_village_that_left_the_regency_takes_no_new_workers(admin_user):
    from lindung.regions.models import Region

    Region.objects.filter(code=TENGGARONG_VILLAGE).update(valid_to=dt.date(2024, 12, 31))
    with pytest.raises(ValidationError) as error:
        register_worker(actor=admin_user, data=worker_input())
    assert "village" in error.value.message_dict
