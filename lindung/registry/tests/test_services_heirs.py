"""A worker's heirs, registered and corrected with the worker: legal order, one event,
problems named by heir."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import worker_input
from lindung.registry.inputs import HeirInput
from lindung.registry.models import Heir, Worker
from lindung.registry.services import register_worker, update_worker, worker_input_from
from lindung.registry.tests.outcomes import state_of, worker_events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


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
    [event] = worker_events("worker.update")
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
    before = state_of(tenggarong_worker)
    heirs = worker_input_from(tenggarong_worker).heirs
    update_worker(
        actor=admin_user,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={},
        heirs=heirs,
    )
    assert state_of(tenggarong_worker) == before


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
    before = state_of(tenggarong_worker)
    with pytest.raises(ValidationError) as error:
        update_worker(
            actor=admin_user,
            worker_id=tenggarong_worker.pk,
            expected_version=1,
            changes={"rt": "1234"},
            heirs=[HeirInput(full_name="Budi", relationship="cousin")],
        )
    assert set(error.value.message_dict) == {"rt", "heirs"}
    assert state_of(tenggarong_worker) == before
