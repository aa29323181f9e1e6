"""An administrator imports a district's worker list: upload, correct the columns, check,
save while the page shows the progress, and download the row-by-row report."""

import shutil
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from conftest import PASSWORD
from lindung.imports.models import ImportJob, ImportStatus
from lindung.imports.services import run_import_pass
from lindung.registry.models import Worker

# The seeded sectors come from a data migration: restore them after the flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SAMPLE = Path(__file__).parents[2].parent / "shared" / "samples" / "daftar_pekerja_rentan_2026.xlsx"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Queued and left for the test to run, so the page can be seen while the save is under way.
QUEUED_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    if not SAMPLE.exists():
        pytest.skip(f"the sample worker list is not at {SAMPLE} (shared/ beside the repo)")
    copy = tmp_path / SAMPLE.name
    shutil.copyfile(SAMPLE, copy)
    return copy


def _log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button")
    expect(page.locator(".whoami")).to_contain_text(username)


def _upload_and_correct_the_mapping(page, sample: Path, screens: str) -> ImportJob:
    page.click(".mainnav a[href='/imports/']")
    expect(page.locator("#download-template")).to_be_visible()
    page.screenshot(path=f"{screens}/import-list-empty.png", full_page=True)
    picture = {"name": "foto.xlsx", "mimeType": "image/png", "buffer": b"\x89PNG\r\n" + bytes(64)}
    page.set_input_files("#id_file", files=[picture])
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#upload-error")).to_be_visible()
    assert not ImportJob.objects.exists()
    page.screenshot(path=f"{screens}/import-upload-error.png")
    page.set_input_files("#id_file", str(sample))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("h1")).to_have_text(sample.name)
    job = ImportJob.objects.get()

    rows = page.locator(".mapping-table tbody tr")
    expect(rows).to_have_count(13)
    expect(rows.first).to_contain_text("No")
    expect(page.locator("#id_col_0")).to_have_value("")  # the row number is ignored
    expect(page.locator("#id_col_2")).to_have_value("nik")
    expect(rows.nth(2)).to_contain_text("6402****")  # samples masked
    page.screenshot(path=f"{screens}/import-mapping.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{screens}/import-mapping-narrow.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})

    page.select_option("#id_col_2", "")  # without a NIK column nothing can be judged
    page.click("#check-rows")
    expect(page.locator("#mapping-error")).to_contain_text("NIK")
    page.screenshot(path=f"{screens}/import-mapping-error.png")
    page.select_option("#id_col_2", "nik")

    page.select_option("#id_col_10", "")  # Pekerjaan ignored …
    page.click("button[name=save_mapping]")
    expect(page.locator(".message.success")).to_be_visible()
    job.refresh_from_db()
    assert "10" not in job.mapping
    page.select_option("#id_col_10", "occupation")  # … and back
    return job


def test_admin_imports_a_list_checks_it_saves_it_and_downloads_the_report(
    page, screens, settings, tmp_path, admin_user, sample_copy
):
    settings.DATA_DIR = tmp_path / "data"
    settings.TASKS = IMMEDIATE_TASKS
    _log_in(page, "admin")
    job = _upload_and_correct_the_mapping(page, sample_copy, screens)

    page.click("#check-rows")
    preview = page.locator("#import-preview")
    expect(preview.locator("[data-count=created]")).to_have_text("360")
    expect(preview.locator("[data-count=rejected]")).to_have_text("11")
    expect(preview.locator(".outcome-rejected tbody tr")).to_have_count(10)
    assert Worker.objects.count() == 0
    page.screenshot(path=f"{screens}/import-preview.png", full_page=True)

    settings.TASKS = QUEUED_TASKS
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#save-import")
    progress = page.locator("#import-progress")
    expect(progress.locator("progress")).to_be_visible()
    page.screenshot(path=f"{screens}/import-progress.png", full_page=True)
    run_import_pass(job.pk, save=True)  # what the task worker does

    result = page.locator("#import-result")  # the polling page turns into the result
    expect(result.locator("[data-count=created]")).to_have_text("360", timeout=15_000)
    expect(progress).to_have_count(0)
    assert Worker.objects.count() == 360
    assert ImportJob.objects.get().status == ImportStatus.DONE
    page.screenshot(path=f"{screens}/import-done.png", full_page=True)

    with page.expect_download() as download_info:
        page.click("#download-report")
    download = download_info.value
    assert download.suggested_filename == "laporan-daftar_pekerja_rentan_2026.xlsx"
    report = tmp_path / download.suggested_filename
    download.save_as(report)
    statuses = _statuses_by_source_id(report)
    assert Counter(statuses.values()) == {"baru": 360, "DITOLAK": 11}
    assert all(status == "DITOLAK" for ref, status in statuses.items() if "-X" in ref)

    page.goto("/imports/")
    expect(page.locator(".import-table tbody tr")).to_have_count(1)
    page.screenshot(path=f"{screens}/import-list.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{screens}/import-list-narrow.png", full_page=True)
    page.goto(f"/imports/{job.pk}/")
    page.screenshot(path=f"{screens}/import-done-narrow.png", full_page=True)


def _statuses_by_source_id(report: Path) -> dict[str, str]:
    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_name("Data Pekerja").to_python()
    header_index = next(index for index, row in enumerate(rows) if "Status" in row)
    header = rows[header_index]
    source, status = header.index("ID Sumber"), header.index("Status")
    return {row[source]: row[status] for row in rows[header_index + 1 :] if row[status]}
