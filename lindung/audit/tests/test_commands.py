"""`lindung audit_verify`: exit 0 with the count when intact, 1 naming the first broken event."""

import io

import pytest
from django.core.management import call_command

from lindung.audit.models import AuditEvent
from lindung.audit.services import record_event

pytestmark = pytest.mark.django_db


def _verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def events(db):
    return [
        record_event(actor=None, action="test.event", changes={"n": [None, n]}) for n in range(4)
    ]


def test_an_intact_trail_prints_ok_and_the_number_of_events(events):
    assert _verify() == (0, "OK 4 events\n")


def test_a_tampered_event_makes_the_command_fail_naming_it(events):
    AuditEvent.objects.filter(pk=events[2].pk).update(changes={"n": [None, 99]})
    code, output = _verify()
    assert code == 1
    assert output.startswith("BROKEN at event #3:")
    assert "(2 events before it are intact)" in output


def test_a_deleted_event_makes_the_command_fail_naming_it(events):
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    code, output = _verify()
    assert code == 1
    assert output.startswith("BROKEN at event #2:")
