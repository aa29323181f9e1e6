"""`lindung export_duplicates` and `lindung find_duplicates`: their one line, files, audit."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import PermissionDenied
from lindung.dedup.models import DuplicateRun
from lindung.dedup.services import resolve_as_different
from lindung.dedup.tests.cast import open_case, register, scored

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_writes_the_open_candidates_and_is_audited(admin_user, twins, tmp_path):
    first, second, case = twins
    target = tmp_path / "kandidat.csv"

    out = run("export_duplicates", str(target))

    assert out == "rows=1\n"
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:5] == ["case_id", "left_id", "right_id", "left_source_ref", "right_source_ref"]
    assert rows[1] == [
        str(case.pk), str(first.pk), str(second.pk), "TGR-0001", "DTKS-0042", "Tenggarong",
        "14.200", "0.9999", "duplicate",
    ]  # fmt: skip
    event = AuditEvent.objects.get(action="duplicate.export")
    assert (event.actor_username, event.context["rows"]) == ("admin", 1)


def test_export_leaves_out_decided_cases(admin_user, verifier, twins, tmp_path):
    resolve_as_different(user=verifier, case=twins[2], reason="Berbeda")
    assert run("export_duplicates", str(tmp_path / "k.csv")) == "rows=0\n"


def test_a_district_verifier_exports_only_their_district(
    admin_user, loa_kulu_verifier, twins, tmp_path
):
    out = run("export_duplicates", str(tmp_path / "k.csv"), "--user", loa_kulu_verifier.username)
    assert out == "rows=0\n"


def test_an_export_by_a_user_without_the_capability_is_refused(tenggarong_operator, tmp_path):
    with pytest.raises(PermissionDenied):
        run("export_duplicates", str(tmp_path / "k.csv"), "--user", tenggarong_operator.username)
    assert not (tmp_path / "k.csv").exists()


def test_find_duplicates_without_wait_queues_a_run(admin_user):
    out = run("find_duplicates")
    run_row = DuplicateRun.objects.get()
    assert out == f"queued={run_row.pk}\n"
    assert run_row.status == DuplicateRun.Status.QUEUED


def test_find_duplicates_refuses_a_second_run_while_one_is_queued(admin_user):
    run("find_duplicates")
    with pytest.raises(CommandError, match="already running"):
        run("find_duplicates")


def test_export_names_a_worker_of_another_district_by_id_only(
    admin_user, tenggarong_verifier, tenggarong_worker, tmp_path
):
    elsewhere = register(
        admin_user, nik="6402064203850005", village="64.02.02.2003", source_ref="LKL-0042",
        phone="", heirs=[],
    )  # fmt: skip
    open_case(scored(tenggarong_worker, elsewhere))
    target = tmp_path / "k.csv"
    run("export_duplicates", str(target), "--user", tenggarong_verifier.username)
    text = target.read_text(encoding="utf-8")
    assert "TGR-0001" in text and "LKL-0042" not in text and str(elsewhere.pk) in text


def test_a_run_cut_off_long_ago_no_longer_blocks_a_new_one(admin_user):
    run("find_duplicates")
    DuplicateRun.objects.update(created_at=timezone.now() - dt.timedelta(days=1))

    run("find_duplicates")

    assert list(DuplicateRun.objects.order_by("id").values_list("status", flat=True)) == [
        "failed",
        "queued",
    ]
