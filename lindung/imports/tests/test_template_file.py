import datetime as dt
import io
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from lindung.imports.services import start_import_pass, upload_import
from lindung.imports.template_file import HEADERS, build_import_template
from lindung.regions.selectors import regency_villages
from lindung.registry.models import Sector, Worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _sheets(content: bytes) -> dict[str, list[list]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def test_the_template_has_the_canonical_headers_and_one_example_row(regions):
    sheets = _sheets(build_import_template())
    data = sheets["Data Pekerja"]
    assert list(sheets) == ["Data Pekerja", "Sektor", "Desa", "Jenis Kelamin", "Petunjuk"]
    assert data[0] == list(HEADERS)
    assert HEADERS[:3] == ("NIK", "No. KK", "Nama Lengkap")
    example = dict(zip(data[0], data[1], strict=True))
    # Identity numbers are text cells: no float, no lost digits.
    assert example["NIK"] == "6402064203850003"
    assert example["No. KK"] == "6402061203150007"
    assert example["No. HP"] == "081234567890"
    assert example["Tanggal Lahir"] == dt.date(1985, 3, 2)
    assert (example["Jenis Kelamin (L/P)"], example["Kode Desa"]) == ("P", "64.02.06.1001")
    assert len(data) == 2


def test_the_template_lists_the_valid_sectors_villages_and_sex_codes(regions):
    sheets = _sheets(build_import_template())
    active = Sector.objects.filter(is_active=True)
    assert sorted(row[0] for row in sheets["Sektor"][1:]) == sorted(s.code for s in active)
    villages = {row[0]: (row[1], row[2]) for row in sheets["Desa"][1:]}
    assert len(villages) == regency_villages().count()
    assert villages["64.02.06.1001"] == ("Jahab", "Tenggarong")
    assert sheets["Jenis Kelamin"][1:] == [["L", "Laki-laki"], ["P", "Perempuan"]]


def test_the_template_declares_drop_down_lists_for_sex_sector_village_code_and_decile(regions):
    with zipfile.ZipFile(io.BytesIO(build_import_template())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<dataValidation ") == 4
    assert '"L,P"' in sheet
    assert "Sektor!$B$2:$B$" in sheet and "Desa!$A$2:$A$" in sheet
    assert 'type="whole"' in sheet


def test_an_uploaded_template_maps_every_column_and_its_example_row_is_accepted(admin_user):
    job = upload_import(
        actor=admin_user, file=io.BytesIO(build_import_template()), original_name="templat.xlsx"
    )
    assert job.sheet == "Data Pekerja"
    assert len(job.mapping) == len(HEADERS)
    assert set(job.mapping.values()) == {
        "nik", "kk_number", "full_name", "birth_place", "birth_date", "sex", "address", "rt",
        "rw", "village_code", "village", "district", "occupation", "sector", "phone",
        "monthly_income", "welfare_decile", "source_ref",
    }  # fmt: skip
    checked = start_import_pass(actor=admin_user, job_id=job.pk, save=False, in_background=False)
    assert (checked.created, checked.rejected) == (1, 0), checked.preview
    saved = start_import_pass(actor=admin_user, job_id=job.pk, save=True, in_background=False)
    worker = Worker.objects.get()
    assert saved.created == 1
    assert (worker.nik, worker.full_name, worker.sex) == ("6402064203850003", "Siti Aminah", "F")
    assert (worker.village_id, worker.sector.code, worker.welfare_decile) == (
        "64.02.06.1001",
        "pertanian",
        3,
    )
    assert (worker.kk_number, worker.phone, worker.monthly_income) == (
        "6402061203150007",
        "+6281234567890",
        1_500_000,
    )


def test_the_template_downloads_as_an_xlsx_attachment(client, tenggarong_operator):
    client.force_login(tenggarong_operator)
    response = client.get("/imports/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "attachment" in response["Content-Disposition"]
    assert _sheets(response.content)["Data Pekerja"][0] == list(HEADERS)
