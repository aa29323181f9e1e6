"""The audit trail: every event chained to the one before, so no edit goes unnoticed."""

import itertools

import pytest
from django.db import transaction

from lindung.audit.models import AuditChainHead, AuditEvent
from lindung.audit.services import GENESIS_HASH, record_event, verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_events(admin_user):
    """Five events after the ones the cast already wrote (regions, the administrator)."""
    for number in range(5):
        record_event(
            actor=admin_user,
            action="test.event",
            object_type="thing",
            object_id=number,
            worker_id=100 + number,
            changes={"value": [number, number + 1]},
            context={"n": number},
        )
    return list(AuditEvent.objects.order_by("sequence"))


def test_an_event_carries_who_did_what_to_which_worker(admin_user):
    event = record_event(
        actor=admin_user,
        action="worker.update",
        object_type="worker",
        object_id=42,
        worker_id=42,
        changes={"rt": ["001", "002"]},
        context={"version": 2},
    )
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.actor, event.actor_username, event.action) == (
        admin_user,
        "admin",
        "worker.update",
    )
    assert (event.object_type, event.object_id, event.worker_id) == ("worker", "42", 42)
    assert (event.changes, event.context) == ({"rt": ["001", "002"]}, {"version": 2})


def test_an_event_without_an_actor_is_a_system_event(db):
    event = record_event(actor=None, action="system.start")
    assert (event.actor, event.actor_username, event.sequence) == (None, "", 1)
    assert event.previous_hash == GENESIS_HASH


def test_events_are_numbered_without_gaps_and_each_points_to_the_one_before(five_events):
    assert [e.sequence for e in five_events] == list(range(1, len(five_events) + 1))
    assert five_events[0].previous_hash == GENESIS_HASH
    for before, after in itertools.pairwise(five_events):
        assert after.previous_hash == before.hash
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (five_events[-1].sequence, five_events[-1].hash)


def test_dates_in_changes_are_stored_as_text_and_still_verify(admin_user):
    import datetime as dt

    event = record_event(
        actor=admin_user, action="test.dates", changes={"valid_to": [None, dt.date(2025, 5, 6)]}
    )
    assert AuditEvent.objects.get(pk=event.pk).changes == {"valid_to": [None, "2025-05-06"]}
    assert verify_chain().ok


def test_an_untouched_chain_verifies(five_events):
    report = verify_chain()
    assert (report.ok, report.events, report.broken_sequence) == (True, len(five_events), None)


def test_an_empty_chain_verifies(db):
    assert (verify_chain().ok, verify_chain().events) == (True, 0)


def test_verification_reads_the_chain_in_batches(five_events):
    assert verify_chain(batch_size=2).events == len(five_events)


def test_editing_the_changes_of_an_event_is_found_at_that_event(five_events):
    target = five_events[3]
    AuditEvent.objects.filter(pk=target.pk).update(changes={"value": [0, 999]})
    report = verify_chain()
    assert (report.ok, report.broken_sequence, report.events) == (False, target.sequence, 3)
    assert "content" in report.problem


@pytest.mark.parametrize("field", ["action", "actor_username", "object_id", "context"])
def test_editing_any_recorded_field_is_found(five_events, field):
    value = {"context": {"n": 7}}.get(field, "forged")
    AuditEvent.objects.filter(pk=five_events[2].pk).update(**{field: value})
    assert verify_chain().broken_sequence == five_events[2].sequence


def test_deleting_an_event_is_found_at_the_missing_number(five_events):
    AuditEvent.objects.filter(pk=five_events[2].pk).delete()
    report = verify_chain()
    assert (report.ok, report.broken_sequence) == (False, five_events[2].sequence)
    assert "missing" in report.problem


def test_deleting_the_last_event_is_found(five_events):
    AuditEvent.objects.filter(pk=five_events[-1].pk).delete()
    report = verify_chain()
    assert (report.ok, report.broken_sequence) == (False, five_events[-1].sequence)


def test_altering_a_hash_is_found_at_that_event(five_events):
    target = five_events[1]
    AuditEvent.objects.filter(pk=target.pk).update(hash="f" * 64)
    report = verify_chain()
    assert (report.ok, report.broken_sequence) == (False, target.sequence)


def test_rewriting_an_event_with_a_fresh_hash_breaks_the_link_of_the_next(five_events):
    from lindung.audit.services import _event_digest

    target = AuditEvent.objects.get(pk=five_events[1].pk)
    target.changes = {"value": [0, 999]}
    target.hash = _event_digest(target)
    AuditEvent.objects.filter(pk=target.pk).update(changes=target.changes, hash=target.hash)
    report = verify_chain()
    assert (report.ok, report.broken_sequence) == (False, five_events[2].sequence)
    assert "event before" in report.problem


def test_an_event_recorded_in_a_transaction_that_rolls_back_leaves_nothing(five_events, admin_user):
    head_before = AuditChainHead.objects.values().get()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor=admin_user, action="test.rolled_back")
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    assert AuditChainHead.objects.values().get() == head_before
    event = record_event(actor=admin_user, action="test.after")
    assert event.sequence == len(five_events) + 1
    assert verify_chain().ok
