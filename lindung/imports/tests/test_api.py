"""Imports over the REST API: upload, follow, save and fetch the report."""

from contextlib import nullcontext

import pytest
from python_calamine import CalamineWorkbook

from lindung.audit.models import AuditEvent
from lindung.imports.columns import FIELD_LABELS
from lindung.imports.models import ImportJob, ImportProfile, ImportStatus
from lindung.imports.tests.sheets import HEADER, RINA, SITI, YUSUF, write_csv, write_xlsx
from lindung.registry.models import Worker

pytestmark = pytest.mark.django_db

API = "/api/v1"


class ApiClient:
    """Calls the API as one user. ``after_commit`` wraps each call; with the inline task
    backend it runs the passes the call queued before the call returns."""

    def __init__(self, client, token, after_commit=nullcontext):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.after_commit = after_commit

    def upload(self, path, **fields):
        with path.open("rb") as handle, self.after_commit():
            return self.client.post(
                f"{API}/imports", {"file": handle, **fields}, headers=self.headers
            )

    def get(self, url, **params):
        return self.client.get(API + url, params, headers=self.headers)

    def post(self, url):
        with self.after_commit():
            return self.client.post(API + url, headers=self.headers)


@pytest.fixture
def api_as(client, token_for, inline_tasks, django_capture_on_commit_callbacks):
    def run_queued():
        return django_capture_on_commit_callbacks(execute=True)

    return lambda user: ApiClient(client, token_for(user), run_queued)


@pytest.fixture
def worker_list(tmp_path):
    return write_csv(
        tmp_path / "daftar.csv", [HEADER, SITI, RINA, [*SITI[:2], "Kembar", *SITI[3:]]]
    )


def test_upload_without_a_token_is_refused_with_401(client, regions, worker_list):
    response = ApiClient(client, None).upload(worker_list)
    assert response.status_code == 401
    assert client.get(f"{API}/imports/1").status_code == 401
    assert client.get(f"{API}/imports").status_code == 401
    assert not ImportJob.objects.exists()


def test_upload_checks_by_default_and_saves_nothing(api_as, admin_user, worker_list):
    response = api_as(admin_user).upload(worker_list)

    assert response.status_code == 202
    body = response.json()
    job = ImportJob.objects.get()
    assert body["id"] == job.pk
    assert body["status"] == ImportStatus.CHECKING  # the answer is given when queued
    assert body["file_name"] == "daftar.csv"
    assert body["sha256"] == job.checksum
    assert body["total_rows"] == 3
    assert body["columns"][1] == {"index": 1, "header": "NIK", "field": "nik"}
    assert body["report_url"] is None
    assert not Worker.objects.exists()
    assert AuditEvent.objects.filter(action="import.upload", object_id=str(job.pk)).exists()


def test_a_checked_upload_shows_progress_counts_preview_and_report(api_as, admin_user, worker_list):
    api = api_as(admin_user)
    job_id = api.upload(worker_list).json()["id"]

    response = api.get(f"/imports/{job_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == ImportStatus.CHECKED
    assert (body["total_rows"], body["processed_rows"], body["progress_percent"]) == (3, 3, 100)
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert body["preview"]["rejected"] == [
        {"row": 4, "name": "Kembar", "message": "NIK sama dengan baris 2; baris ini dilewati"}
    ]
    assert [row["row"] for row in body["preview"]["created"]] == [2, 3]
    assert body["error"] == ""
    assert body["report_url"] == f"{API}/imports/{job_id}/report"
    assert not Worker.objects.exists()


def test_a_checked_import_is_saved_on_request(api_as, admin_user, worker_list):
    api = api_as(admin_user)
    job_id = api.upload(worker_list).json()["id"]

    response = api.post(f"/imports/{job_id}/save")

    assert response.status_code == 202
    body = api.get(f"/imports/{job_id}").json()
    assert body["status"] == ImportStatus.DONE
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert set(Worker.objects.values_list("nik", flat=True)) == {SITI[1], RINA[1]}
    done = AuditEvent.objects.get(action="import.done")
    assert done.context["created"] == 2


def test_an_upload_with_dry_run_false_saves_directly(api_as, admin_user, worker_list):
    response = api_as(admin_user).upload(worker_list, dry_run="false")

    assert response.status_code == 202
    assert response.json()["status"] == ImportStatus.SAVING
    job = ImportJob.objects.get()
    assert (job.status, job.created, job.rejected) == (ImportStatus.DONE, 2, 1)
    assert Worker.objects.count() == 2


def test_saving_a_saved_import_again_is_refused(api_as, admin_user, worker_list):
    api = api_as(admin_user)
    job_id = api.upload(worker_list, dry_run="false").json()["id"]
    response = api.post(f"/imports/{job_id}/save")
    assert response.status_code == 400
    assert Worker.objects.count() == 2


def test_the_report_downloads_as_xlsx_with_a_status_per_row(api_as, admin_user, worker_list):
    api = api_as(admin_user)
    job_id = api.upload(worker_list, dry_run="false").json()["id"]

    response = api.get(f"/imports/{job_id}/report")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"laporan-impor-{job_id}.xlsx" in response["Content-Disposition"]
    target = worker_list.parent / "laporan.xlsx"
    target.write_bytes(b"".join(response.streaming_content))
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("Data").to_python()
    assert [row[len(HEADER)] for row in rows] == ["Status", "baru", "baru", "DITOLAK"]


def test_the_report_is_not_found_before_a_pass_has_finished(
    client, token_for, admin_user, worker_list
):
    # Queued but not run: the task worker has not picked it up yet.
    api = ApiClient(client, token_for(admin_user))
    job_id = api.upload(worker_list).json()["id"]
    assert api.get(f"/imports/{job_id}").json()["status"] == ImportStatus.CHECKING
    assert api.get(f"/imports/{job_id}/report").status_code == 404


def test_another_users_import_is_not_found(
    api_as, tenggarong_operator, loa_kulu_operator, worker_list
):
    job_id = api_as(tenggarong_operator).upload(worker_list).json()["id"]
    other = api_as(loa_kulu_operator)

    assert other.get(f"/imports/{job_id}").status_code == 404
    assert other.get(f"/imports/{job_id}/report").status_code == 404
    assert other.post(f"/imports/{job_id}/save").status_code == 404
    assert other.get("/imports").json()["count"] == 0
    assert ImportJob.objects.get().status == ImportStatus.CHECKED
    assert not Worker.objects.exists()


def test_an_administrator_sees_every_import(api_as, admin_user, tenggarong_operator, worker_list):
    job_id = api_as(tenggarong_operator).upload(worker_list).json()["id"]
    assert api_as(admin_user).get(f"/imports/{job_id}").status_code == 200


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_leaders_and_auditors_cannot_import(request, api_as, role, worker_list, admin_user):
    api = api_as(request.getfixturevalue(role))
    assert api.upload(worker_list).status_code == 403
    assert api.get("/imports").status_code == 403
    assert not ImportJob.objects.exists()
    # Nor look at someone else's.
    job_id = api_as(admin_user).upload(worker_list).json()["id"]
    assert api.get(f"/imports/{job_id}").status_code == 403
    assert api.get(f"/imports/{job_id}/report").status_code == 403


def test_the_list_shows_the_users_imports_newest_first(
    api_as, tenggarong_operator, worker_list, tmp_path
):
    api = api_as(tenggarong_operator)
    first = api.upload(worker_list).json()["id"]
    second = api.upload(write_csv(tmp_path / "lain.csv", [HEADER, SITI])).json()["id"]

    body = api.get("/imports", page_size=1).json()
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 1)
    assert [job["id"] for job in body["results"]] == [second]
    second_page = api.get("/imports", page=2, page_size=1).json()["results"]
    assert [job["id"] for job in second_page] == [first]


def test_an_unreadable_file_is_refused_with_422_and_the_reason(api_as, admin_user, tmp_path):
    path = tmp_path / "catatan.csv"
    path.write_text("halo,dunia\n1,2\n")

    response = api_as(admin_user).upload(path)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "file"
    assert "Baris judul kolom tidak ditemukan" in error["message"]
    assert not ImportJob.objects.exists()


def test_an_unknown_sheet_is_refused_with_422_naming_the_sheets(api_as, admin_user, worker_list):
    path = write_xlsx(worker_list.parent / "daftar.xlsx", {"Pekerja": [HEADER, SITI]})
    response = api_as(admin_user).upload(path, sheet="Rekap")
    assert response.status_code == 422
    assert "Pekerja" in response.json()["detail"][0]["message"]


def test_a_file_missing_a_needed_column_is_refused_with_422_naming_it(api_as, admin_user, tmp_path):
    path = write_csv(tmp_path / "tanpa_desa.csv", [HEADER[:5], SITI[:5]])

    response = api_as(admin_user).upload(path)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "mapping"
    assert str(FIELD_LABELS["village"]) in error["message"]
    assert "nik" not in error["message"]
    assert not ImportJob.objects.exists()
    assert not Worker.objects.exists()


def test_a_saved_profile_maps_unusual_headers(api_as, admin_user, tmp_path):
    ImportProfile.objects.create(
        name="Kampung", mapping={"nik": "nik", "nama": "full_name", "wilayah": "village_code",
                                 "lahir": "birth_date", "kerja": "occupation"},
    )  # fmt: skip
    # NIK and Nama are known names; Wilayah (the village code) is not.
    rows = [["NIK", "Nama", "Wilayah", "Lahir", "Kerja"],
            [YUSUF[1], YUSUF[2], YUSUF[5], YUSUF[3], "Nelayan"]]  # fmt: skip
    path = write_csv(tmp_path / "kampung.csv", rows)

    api = api_as(admin_user)
    without = api.upload(path)
    assert without.status_code == 422

    response = api.upload(path, profile="Kampung", dry_run="false")
    assert response.status_code == 202
    assert Worker.objects.get().full_name == "Muhammad Yusuf"


def test_an_unknown_profile_is_refused_with_422(api_as, admin_user, worker_list):
    response = api_as(admin_user).upload(worker_list, profile="Tidak Ada")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "profile"
    assert not ImportJob.objects.exists()


def test_an_upload_without_a_file_is_refused_with_422(api_as, admin_user):
    api = api_as(admin_user)
    response = api.client.post(f"{API}/imports", {"dry_run": "true"}, headers=api.headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "file"


def test_the_import_endpoints_are_in_the_openapi_document(client, regions):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    assert {"/api/v1/imports", "/api/v1/imports/{import_id}", "/api/v1/imports/{import_id}/save",
            "/api/v1/imports/{import_id}/report"} <= set(paths)  # fmt: skip
