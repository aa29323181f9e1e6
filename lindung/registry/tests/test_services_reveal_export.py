"""Revealing a full identity number and exporting workers: both audited, both refused
without the capability."""

import pytest
from django.utils import translation

from lindung.core.exceptions import DomainError, NotFound, PermissionDenied
from lindung.registry.services import record_worker_export, reveal_worker_identity
from lindung.registry.tests.outcomes import worker_events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


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
    [event] = worker_events("worker.reveal")
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
    assert worker_events("worker.reveal") == []


def test_a_worker_of_another_district_cannot_be_revealed(tenggarong_worker, loa_kulu_operator):
    with pytest.raises(NotFound):
        reveal_worker_identity(actor=loa_kulu_operator, worker_id=tenggarong_worker.pk, field="nik")
    assert worker_events("worker.reveal") == []


def test_only_identity_fields_can_be_revealed(tenggarong_worker, admin_user):
    with pytest.raises(DomainError):
        reveal_worker_identity(actor=admin_user, worker_id=tenggarong_worker.pk, field="full_name")
    assert worker_events("worker.reveal") == []


def test_an_export_is_audited_with_its_filters_and_size(tenggarong_operator):
    record_worker_export(
        actor=tenggarong_operator,
        filters={"status": "verified"},
        row_count=12,
        file_format="xlsx",
        full_identity=False,
    )
    [event] = worker_events("worker.export")
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
    assert worker_events() == []
