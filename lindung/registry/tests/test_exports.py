import csv
import datetime as dt
import io

import pytest
from python_calamine import CalamineWorkbook

from conftest import worker_input
from lindung.accounts.models import Role
from lindung.accounts.permissions import ROLE_CAPABILITIES, Capability
from lindung.audit.models import AuditEvent
from lindung.registry import exports
from lindung.registry.services import register_worker

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response) -> list[list]:
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_csv_export_is_masked_by_default_and_audited(
    client, tenggarong_operator, tenggarong_worker, loa_kulu_worker
):
    client.force_login(tenggarong_operator)
    response = client.get("/workers/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv(response)
    assert header == list(exports.HEADERS)
    assert rows == [
        [
            "6402********0003",
            "",
            "Siti Aminah",
            "Tenggarong",
            "1985-03-02",
            "P",
            "+62812****7890",
            "Jl. Pesut No. 4",
            "004",
            "002",
            "64.02.06.1001",
            "Jahab",
            "Tenggarong",
            "Petani",
            "Pertanian",
            "1500000",
            "3",
            "TGR-0001",
            "Terdaftar",
        ]
    ]
    event = AuditEvent.objects.get(action="worker.export")
    assert event.actor == tenggarong_operator
    assert event.context == {"filters": {}, "rows": 1, "format": "csv", "full_identity": False}


def test_full_numbers_are_exported_only_when_asked_and_that_is_audited(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    _, row = _csv(client.get("/workers/export.csv", {"full": "1", "q": "siti"}))
    assert (row[0], row[6]) == ("6402064203850003", "+6281234567890")
    event = AuditEvent.objects.get(action="worker.export")
    assert event.context == {
        "filters": {"q": "siti"},
        "rows": 1,
        "format": "csv",
        "full_identity": True,
    }


def test_a_role_without_full_identity_gets_masked_numbers_even_when_asking(
    client, bpjs_liaison, tenggarong_worker, monkeypatch
):
    monkeypatch.setitem(
        ROLE_CAPABILITIES,
        Role.BPJS_LIAISON,
        ROLE_CAPABILITIES[Role.BPJS_LIAISON] - {Capability.VIEW_FULL_IDENTITY},
    )
    client.force_login(bpjs_liaison)
    _, row = _csv(client.get("/workers/export.csv", {"full": "1"}))
    assert row[0] == "6402********0003"
    assert tenggarong_worker.nik not in row
    assert AuditEvent.objects.get(action="worker.export").context["full_identity"] is False


def test_loa_kulu_operator_exports_nothing_of_tenggarong(
    client, loa_kulu_operator, tenggarong_worker, loa_kulu_worker
):
    client.force_login(loa_kulu_operator)
    _, *rows = _csv(client.get("/workers/export.csv", {"full": "1"}))
    assert [row[2] for row in rows] == ["Muhammad Yusuf"]
    searched = _csv(client.get("/workers/export.csv", {"q": "Siti"}))
    assert searched == [list(exports.HEADERS)]
    assert [
        e.context["rows"]
        for e in AuditEvent.objects.filter(action="worker.export").order_by("sequence")
    ] == [1, 0]


def test_export_follows_the_list_filters(client, admin_user, tenggarong_worker, loa_kulu_worker):
    client.force_login(admin_user)
    _, *rows = _csv(client.get("/workers/export.csv", {"district": "64.02.02", "page": "3"}))
    assert [row[2] for row in rows] == ["Muhammad Yusuf"]
    assert AuditEvent.objects.get(action="worker.export").context["filters"] == {
        "district": "64.02.02"
    }


def test_xlsx_export_keeps_numbers_as_text_and_dates_as_dates(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    response = client.get("/workers/export.xlsx", {"full": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    header, row = _xlsx(response)
    assert header == list(exports.HEADERS)
    assert row[0] == "6402064203850003"
    assert row[4] == dt.date(1985, 3, 2)
    assert row[15] == 1_500_000
    event = AuditEvent.objects.get(action="worker.export")
    assert event.context == {"filters": {}, "rows": 1, "format": "xlsx", "full_identity": True}


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_leader_and_auditor_cannot_export(client, request, role, tenggarong_worker):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/workers/export.csv").status_code == 403
    assert client.get("/workers/export.xlsx").status_code == 403
    assert not AuditEvent.objects.filter(action="worker.export").exists()


def test_unknown_export_format_is_not_found(client, tenggarong_operator):
    client.force_login(tenggarong_operator)
    assert client.get("/workers/export.pdf").status_code == 404


def test_export_reads_the_workers_in_chunks(admin_user, django_assert_max_num_queries):
    for number in range(1, 6):
        register_worker(
            actor=admin_user,
            data=worker_input(
                nik=f"640206420385{number:04d}", full_name=f"Pekerja {number}", heirs=[]
            ),
        )
    from lindung.registry.selectors import WorkerFilters, search_workers

    workers = search_workers(admin_user, WorkerFilters())
    with django_assert_max_num_queries(2):
        rows = list(exports.export_rows(workers, full_identity=False))
    assert len(rows) == 5


def test_csv_cells_that_would_run_as_formulas_are_defused():
    row = [
        "6402********0003",
        "",
        '=HYPERLINK("x")',
        "@SUM",
        None,
        "L",
        "+62812****7890",
        "-1",
        "",
        "",
        "",
        "",
        "",
        "+cmd",
        "",
        5,
        None,
        "=1",
        "",
    ]
    _, line = list(exports.csv_lines([row]))
    cells = next(csv.reader([line]))
    assert cells[2] == '\'=HYPERLINK("x")'
    assert (cells[3], cells[7], cells[13], cells[17]) == ("'@SUM", "'-1", "'+cmd", "'=1")
    assert cells[6] == "+62812****7890"  # not free text: left as it is


def test_xlsx_writes_formula_like_text_as_text():
    row = ["=1+1"] + [""] * 18
    target = io.BytesIO()
    assert exports.write_xlsx([row], target) == 1
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(target.getvalue())).get_sheet_by_index(0)
    assert sheet.to_python()[1][0] == "=1+1"
