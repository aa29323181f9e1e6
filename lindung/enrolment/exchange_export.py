"""The registration file sent to BPJS: a programme's candidates, one row each.

No BPJS API is available, so registration is a file. Its columns follow the programme's
``ExportTemplate`` or, without one, ``DEFAULT_COLUMNS`` (documented in decision 15). The
export moves every candidate it writes to *submitted*, in a new ``RegistrationBatch``,
after asking the budget guard whether the funders can pay for them from the next month.
"""

import csv
import datetime as dt
import hashlib
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import DomainError
from lindung.enrolment.models import Enrolment, EnrolmentStatus, ExportTemplate, RegistrationBatch
from lindung.enrolment.selectors import enrolments_for_user, get_batch_for_user, narrow_area
from lindung.enrolment.services import Move, save_moves
from lindung.programs.budget import check_budget, rule_for_area, share_rules
from lindung.programs.models import Program

Row = dict  # the values of one candidate, by ``_ROW_FIELDS`` name


def _date(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


# Every field a column can hold: what it is called in a mapping, and how it is written.
EXPORT_FIELDS: dict[str, Callable[[Row], object]] = {
    "nik": lambda row: row["worker__nik"],
    "full_name": lambda row: row["worker__full_name"],
    "birth_place": lambda row: row["worker__birth_place"],
    "birth_date": lambda row: _date(row["worker__birth_date"]),
    "sex": lambda row: "L" if row["worker__sex"] == "M" else "P",
    "address": lambda row: row["worker__address"],
    "rt": lambda row: row["worker__rt"],
    "rw": lambda row: row["worker__rw"],
    "village": lambda row: row["worker__village__name"],
    "village_code": lambda row: row["worker__village_id"],
    "district": lambda row: row["worker__district__name"],
    "phone": lambda row: row["worker__phone"],
    "occupation": lambda row: row["worker__occupation"],
    "membership_kind": lambda row: row["membership_kind"],
    "program": lambda row: row["program_name"],
    "funder": lambda row: row["funders"],
    "reported_income": lambda row: row["reported_income"],
    "candidate_since": lambda row: _date(row["candidate_since"]),
}
DEFAULT_COLUMNS: list[tuple[str, str]] = [
    ("NIK", "nik"),
    ("NAMA LENGKAP", "full_name"),
    ("TEMPAT LAHIR", "birth_place"),
    ("TANGGAL LAHIR", "birth_date"),
    ("JENIS KELAMIN", "sex"),
    ("ALAMAT", "address"),
    ("RT", "rt"),
    ("RW", "rw"),
    ("DESA/KELURAHAN", "village"),
    ("KECAMATAN", "district"),
    ("NO HP", "phone"),
    ("PEKERJAAN", "occupation"),
    ("JENIS KEPESERTAAN", "membership_kind"),
    ("PROGRAM", "program"),
    ("SUMBER DANA", "funder"),
    ("UPAH DILAPORKAN", "reported_income"),
]
_ROW_FIELDS = (
    "pk",
    "version",
    "worker_id",
    "candidate_since",
    "worker__nik",
    "worker__full_name",
    "worker__birth_place",
    "worker__birth_date",
    "worker__sex",
    "worker__address",
    "worker__rt",
    "worker__rw",
    "worker__village_id",
    "worker__village__name",
    "worker__district__name",
    "worker__phone",
    "worker__occupation",
)
FORMATS = ("xlsx", "csv")


def columns_for(program: Program) -> list[tuple[str, str]]:
    template = ExportTemplate.objects.filter(program=program).first()
    return [tuple(pair) for pair in template.columns] if template else list(DEFAULT_COLUMNS)


@dataclass(frozen=True)
class ExportedBatch:
    batch: RegistrationBatch
    content: bytes
    file_name: str


def export_registration_batch(
    *, actor: User, program: Program, file_format: str = "xlsx", on: dt.date | None = None
) -> ExportedBatch:
    """Write the candidates of ``program`` in the user's area to a registration file and
    submit them to BPJS in a new batch. Refused with the budget guard's numbers when a
    funder cannot pay for them."""
    require(actor, Capability.EXPORT_WORKERS)
    require(actor, Capability.VIEW_FULL_IDENTITY)  # the file carries full NIKs
    if file_format not in FORMATS:
        raise DomainError("Format berkas harus xlsx atau csv.")
    on = on or timezone.localdate()
    candidates = enrolments_for_user(actor).filter(
        program=program, status=EnrolmentStatus.CANDIDATE
    )
    with transaction.atomic():
        rows = list(
            candidates.select_for_update(of=("self",)).order_by("worker__nik").values(*_ROW_FIELDS)
        )
        if not rows:
            raise DomainError(f"Tidak ada calon peserta program {program.name} untuk diajukan.")
        first_month = dt.date(on.year + on.month // 12, on.month % 12 + 1, 1)
        check_budget(
            program,
            first_month.year,
            Counter(row["worker__village_id"] for row in rows),
            start_month=first_month.month,
        )
        splits = _funder_splits(program, {row["worker__village_id"] for row in rows})
        batch = _create_batch(actor, program, file_format, on, rows)
        for row in rows:
            split = splits[row["worker__village_id"]]
            row |= {
                "program_name": program.name,
                "reported_income": program.reported_income,
                "membership_kind": split[0]["membership_kind"] if split else "",
                "funders": ", ".join(f"{part['name']} {part['percent']}%" for part in split),
            }
        columns = columns_for(program)
        content = write_rows(file_format, columns, rows)
        batch.checksum = hashlib.sha256(content).hexdigest()
        batch.columns = [list(pair) for pair in columns]
        batch.save(update_fields=["checksum", "columns"])
        _submit(actor, batch, rows, splits, on)
        path = batch_file_path(batch)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return ExportedBatch(batch, content, batch.file_name)


def batch_file_path(batch: RegistrationBatch) -> Path:
    """Where the file sent to BPJS is kept, for downloading it again."""
    return Path(settings.DATA_DIR) / "enrolment" / "batches" / f"{batch.pk}-{batch.file_name}"


def _funder_splits(program: Program, villages: set[str]) -> dict[str, list[dict]]:
    """Per village: the funders and percentages of its share rule, largest first."""
    rules = share_rules(program)
    return {
        village: [
            {
                "funding_source_id": share.funding_source_id,
                "name": share.funding_source.name,
                "kind": share.funding_source.kind,
                "membership_kind": share.funding_source.membership_kind,
                "percent": percent_text(share.percent),
            }
            for share in rule_for_area(rules, village).shares
        ]
        for village in villages
    }


def percent_text(percent) -> str:
    """`100`, `62.5`: a share as people write it."""
    text = f"{percent:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _create_batch(actor, program, file_format, on, rows) -> RegistrationBatch:
    # The programme row is locked so two exports cannot take the same number.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    last = RegistrationBatch.objects.filter(program=program).aggregate(n=Max("number"))["n"]
    number = (last or 0) + 1
    return RegistrationBatch.objects.create(
        program=program,
        number=number,
        area=narrow_area(actor),
        file_format=file_format,
        file_name=f"pendaftaran-{program.code}-{number:04d}.{file_format}",
        checksum="",
        row_count=len(rows),
        submitted_on=on,
        created_at=timezone.now(),
        created_by=actor,
    )


def _submit(actor, batch: RegistrationBatch, rows, splits, on: dt.date) -> None:
    moved = []
    for row in rows:
        enrolment = Enrolment(
            pk=row["pk"],
            worker_id=row["worker_id"],
            program_id=batch.program_id,
            status=EnrolmentStatus.CANDIDATE,
            version=row["version"],
            batch=batch,
            funder_split=splits[row["worker__village_id"]],
        )
        moved.append((enrolment, Move(EnrolmentStatus.SUBMITTED, on)))
    save_moves(actor=actor, moved=moved, fields=["submitted_on", "batch", "funder_split"])
    record_event(
        actor=actor,
        action="enrolment.batch_export",
        object_type="registration_batch",
        object_id=batch.pk,
        context={
            "program": batch.program_id,
            "number": batch.number,
            "rows": batch.row_count,
            "file_name": batch.file_name,
            "checksum": batch.checksum,
        },
    )


def write_rows(file_format: str, columns: list[tuple[str, str]], rows: list[Row]) -> bytes:
    header = [name for name, _field in columns]
    getters = [EXPORT_FIELDS[field] for _name, field in columns]
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows([getter(row) for getter in getters] for row in rows)
        return buffer.getvalue().encode("utf-8-sig")
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet("Pendaftaran")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    for index, row in enumerate(rows, start=1):
        # Every value as text: a NIK or KPJ written as a number loses its last digit in Excel.
        sheet.write_row(index, 0, [_text(getter(row)) for getter in getters])
    workbook.close()
    return buffer.getvalue()


def _text(value: object) -> object:
    return value if isinstance(value, int) and not isinstance(value, bool) else str(value or "")


def open_batch_file(*, actor: User, batch_id: int) -> tuple[RegistrationBatch, Path]:
    """The registration file of a batch, downloaded again; the download is audited."""
    require(actor, Capability.EXPORT_WORKERS)
    require(actor, Capability.VIEW_FULL_IDENTITY)
    batch = get_batch_for_user(actor, batch_id)
    path = batch_file_path(batch)
    if not path.is_file():
        raise DomainError("Berkas batch ini tidak lagi tersimpan.")
    record_event(
        actor=actor,
        action="enrolment.batch_download",
        object_type="registration_batch",
        object_id=batch.pk,
        context={"file_name": batch.file_name, "checksum": batch.checksum},
    )
    return batch, path
