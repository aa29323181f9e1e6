import datetime as dt
import re
import zoneinfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from conftest import PASSWORD
from lindung.audit.models import AuditEvent
from lindung.audit.selectors import audit_events_for_user, masked
from lindung.audit.services import record_event, verify_chain
from lindung.core.exceptions import PermissionDenied
from lindung.registry.services import update_worker

pytestmark = pytest.mark.django_db

LIST_URL = "/audit/"
WITA = zoneinfo.ZoneInfo("Asia/Makassar")
NIK = "6402064203850003"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _sequences(response) -> list[int]:
    return [
        int(n)
        for n in re.findall(r'<td class="num"><a href="/audit/(\d+)/">', response.content.decode())
    ]


def test_auditor_and_admin_can_read_the_trail(client, auditor, admin_user):
    for user in (auditor, admin_user):
        client.force_login(user)
        response = client.get(LIST_URL)
        assert response.status_code == 200
        assert _sequences(response) == list(
            AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)
        )


@pytest.mark.parametrize(
    "who", ["tenggarong_operator", "village_operator", "verifier", "bpjs_liaison", "leader"]
)
def test_other_roles_are_refused_every_audit_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    events_before = AuditEvent.objects.count()
    for url in (LIST_URL, "/audit/1/", "/audit/verify/status/"):
        assert client.get(url).status_code == 403
    assert client.post("/audit/verify/").status_code == 403
    assert AuditEvent.objects.count() == events_before


def test_the_selector_itself_refuses_a_role_without_audit_access(leader):
    with pytest.raises(PermissionDenied):
        audit_events_for_user(leader)


def test_events_come_newest_first_fifty_to_a_page(client, auditor):
    for number in range(60):
        record_event(actor=None, action="test.filler", object_id=number)
    newest = AuditEvent.objects.order_by("-sequence").first().sequence
    client.force_login(auditor)
    first_page = _sequences(client.get(LIST_URL))
    assert first_page == list(range(newest, newest - 50, -1))
    second_page = _sequences(client.get(LIST_URL, {"page": 2}))
    assert second_page == list(range(newest - 50, 0, -1))


def test_filter_by_worker_shows_only_that_workers_events(
    client, auditor, tenggarong_worker, loa_kulu_worker
):
    client.force_login(auditor)
    response = client.get(LIST_URL, {"worker": loa_kulu_worker.pk})
    expected = AuditEvent.objects.filter(worker_id=loa_kulu_worker.pk).values_list(
        "sequence", flat=True
    )
    assert _sequences(response) == sorted(expected, reverse=True)
    assert len(_sequences(response)) == 1


def test_filter_by_user_and_action(
    client, auditor, admin_user, tenggarong_operator, tenggarong_worker
):
    update_worker(
        actor=tenggarong_operator,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={"address": "Jl. Mulawarman 1"},
    )
    client.force_login(auditor)
    by_user = _sequences(client.get(LIST_URL, {"user": "op_tenggarong"}))
    assert by_user == [AuditEvent.objects.get(action="worker.update").sequence]
    by_action = _sequences(client.get(LIST_URL, {"action": "worker.register"}))
    assert by_action == [AuditEvent.objects.get(action="worker.register").sequence]


def test_filter_by_dates_uses_the_days_of_the_local_clock(client, auditor):
    record_event(actor=None, action="test.day")
    # 23.30 WITA on 1 May is still 1 May locally, though it is 15.30 UTC.
    late_evening = dt.datetime(2025, 5, 1, 23, 30, tzinfo=WITA)
    next_morning = dt.datetime(2025, 5, 2, 0, 30, tzinfo=WITA)
    events = list(AuditEvent.objects.filter(action="test.day"))
    AuditEvent.objects.filter(pk=events[0].pk).update(occurred_at=late_evening)
    evening = record_event(actor=None, action="test.day")
    AuditEvent.objects.filter(pk=evening.pk).update(occurred_at=next_morning)
    client.force_login(auditor)
    may_first = _sequences(
        client.get(LIST_URL, {"date_from": "2025-05-01", "date_to": "2025-05-01"})
    )
    assert may_first == [events[0].sequence]
    from_second = _sequences(
        client.get(LIST_URL, {"date_from": "2025-05-02", "action": "test.day"})
    )
    assert from_second == [evening.sequence]


def test_an_end_date_before_the_start_date_lists_nothing_and_says_why(client, auditor):
    client.force_login(auditor)
    response = client.get(LIST_URL, {"date_from": "2025-05-02", "date_to": "2025-05-01"})
    assert response.status_code == 200
    assert _sequences(response) == []
    assert "date_to" in response.context["form"].errors


def test_identity_numbers_in_changes_are_masked_in_the_list_and_the_detail(
    client, auditor, admin_user, tenggarong_worker
):
    update_worker(
        actor=admin_user,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={
            "nik": "6402064203850005",
            "kk_number": "6402061212120001",
            "phone": "081299998888",
        },
    )
    client.force_login(auditor)
    register = AuditEvent.objects.get(action="worker.register")
    update = AuditEvent.objects.get(action="worker.update")
    pages = [
        client.get(LIST_URL),
        client.get(f"/audit/{register.sequence}/"),
        client.get(f"/audit/{update.sequence}/"),
    ]
    for response in pages:
        html = response.content.decode()
        for secret in (NIK, "6402064203850005", "6402061212120001", "6281299998888", "81234567890"):
            assert secret not in html
    detail = pages[2].content.decode()
    assert "6402********0003" in detail and "6402********0005" in detail
    assert "+62812****8888" in detail


def test_actions_and_changed_fields_are_named_in_words(
    client, auditor, admin_user, tenggarong_worker
):
    update_worker(
        actor=admin_user,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={"birth_place": "Samarinda"},
    )
    record_event(actor=admin_user, action="import.sheet", object_type="import", object_id=7)
    client.force_login(auditor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(LIST_URL).content.decode()

    assert "Worker corrected" in html and "Another sheet of the file chosen" in html
    assert "Import #7" in html
    assert '<span class="change-field">place of birth</span>' in html
    assert '<span class="change-field">birth_place</span>' not in html


def test_masking_reaches_heirs_and_numbers_typed_anywhere():
    value = {
        "heirs": [
            None,
            [{"full_name": "Budi", "nik": "6402060101800001", "phone": "+6281234567890"}],
        ],
        "filters": {"q": "6402064203850003"},
    }
    assert masked(value) == {
        "heirs": [
            None,
            [{"full_name": "Budi", "nik": "6402********0001", "phone": "+62812****7890"}],
        ],
        "filters": {"q": "6402********0003"},
    }


def test_event_detail_shows_both_hashes_and_a_missing_event_is_not_found(
    client, auditor, tenggarong_worker
):
    event = AuditEvent.objects.get(action="worker.register")
    client.force_login(auditor)
    html = client.get(f"/audit/{event.sequence}/").content.decode()
    assert event.hash in html and event.previous_hash in html
    assert client.get("/audit/999999/").status_code == 404


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_verify_button_records_the_request_and_shows_the_chain_is_intact(client, auditor):
    client.force_login(auditor)
    response = client.post("/audit/verify/")
    assert response.status_code == 302
    request_event = AuditEvent.objects.get(action="audit.verify_requested")
    assert request_event.actor == auditor
    html = client.get(LIST_URL).content.decode()
    assert 'data-state="ok"' in html
    assert response.wsgi_request.session["audit_verification"]["outcome"] == {
        "ok": True,
        "events": request_event.sequence,
        "broken_sequence": None,
    }


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_verify_through_htmx_answers_with_the_result_panel(client, auditor):
    client.force_login(auditor)
    response = client.post("/audit/verify/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="verification"')
    assert 'data-state="ok"' in html and "hx-trigger" not in html


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_verification_reports_the_first_event_that_was_tampered_with(
    client, auditor, tenggarong_worker
):
    tampered = AuditEvent.objects.get(action="worker.register")
    AuditEvent.objects.filter(pk=tampered.pk).update(changes={"full_name": [None, "Orang Lain"]})
    client.force_login(auditor)
    client.post("/audit/verify/")
    html = client.get(LIST_URL).content.decode()
    assert 'data-state="broken"' in html
    assert f'href="/audit/{tampered.sequence}/"' in html
    assert client.session["audit_verification"]["outcome"]["broken_sequence"] == (tampered.sequence)


@override_settings(TASKS=DATABASE_TASKS)
def test_queued_verification_is_polled_until_the_worker_has_run_it(client, auditor, monkeypatch):
    # The worker drops "old" connections between tasks; in a test that is the test's own
    # transaction (PostgreSQL), so it keeps the connection here.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    client.force_login(auditor)
    client.post("/audit/verify/")
    waiting = client.get("/audit/verify/status/").content.decode()
    assert 'data-state="running"' in waiting
    assert 'hx-trigger="every 2s"' in waiting
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    done = client.get("/audit/verify/status/").content.decode()
    assert 'data-state="ok"' in done and "hx-trigger" not in done
    assert verify_chain().ok


def test_audit_list_needs_a_bounded_number_of_queries(
    client, auditor, tenggarong_worker, loa_kulu_worker, django_assert_max_num_queries
):
    for number in range(60):
        record_event(actor=None, action="test.filler", object_id=number)
    client.force_login(auditor)
    with django_assert_max_num_queries(7):
        assert client.get(LIST_URL).status_code == 200
    event = AuditEvent.objects.get(action="worker.register", worker_id=tenggarong_worker.pk)
    with django_assert_max_num_queries(6):
        assert client.get(f"/audit/{event.sequence}/").status_code == 200


def test_auditor_signs_in_and_reaches_the_trail(client, auditor):
    client.post("/accounts/login/", {"username": "inspektorat", "password": PASSWORD})
    assert client.get(LIST_URL).status_code == 200
