"""`lindung export_duplicates` and `lindung find_duplicates`: their one line, files, audit."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import PermissionDenied
from lindung.dedup.models import DuplicateCase, DuplicateRun
from lindung.dedup.services import resolve_as_different
from lindung.dedup.tests.cast import open_case, register, scored, siti_again
from lindung.registry.services import update_worker

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


def test_find_duplicates_with_queue_leaves_the_run_to_the_background_worker(admin_user):
    out = run("find_duplicates", "--queue")
    run_row = DuplicateRun.objects.get()
    assert out == f"queued={run_row.pk}\n"
    assert run_row.status == DuplicateRun.Status.QUEUED


def test_find_duplicates_refuses_a_second_run_while_one_is_queued(admin_user):
    run("find_duplicates", "--queue")
    with pytest.raises(CommandError, match="sedang berjalan"):
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
    run("find_duplicates", "--queue")
    DuplicateRun.objects.update(created_at=timezone.now() - dt.timedelta(days=1))

    run("find_duplicates", "--queue")

    assert list(DuplicateRun.objects.order_by("id").values_list("status", flat=True)) == [
        "failed",
        "queued",
    ]


# -- with the real engine ---------------------------------------------------------------------


@pytest.fixture
def registry_with_one_double(admin_user, tenggarong_worker, loa_kulu_worker):
    """Siti Aminah twice (one NIK digit apart) beside an unrelated worker."""
    return tenggarong_worker, siti_again(admin_user, heirs=[])


def test_find_duplicates_scores_the_registry_and_opens_a_case(registry_with_one_double):
    first, second = registry_with_one_double

    out = run("find_duplicates")

    assert out == "pairs=1\n"
    case = DuplicateCase.objects.get()
    assert set(case.members.values_list("worker_id", flat=True)) == {first.pk, second.pk}
    pair = case.pairs.get()
    assert pair.probability > 0.9
    assert any(item["field"].startswith("nik") and item["weight"] > 0 for item in pair.evidence)
    finished = DuplicateRun.objects.get()
    assert (finished.status, finished.pairs_found, finished.cases_opened) == ("done", 1, 1)
    assert finished.progress_percent == 100
    assert AuditEvent.objects.filter(action="duplicate.run_done").count() == 1


def test_running_the_search_again_opens_nothing_new(registry_with_one_double):
    run("find_duplicates")
    out = run("find_duplicates")
    assert out == "pairs=1\n"
    assert DuplicateCase.objects.count() == 1
    assert DuplicateRun.objects.order_by("id").last().cases_opened == 0


def test_a_changed_only_search_looks_at_what_changed_since_the_last(
    admin_user, verifier, registry_with_one_double
):
    _, second = registry_with_one_double
    run("find_duplicates")
    resolve_as_different(user=verifier, case=DuplicateCase.objects.get(), reason="Kembar")

    assert run("find_duplicates", "--changed-only") == "pairs=0\n"
    update_worker(actor=admin_user, worker_id=second.pk, expected_version=1,
                  changes={"birth_place": "Samarinda"})  # fmt: skip
    assert run("find_duplicates", "--changed-only") == "pairs=1\n"

    last = DuplicateRun.objects.order_by("id").last()
    assert last.changed_since is not None
    assert DuplicateCase.objects.filter(status="open").count() == 1
