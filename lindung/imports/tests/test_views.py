import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from lindung.audit.models import AuditEvent
from lindung.imports import views
from lindung.imports.columns import FIELD_SYNONYMS
from lindung.imports.forms import FIELD_LABELS
from lindung.imports.models import ImportJob, ImportStatus
from lindung.imports.services import upload_import
from lindung.registry.models import Worker

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parents[3].parent / "shared" / "samples"
SAMPLE = SAMPLES / "daftar_pekerja_rentan_2026.xlsx"
EXPECTED = SAMPLES / "daftar_pekerja_rentan_2026.expected.csv"
needs_sample = pytest.mark.skipif(
    not SAMPLE.exists(), reason=f"the sample worker list is not at {SAMPLE}"
)
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

LIST_URL = "/imports/"
SMALL_CSV = (
    b"No;Nama Lengkap;NIK;Tgl Lahir;L/P;Desa/Kel;Kecamatan;Pekerjaan;ID Sumber\n"
    b"1;Siti Aminah;6402064203850003;02-03-1985;P;Jahab;Tenggarong;Petani;T-1\n"
    b"2;Ahmad Fauzi;6402061508700002;15-08-1970;L;Loa Ipuh;Tenggarong;Nelayan;T-2\n"
    b"3;Rina Wati;6402064101900004;01-01-1990;P;JAHAB;Tenggarong;Petani;T-3\n"
    b"4;Budi;6402060101800005;01-01-1980;L;Atlantis;Tenggarong;Petani;T-4\n"
)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def run_inline(settings, django_capture_on_commit_callbacks):
    """Background passes run inside the request that starts them."""
    settings.TASKS = IMMEDIATE_TASKS

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def _job_url(job, action: str = "") -> str:
    return f"/imports/{job.pk}/{action + '/' if action else ''}"


def _upload_small(actor, name: str = "daftar_tenggarong.csv") -> ImportJob:
    return upload_import(actor=actor, file=_file(name, SMALL_CSV), original_name=name)


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _mapping_post(job, **changes) -> dict:
    data = {f"col_{index}": job.mapping.get(str(index), "") for index in range(len(job.headers))}
    return data | changes


def _upload_events() -> int:
    return AuditEvent.objects.filter(action="import.upload").count()


# ---------- Upload and mapping ----------


def test_upload_opens_the_mapping_page_with_the_headers_found_and_masked_samples(
    client, tenggarong_operator
):
    client.force_login(tenggarong_operator)
    response = client.post(LIST_URL, {"file": _file("daftar_tenggarong.csv", SMALL_CSV)})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _job_url(job)
    assert job.created_by == tenggarong_operator
    assert job.status == ImportStatus.UPLOADED
    assert job.total_rows == 4
    assert job.mapping["2"] == "nik" and "0" not in job.mapping  # `No` is not data

    page = client.get(_job_url(job))
    html = page.content.decode()
    assert page.status_code == 200
    assert [column["header"] for column in page.context["columns"]][:3] == [
        "No",
        "Nama Lengkap",
        "NIK",
    ]
    nik_column = page.context["columns"][2]
    assert nik_column["samples"] == ["6402********0003", "6402********0002", "6402********0004"]
    assert "Siti Aminah" in html and "Ahmad Fauzi" in html and "Rina Wati" in html
    assert "6402064203850003" not in html
    assert '<option value="nik" selected>' in html


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("daftar.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),  # a picture renamed
        ("daftar.csv", b"Catatan rapat desa\nTidak ada tabel di sini\n"),  # no header row
        ("daftar.csv", b""),  # empty
        ("daftar.pdf", b"%PDF-1.4"),  # another kind of file
    ],
)
def test_an_unreadable_file_is_refused_with_a_message_and_creates_no_job(
    client, tenggarong_operator, data_dir, name, content
):
    client.force_login(tenggarong_operator)
    response = client.post(LIST_URL, {"file": _file(name, content)})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors and all(message for messages in errors.values() for message in messages)
    assert 'role="alert"' in response.content.decode() or "errorlist" in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert _upload_events() == 0
    assert not any((data_dir / "imports").glob("*/*"))


def test_a_mapping_correction_is_saved_with_an_audit_event(client, tenggarong_operator):
    job = _upload_small(tenggarong_operator)
    client.force_login(tenggarong_operator)
    # Ignore the source ID column and save the mapping as a profile.
    data = _mapping_post(job, col_8="", profile_name="Daftar kecamatan")
    response = client.post(_job_url(job), data | {"save_mapping": "1"})
    job.refresh_from_db()
    assert response.status_code == 302
    assert "8" not in job.mapping and job.mapping["2"] == "nik"
    assert job.status == ImportStatus.UPLOADED
    event = AuditEvent.objects.get(action="import.mapping")
    assert event.object_id == str(job.pk)
    assert event.actor_username == tenggarong_operator.username
    assert AuditEvent.objects.filter(action="import.profile").count() == 1


def test_the_page_offers_the_other_sheets_and_reads_the_one_chosen(client, tenggarong_operator):
    workbook = io.BytesIO()
    with xlsxwriter.Workbook(workbook, {"in_memory": True}) as book:
        sheets = (
            ("Petani", ["NIK", "Nama", "Desa", "Pekerjaan"]),
            ("Nelayan", ["NIK", "Nama", "Desa"]),
        )
        for name, header in sheets:
            book.add_worksheet(name).write_row(0, 0, header)
    job = upload_import(
        actor=tenggarong_operator,
        file=_file("daftar.xlsx", workbook.getvalue()),
        original_name="daftar.xlsx",
    )
    client.force_login(tenggarong_operator)
    page = client.get(_job_url(job)).content.decode()
    assert f'action="/imports/{job.pk}/sheet/"' in page
    assert '<option value="Nelayan">Nelayan</option>' in page

    response = client.post(_job_url(job, "sheet"), {"sheet": "Nelayan"}, follow=True)

    job.refresh_from_db()
    assert (job.sheet, job.headers) == ("Nelayan", ["NIK", "Nama", "Desa"])
    assert '<option value="Nelayan" selected>' in response.content.decode()
    assert AuditEvent.objects.filter(action="import.sheet", object_id=str(job.pk)).count() == 1


def test_a_mapping_without_a_nik_column_is_refused_and_changes_nothing(client, tenggarong_operator):
    job = _upload_small(tenggarong_operator)
    before = dict(job.mapping)
    client.force_login(tenggarong_operator)
    response = client.post(_job_url(job), _mapping_post(job, col_2="") | {"check": "1"})
    job.refresh_from_db()
    assert response.status_code == 200
    assert str(FIELD_LABELS["nik"]) in " ".join(response.context["form"].non_field_errors())
    assert 'id="mapping-error"' in response.content.decode()
    assert job.mapping == before
    assert job.status == ImportStatus.UPLOADED
    assert not AuditEvent.objects.filter(action__in=["import.mapping", "import.check"]).exists()


def test_a_field_chosen_for_two_columns_is_refused(client, tenggarong_operator):
    job = _upload_small(tenggarong_operator)
    client.force_login(tenggarong_operator)
    response = client.post(_job_url(job), _mapping_post(job, col_8="full_name"))
    job.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert job.mapping["8"] == "source_ref"


def test_a_mapping_sent_for_a_saved_import_is_refused_with_a_message(
    client, tenggarong_operator, run_inline
):
    job = _upload_small(tenggarong_operator)
    client.force_login(tenggarong_operator)
    run_inline(lambda: client.post(_job_url(job, "save")))
    job.refresh_from_db()
    response = client.post(_job_url(job), _mapping_post(job, col_8=""), follow=True)
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    assert ImportJob.objects.get().mapping == job.mapping
    assert not AuditEvent.objects.filter(action="import.mapping").exists()


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (6402064203850003.0, "6402********0003"),  # a NIK Excel kept as a number
        ("6402 0642 0385 0003", "6402********0003"),
        ("0812-3456-7890", "0812****7890"),
        ("1975-10-23", "1975-10-23"),
        (dt.date(1985, 3, 2), "02-03-1985"),
        ("S7-0000268", "S7-0000268"),
        (1500000.0, "1500000"),
        (None, ""),
    ],
)
def test_example_values_mask_what_looks_like_an_identity_or_phone_number(cell, shown):
    assert views._shown(cell) == shown


def test_every_field_of_the_import_has_a_label():
    assert set(FIELD_LABELS) == set(FIELD_SYNONYMS)


# ---------- Check, save, report ----------


def test_the_check_shows_the_preview_counts_and_writes_nothing(
    client, tenggarong_operator, run_inline
):
    job = _upload_small(tenggarong_operator)
    client.force_login(tenggarong_operator)
    response = run_inline(lambda: client.post(_job_url(job), _mapping_post(job, check="1")))
    job.refresh_from_db()
    assert response.status_code == 302
    assert job.status == ImportStatus.CHECKED
    assert (job.created, job.updated, job.unchanged, job.rejected) == (3, 0, 0, 1)
    assert Worker.objects.count() == 0
    page = client.get(_job_url(job))
    counts = {outcome["code"]: outcome["count"] for outcome in page.context["outcomes"]}
    assert counts == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 1}
    html = page.content.decode()
    assert 'id="save-import"' in html and 'id="download-report"' in html
    assert "Atlantis" in html  # why row 5 is refused
    assert "<details open>" not in html
    assert "<details open>" in client.get(_job_url(job) + "?mapping=edit").content.decode()


@needs_sample
def test_the_check_of_the_sample_list_matches_its_expected_outcomes(client, admin_user, run_inline):
    client.force_login(admin_user)
    with SAMPLE.open("rb") as handle:
        response = client.post(LIST_URL, {"file": _file(SAMPLE.name, handle.read())})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.sheet == "Data Pekerja" and job.total_rows == 371
    run_inline(lambda: client.post(_job_url(job), _mapping_post(job, check="1")))
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert (job.processed_rows, job.created, job.rejected) == (371, 360, 11)
    assert _report_outcomes(client.get(_job_url(job, "report"))) == _expected_outcomes(
        {"akan ditambahkan": "accepted", "DITOLAK": "rejected"}
    )
    assert Worker.objects.count() == 0


@needs_sample
def test_saving_the_sample_list_registers_the_accepted_workers(client, admin_user, run_inline):
    with SAMPLE.open("rb") as handle:
        job = upload_import(actor=admin_user, file=handle, original_name=SAMPLE.name)
    client.force_login(admin_user)
    run_inline(lambda: client.post(_job_url(job), _mapping_post(job, check="1")))
    response = run_inline(lambda: client.post(_job_url(job, "save")))
    job.refresh_from_db()
    assert response.status_code == 302
    assert job.status == ImportStatus.DONE
    assert (job.created, job.rejected) == (360, 11)
    assert Worker.objects.count() == 360
    assert AuditEvent.objects.filter(action="import.done", object_id=str(job.pk)).count() == 1

    page = client.get(_job_url(job))
    assert 'data-state="done"' in page.content.decode()
    report = client.get(_job_url(job, "report"))
    assert report["Content-Disposition"] == (
        'attachment; filename="laporan-daftar_pekerja_rentan_2026.xlsx"'
    )
    assert _report_outcomes(report) == _expected_outcomes(
        {"baru": "accepted", "DITOLAK": "rejected"}
    )


def _report_outcomes(response) -> dict[str, str]:
    """ID Sumber → Status, read from the downloaded report."""
    assert response.status_code == 200
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = workbook.get_sheet_by_name("Data Pekerja").to_python()
    header_index = next(i for i, row in enumerate(rows) if "Status" in row)
    header = rows[header_index]
    source, status = header.index("ID Sumber"), header.index("Status")
    return {row[source]: row[status] for row in rows[header_index + 1 :] if row[status]}


def _expected_outcomes(labels: dict[str, str]) -> dict[str, str]:
    reverse = {expected: label for label, expected in labels.items()}
    with EXPECTED.open(encoding="utf-8") as handle:
        return {row["id_sumber"]: reverse[row["expected"]] for row in csv.DictReader(handle)}


def test_the_report_is_not_found_before_a_pass_has_written_it(client, tenggarong_operator):
    job = _upload_small(tenggarong_operator)
    client.force_login(tenggarong_operator)
    assert client.get(_job_url(job, "report")).status_code == 404


def test_saving_again_a_saved_import_is_refused_with_a_message(
    client, tenggarong_operator, run_inline
):
    job = _upload_small(tenggarong_operator)
    client.force_login(tenggarong_operator)
    run_inline(lambda: client.post(_job_url(job, "save")))
    events = AuditEvent.objects.count()
    response = client.post(_job_url(job, "save"), follow=True)
    assert Worker.objects.count() == 3
    assert AuditEvent.objects.count() == events
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    assert 'class="message error"' in response.content.decode()


def test_the_progress_fragment_polls_while_a_pass_runs_then_reloads_the_page(
    client, tenggarong_operator
):
    job = _upload_small(tenggarong_operator)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKING, processed_rows=2, created=2
    )
    client.force_login(tenggarong_operator)
    running = client.get(_job_url(job, "progress"), headers={"HX-Request": "true"})
    html = running.content.decode()
    assert running.status_code == 200
    assert "<html" not in html
    assert 'hx-trigger="every 1s"' in html
    assert '<progress max="100" value="50"' in html
    page = client.get(_job_url(job))
    assert 'id="import-progress"' in page.content.decode()

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKED)
    finished = client.get(_job_url(job, "progress"), headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"
    assert client.get(_job_url(job, "progress")).status_code == 302


def test_a_failed_partial_save_offers_to_resume_and_hides_the_mapping(client, tenggarong_operator):
    job = _upload_small(tenggarong_operator)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, saved_through_row=3, processed_rows=2, error="disk full"
    )
    client.force_login(tenggarong_operator)
    html = client.get(_job_url(job)).content.decode()
    assert 'id="resume-save"' in html and "disk full" in html
    assert 'id="mapping-form"' not in html
    assert 'id="delete-import"' not in html


def test_deleting_an_import_removes_it_and_its_file(client, tenggarong_operator, data_dir):
    job = _upload_small(tenggarong_operator)
    client.force_login(tenggarong_operator)
    with_files = data_dir / "imports" / str(job.pk)
    assert with_files.exists()
    response = client.post(_job_url(job, "delete"))
    assert response.status_code == 302 and response["Location"] == LIST_URL
    assert not ImportJob.objects.exists()
    assert AuditEvent.objects.filter(action="import.delete").count() == 1


# ---------- Who may see what ----------


def test_another_operator_gets_not_found_for_someone_elses_import(
    client, tenggarong_operator, loa_kulu_operator
):
    job = _upload_small(tenggarong_operator)
    client.force_login(loa_kulu_operator)
    events = AuditEvent.objects.count()
    for url in (_job_url(job), _job_url(job, "progress"), _job_url(job, "report")):
        assert client.get(url).status_code == 404, url
    for url in (_job_url(job), _job_url(job, "save"), _job_url(job, "delete")):
        assert client.post(url, _mapping_post(job, check="1")).status_code == 404, url
    assert client.post(_job_url(job, "sheet"), {"sheet": ""}).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED
    assert AuditEvent.objects.count() == events
    assert "daftar_tenggarong.csv" not in client.get(LIST_URL).content.decode()


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_roles_without_editing_rights_are_refused_every_import_page(
    client, request, tenggarong_operator, role
):
    job = _upload_small(tenggarong_operator)
    client.force_login(request.getfixturevalue(role))
    for url in (LIST_URL, "/imports/template.xlsx", _job_url(job), _job_url(job, "report")):
        assert client.get(url).status_code == 403, url
    response = client.post(LIST_URL, {"file": _file("daftar.csv", SMALL_CSV)})
    assert response.status_code == 403
    assert ImportJob.objects.count() == 1
    assert "/imports/" not in client.get("/").content.decode()


def test_the_nav_shows_import_to_operators(client, tenggarong_operator):
    client.force_login(tenggarong_operator)
    assert 'href="/imports/"' in client.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_newest_first_with_a_bounded_number_of_queries(
    client, admin_user, tenggarong_operator, django_assert_max_num_queries
):
    for number in range(6):
        _upload_small(tenggarong_operator if number % 2 else admin_user, f"daftar_{number}.csv")
    client.force_login(admin_user)
    with django_assert_max_num_queries(8):
        response = client.get(LIST_URL)
    names = [job.original_name for job in response.context["page"].object_list]
    assert names == [f"daftar_{number}.csv" for number in range(5, -1, -1)]
    client.force_login(tenggarong_operator)
    own = [job.original_name for job in client.get(LIST_URL).context["page"].object_list]
    assert own == ["daftar_5.csv", "daftar_3.csv", "daftar_1.csv"]
