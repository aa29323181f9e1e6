"""Enrolments of a demonstration instance: the demo programme's cut taken through the
lifecycle by the enrolment services, a real BPJS answer file included."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from lindung.audit.models import AuditEvent
from lindung.audit.services import verify_chain
from lindung.core.formatting import format_number
from lindung.core.management.commands.serve import Command
from lindung.eligibility.models import EligibilityDecision, MinimumWage
from lindung.enrolment.coverage import coverage_on
from lindung.enrolment.demo import ENDINGS, REFUSAL_REASONS, seed_demo_enrolment
from lindung.enrolment.exchange_export import batch_file_path
from lindung.enrolment.models import (
    BpjsFileImport,
    BpjsFileKind,
    EndReason,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Graduation,
    RegistrationBatch,
)
from lindung.enrolment.selectors import EnrolmentFilters, search_enrolments
from lindung.programs.demo import seed_demo_programme
from lindung.programs.models import Program
from lindung.programs.services import set_funding_budget

S = EnrolmentStatus
TODAY = dt.date(2026, 3, 2)  # a year whose UMK the migrations carry
THIS_MONTH = dt.date(2026, 3, 1)
TENGGARONG = "64.02.06"


@pytest.fixture
def programme(admin_user):
    call_command("seed_demo", workers=300, seed=1, stdout=io.StringIO())
    return seed_demo_programme(actor=admin_user, today=TODAY)


@pytest.fixture
def seeded(admin_user, programme):
    return seed_demo_enrolment(
        actor=admin_user, program=programme.program, run=programme.run, today=TODAY
    )


def _by_status(program) -> Counter:
    return Counter(Enrolment.objects.filter(program=program).values_list("status", flat=True))


def test_every_worker_of_the_cut_is_enrolled_and_the_counts_say_where_they_stand(programme, seeded):
    cut = set(
        EligibilityDecision.objects.filter(run=programme.run, within_cut=True).values_list(
            "worker_id", flat=True
        )
    )
    enrolments = Enrolment.objects.filter(program=programme.program)
    assert set(enrolments.values_list("worker_id", flat=True)) == cut
    assert enrolments.count() == len(cut) > 100
    statuses = _by_status(programme.program)
    ended = Counter(enrolments.filter(status=S.ENDED).values_list("end_reason", flat=True))
    assert seeded.created
    assert seeded.counts == {
        "active": statuses[S.ACTIVE],
        "submitted": statuses[S.SUBMITTED],
        "candidate": statuses[S.CANDIDATE],
        "refused": ended[EndReason.REFUSED_BY_BPJS],
        "ended": ended[EndReason.DECEASED] + ended[EndReason.MOVED_AWAY],
        "graduated": ended[EndReason.GRADUATED],
    }
    assert sum(seeded.counts.values()) == len(cut)
    assert seeded.counts["active"] > 0.8 * len(cut)
    assert seeded.counts["submitted"] > 0
    assert seeded.counts["candidate"] > 0
    assert seeded.counts["refused"] >= 1
    assert (ended[EndReason.DECEASED], ended[EndReason.MOVED_AWAY]) == (1, 2)
    assert seeded.counts["graduated"] == 2


def test_the_first_batch_is_covered_from_this_month_and_the_second_awaits_bpjs(seeded):
    first, second = seeded.batches
    assert (first.number, first.submitted_on) == (1, dt.date(2026, 2, 5))
    assert (second.number, second.submitted_on) == (2, dt.date(2026, 2, 20))
    assert batch_file_path(first).is_file() and batch_file_path(second).is_file()
    active = Enrolment.objects.filter(status=S.ACTIVE)
    assert set(active.values_list("batch", "coverage_start", "candidate_since")) == {
        (first.pk, THIS_MONTH, dt.date(2026, 2, 2))
    }
    kpj_numbers = list(active.values_list("kpj_number", flat=True))
    assert all(len(kpj) == 11 and kpj.startswith("2603") for kpj in kpj_numbers)
    assert len(set(kpj_numbers)) == len(kpj_numbers)
    submitted = Enrolment.objects.filter(status=S.SUBMITTED)
    assert submitted.count() == second.row_count
    assert set(submitted.values_list("batch", "kpj_number", "coverage_start")) == {
        (second.pk, "", None)
    }
    candidates = Enrolment.objects.filter(status=S.CANDIDATE)
    assert set(candidates.values_list("batch", "candidate_since")) == {(None, TODAY)}


def test_bpjs_answered_the_first_batch_with_a_real_file_read_by_the_importer(seeded):
    answer = BpjsFileImport.objects.get()
    first = seeded.batches[0]
    assert answer == seeded.answer
    assert (answer.kind, answer.file_name, answer.row_count) == (
        BpjsFileKind.ANSWER,
        f"jawaban-bpjs-{first}.csv",
        first.row_count,
    )
    assert answer.counts == {
        "activated": first.row_count - seeded.counts["refused"],
        "refused": seeded.counts["refused"],
        "unchanged": 0,
        "unmatched": 0,
    }
    assert len(answer.checksum) == 64
    refused = Enrolment.objects.filter(end_reason=EndReason.REFUSED_BY_BPJS)
    assert {enrolment.batch for enrolment in refused} == {first}
    assert {enrolment.end_note for enrolment in refused} <= set(REFUSAL_REASONS)
    assert not refused.exclude(kpj_number="").exists()


def test_a_member_died_two_moved_away_and_two_pay_their_own_from_next_month(seeded):
    ended = Enrolment.objects.filter(end_reason__in=[EndReason.DECEASED, EndReason.MOVED_AWAY])
    assert sorted(ended.values_list("end_reason", "end_note", "ended_on", "coverage_start")) == (
        sorted((reason, note, THIS_MONTH, THIS_MONTH) for reason, note in ENDINGS)
    )
    graduations = Graduation.objects.select_related("enrolment")
    assert [
        (g.self_paying_from, g.monthly_amount, g.enrolment.ended_on, g.enrolment.end_reason)
        for g in graduations
    ] == [(dt.date(2026, 4, 1), 16_800, dt.date(2026, 3, 31), EndReason.GRADUATED)] * 2


def test_an_operator_sees_the_active_members_of_their_district_and_no_other(
    seeded, admin_user, tenggarong_operator
):
    active = EnrolmentFilters(status=S.ACTIVE)
    everywhere = search_enrolments(admin_user, active)
    by_district = Counter(everywhere.values_list("worker__district_id", flat=True))
    assert sum(by_district.values()) == seeded.counts["active"]
    assert len(by_district) > 5
    in_tenggarong = search_enrolments(tenggarong_operator, active)
    assert in_tenggarong.count() == by_district[TENGGARONG] > 0
    assert set(in_tenggarong.values_list("worker__district_id", flat=True)) == {TENGGARONG}


def test_an_active_member_is_covered_today_and_one_awaiting_bpjs_is_not(seeded, admin_user):
    member = Enrolment.objects.filter(status=S.ACTIVE).order_by("pk").first()
    waiting = Enrolment.objects.filter(status=S.SUBMITTED).order_by("pk").first()

    assert coverage_on(admin_user, member.worker_id, TODAY).state == "covered"
    assert coverage_on(admin_user, waiting.worker_id, TODAY).state == S.SUBMITTED


def test_every_move_has_its_history_row_and_audit_event_and_the_chain_holds(seeded):
    moves_after_candidate = {
        # status, end reason: the moves it took after becoming a candidate
        (S.CANDIDATE, ""): 0,
        (S.SUBMITTED, ""): 1,
        (S.ACTIVE, ""): 2,
        (S.ENDED, EndReason.REFUSED_BY_BPJS): 2,
        (S.ENDED, EndReason.DECEASED): 3,
        (S.ENDED, EndReason.MOVED_AWAY): 3,
        (S.ENDED, EndReason.GRADUATED): 3,
    }
    enrolments = list(Enrolment.objects.values_list("status", "end_reason"))
    moves = sum(moves_after_candidate[(status, reason)] for status, reason in enrolments)

    events = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert events["enrolment.create"] == len(enrolments)
    assert events["enrolment.transition"] == moves
    assert EnrolmentStatusChange.objects.count() == len(enrolments) + moves
    assert events["enrolment.batch_export"] == 2
    assert events["enrolment.bpjs_answer_import"] == 1
    assert verify_chain().ok


def test_a_second_call_finds_enrolments_and_writes_nothing(admin_user, programme, seeded):
    events = AuditEvent.objects.count()
    enrolments = Enrolment.objects.count()

    again = seed_demo_enrolment(
        actor=admin_user, program=programme.program, run=programme.run, today=TODAY
    )

    assert (again.created, again.counts, again.batches, again.answer) == (
        False,
        seeded.counts,
        [],
        None,
    )
    assert (AuditEvent.objects.count(), Enrolment.objects.count()) == (events, enrolments)
    assert BpjsFileImport.objects.count() == 1


def test_when_the_budget_guard_refuses_the_batches_everyone_waits_as_a_candidate(
    admin_user, programme
):
    set_funding_budget(
        actor=admin_user,
        funding_source_id=programme.funding_source.pk,
        fiscal_year=2026,
        amount=16_800,
    )

    seeded = seed_demo_enrolment(
        actor=admin_user, program=programme.program, run=programme.run, today=TODAY
    )

    total = Enrolment.objects.count()
    assert total > 100
    assert (seeded.created, seeded.batches, seeded.answer) == (True, [], None)
    assert seeded.counts == {
        "active": 0,
        "submitted": 0,
        "candidate": total,
        "refused": 0,
        "ended": 0,
        "graduated": 0,
    }
    assert not RegistrationBatch.objects.exists()
    assert not BpjsFileImport.objects.exists()
    assert not AuditEvent.objects.filter(action="enrolment.transition").exists()


def test_serve_on_an_empty_registry_enrols_the_demo_programme_and_says_so(
    db, settings, tmp_path, monkeypatch
):
    settings.STATIC_ROOT = tmp_path / "static"
    monkeypatch.setattr(Command, "_serve", lambda self, host, port: None)
    MinimumWage.objects.get_or_create(
        year=timezone.localdate().year, defaults={"amount": 3_991_797}
    )
    out = io.StringIO()

    call_command("serve", "--no-worker", "--demo-workers", "300", stdout=out)

    counts = {key: format_number(n) for key, n in _by_status(Program.objects.get()).items()}
    ended = Counter(Enrolment.objects.filter(status=S.ENDED).values_list("end_reason", flat=True))
    assert (
        f"Demo enrolment: {counts[S.ACTIVE]} active, {counts[S.SUBMITTED]} submitted awaiting "
        f"BPJS, {counts[S.CANDIDATE]} candidates, {ended[EndReason.REFUSED_BY_BPJS]} refused by "
        "BPJS, 3 ended, 2 graduated"
    ) in out.getvalue().splitlines()
