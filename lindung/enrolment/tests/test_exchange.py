import csv
import datetime as dt
import io

import pytest
from python_calamine import CalamineWorkbook

from lindung.audit.models import AuditEvent
from lindung.core.exceptions import DomainError, PermissionDenied
from lindung.enrolment.exchange_export import DEFAULT_COLUMNS, export_registration_batch
from lindung.enrolment.exchange_import import import_bpjs_answer, import_bpjs_participants
from lindung.enrolment.models import (
    BpjsFileImport,
    BpjsParticipant,
    EndReason,
    Enrolment,
    EnrolmentStatus,
    ParticipantPayer,
    RegistrationBatch,
)
from lindung.enrolment.services import enrol_candidates, save_export_template
from lindung.enrolment.tests.conftest import SUBMITTED_ON, write_csv
from lindung.programs.services import set_funding_budget

S = EnrolmentStatus


def rows_of_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_export_writes_every_candidate_and_submits_them_in_a_numbered_batch(
    admin_user, program, candidate, tenggarong_worker
):
    exported = export_registration_batch(
        actor=admin_user, program=program, file_format="csv", on=SUBMITTED_ON
    )

    rows = rows_of_csv(exported.content)
    assert rows[0] == [header for header, _field in DEFAULT_COLUMNS]
    assert rows[1] == [
        "6402064203850003",
        "Siti Aminah",
        "Tenggarong",
        "02-03-1985",
        "P",
        "Jl. Pesut No. 4",
        "004",
        "002",
        "Jahab",
        "Tenggarong",
        "+6281234567890",
        "Petani",
        "SG",
        "Perlindungan Pekerja Rentan Kukar",
        "APBD Kukar 100%",
        "1000000",
    ]
    batch = RegistrationBatch.objects.get()
    assert (batch.number, batch.row_count, batch.file_name) == (
        1,
        1,
        f"pendaftaran-{program.code}-0001.csv",
    )
    assert len(batch.checksum) == 64
    candidate.refresh_from_db()
    assert (candidate.status, candidate.submitted_on, candidate.batch) == (
        S.SUBMITTED,
        SUBMITTED_ON,
        batch,
    )
    assert candidate.funder_split[0]["name"] == "APBD Kukar"
    assert AuditEvent.objects.get(action="enrolment.batch_export").context["rows"] == 1
    assert AuditEvent.objects.filter(action="enrolment.transition").count() == 1


def test_export_as_xlsx_keeps_the_nik_as_text(admin_user, program, candidate):
    exported = export_registration_batch(actor=admin_user, program=program, on=SUBMITTED_ON)

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(exported.content))
    rows = workbook.get_sheet_by_name("Pendaftaran").to_python()
    assert rows[1][0] == "6402064203850003"


def test_a_programme_template_chooses_and_names_the_columns(admin_user, program, candidate):
    save_export_template(
        actor=admin_user,
        program=program,
        columns=[("No KTP", "nik"), ("Nama", "full_name"), ("Kode Desa", "village_code")],
    )

    exported = export_registration_batch(
        actor=admin_user, program=program, file_format="csv", on=SUBMITTED_ON
    )

    assert rows_of_csv(exported.content) == [
        ["No KTP", "Nama", "Kode Desa"],
        ["6402064203850003", "Siti Aminah", "64.02.06.1001"],
    ]


def test_a_template_without_nik_is_refused(admin_user, program):
    with pytest.raises(DomainError, match="NIK"):
        save_export_template(actor=admin_user, program=program, columns=[("Nama", "full_name")])


def test_the_budget_guard_refuses_a_batch_the_funder_cannot_pay_with_its_numbers(
    admin_user, program, apbd, candidate
):
    set_funding_budget(actor=admin_user, funding_source_id=apbd.pk, fiscal_year=2026, amount=50_000)

    with pytest.raises(DomainError) as refused:
        export_registration_batch(actor=admin_user, program=program, on=SUBMITTED_ON)

    # June to December: 7 months of Rp16.800.
    assert refused.value.message == (
        "Anggaran APBD Kukar 2026 tidak cukup: sisa Rp50.000, dibutuhkan Rp117.600 untuk "
        "1 pekerja × 7 bulan."
    )
    candidate.refresh_from_db()
    assert candidate.status == S.CANDIDATE
    assert not RegistrationBatch.objects.exists()


def test_an_operator_exports_only_the_candidates_of_their_district(
    admin_user, tenggarong_operator, program, candidate, loa_kulu_worker
):
    enrol_candidates(actor=admin_user, program=program, worker_ids=[loa_kulu_worker.pk])

    exported = export_registration_batch(
        actor=tenggarong_operator, program=program, file_format="csv", on=SUBMITTED_ON
    )

    assert [row[0] for row in rows_of_csv(exported.content)[1:]] == ["6402064203850003"]
    assert Enrolment.objects.get(worker=loa_kulu_worker).status == S.CANDIDATE
    assert RegistrationBatch.objects.get().area_id == "64.02.06"


def test_a_leader_cannot_export_a_batch(leader, program, candidate):
    with pytest.raises(PermissionDenied):
        export_registration_batch(actor=leader, program=program, on=SUBMITTED_ON)
    assert not RegistrationBatch.objects.exists()


def test_nothing_to_export_is_said(admin_user, program):
    with pytest.raises(DomainError, match="Tidak ada calon peserta"):
        export_registration_batch(actor=admin_user, program=program, on=SUBMITTED_ON)


ANSWER_HEADER = "NIK,NAMA,STATUS,NO KPJ,TGL KEPESERTAAN,KETERANGAN"


def test_the_answer_activates_accepted_rows_and_ends_refused_ones(
    tmp_path, admin_user, program, submitted, more_workers
):
    others = more_workers(2)
    enrol_candidates(actor=admin_user, program=program, worker_ids=[w.pk for w in others])
    export_registration_batch(actor=admin_user, program=program, on=SUBMITTED_ON)
    path = write_csv(
        tmp_path / "jawaban.csv",
        [
            ANSWER_HEADER,
            "6402064203850003,Siti Aminah,Diterima,26012345678,01-06-2026,",
            f"{others[0].nik},Pekerja Uji 10,Ditolak,,,NIK tidak padan Dukcapil",
            f"{others[1].nik},Pekerja Uji 11,Diterima,26012340011,2026-06-01,",
            "6402061508709999,Tidak Dikenal,Diterima,26019999999,01-06-2026,",
            "6.40206E+15,Rusak,Diterima,1,01-06-2026,",
        ],
    )

    record = import_bpjs_answer(actor=admin_user, path=path)

    submitted.refresh_from_db()
    assert (submitted.status, submitted.kpj_number, submitted.coverage_start) == (
        S.ACTIVE,
        "26012345678",
        dt.date(2026, 6, 1),
    )
    refused = Enrolment.objects.get(worker=others[0])
    assert (refused.status, refused.end_reason, refused.end_note) == (
        S.ENDED,
        EndReason.REFUSED_BY_BPJS,
        "NIK tidak padan Dukcapil",
    )
    assert Enrolment.objects.get(worker=others[1]).status == S.ACTIVE
    assert record.counts == {"activated": 2, "refused": 1, "unchanged": 0, "unmatched": 2}
    assert [(row["row"], row["reason"]) for row in record.unmatched] == [
        (5, "Tidak ada pengajuan ke BPJS untuk NIK ini di wilayah Anda"),
        (
            6,
            "NIK '6.40206E+15' telah diubah Excel menjadi angka ilmiah dan digit terakhirnya "
            "hilang; format kolom sebagai teks lalu ketik ulang",
        ),
    ]
    event = AuditEvent.objects.get(action="enrolment.bpjs_answer_import")
    assert event.context["checksum"] == record.checksum
    assert AuditEvent.objects.filter(action="enrolment.transition").count() == 3 + 3


def test_importing_the_same_answer_twice_changes_nothing(tmp_path, admin_user, submitted):
    path = write_csv(
        tmp_path / "jawaban.csv",
        [ANSWER_HEADER, "6402064203850003,Siti Aminah,Diterima,26012345678,01-06-2026,"],
    )
    import_bpjs_answer(actor=admin_user, path=path)
    submitted.refresh_from_db()
    version = submitted.version

    again = import_bpjs_answer(actor=admin_user, path=path)

    submitted.refresh_from_db()
    assert submitted.version == version
    assert again.counts == {"activated": 0, "refused": 0, "unchanged": 1, "unmatched": 0}
    assert submitted.status_changes.count() == 3
    first = BpjsFileImport.objects.order_by("id").first()
    assert (
        AuditEvent.objects.filter(action="enrolment.bpjs_answer_import")
        .latest("sequence")
        .context["same_file_as"]
        == first.pk
    )


def test_an_answer_contradicting_an_applied_one_is_reported_not_applied(
    tmp_path, admin_user, active
):
    path = write_csv(
        tmp_path / "jawaban.csv",
        [ANSWER_HEADER, "6402064203850003,Siti Aminah,Ditolak,,,Ganda"],
    )

    record = import_bpjs_answer(actor=admin_user, path=path)

    active.refresh_from_db()
    assert active.status == S.ACTIVE
    assert record.counts["unmatched"] == 1
    assert record.unmatched[0]["reason"] == (
        "Kepesertaan berstatus Aktif; jawaban ini tidak diterapkan"
    )


def test_an_operator_cannot_apply_answers_for_another_district(
    tmp_path, loa_kulu_operator, submitted
):
    path = write_csv(
        tmp_path / "jawaban.csv",
        [ANSWER_HEADER, "6402064203850003,Siti Aminah,Diterima,26012345678,01-06-2026,"],
    )

    record = import_bpjs_answer(actor=loa_kulu_operator, path=path)

    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert record.counts["unmatched"] == 1


def test_a_file_without_a_nik_header_is_refused(tmp_path, admin_user):
    path = write_csv(tmp_path / "x.csv", ["Nama,Alamat", "Siti,Jahab"])
    with pytest.raises(DomainError, match="kolom NIK"):
        import_bpjs_answer(actor=admin_user, path=path)
    assert not BpjsFileImport.objects.exists()


PARTICIPANT_HEADER = "NIK,NO KPJ,SEGMEN,JENIS KEPESERTAAN,STATUS"


def test_a_participant_list_marks_registered_workers_and_keeps_nobody_else(
    tmp_path, admin_user, tenggarong_worker, loa_kulu_worker
):
    path = write_csv(
        tmp_path / "peserta.csv",
        [
            PARTICIPANT_HEADER,
            f"{tenggarong_worker.nik},11111111111,PU,,Aktif",
            f"{loa_kulu_worker.nik},22222222222,BPU,,Aktif",
            "6402061508709999,33333333333,PU,,Aktif",
        ],
    )

    record = import_bpjs_participants(actor=admin_user, path=path, as_of=dt.date(2026, 9, 30))

    participants = {p.worker_id: p for p in BpjsParticipant.objects.all()}
    assert set(participants) == {tenggarong_worker.pk, loa_kulu_worker.pk}
    assert participants[tenggarong_worker.pk].payer == ParticipantPayer.EMPLOYER
    assert participants[loa_kulu_worker.pk].payer == ParticipantPayer.SELF
    assert record.counts == {"added": 2, "updated": 0, "unmatched": 1}
    assert record.unmatched[0]["reason"] == "NIK tidak ada di registri; baris tidak disimpan"

    again = import_bpjs_participants(actor=admin_user, path=path, as_of=dt.date(2026, 9, 30))
    assert BpjsParticipant.objects.count() == 2
    assert again.counts == {"added": 0, "updated": 0, "unchanged": 2, "unmatched": 1}


def test_an_operator_of_one_district_cannot_import_a_regency_participant_list(
    tmp_path, tenggarong_operator, tenggarong_worker
):
    path = write_csv(tmp_path / "p.csv", [PARTICIPANT_HEADER, f"{tenggarong_worker.nik},1,PU,,"])
    with pytest.raises(PermissionDenied):
        import_bpjs_participants(actor=tenggarong_operator, path=path, as_of=dt.date(2026, 9, 1))
    assert not BpjsParticipant.objects.exists()


def test_export_and_import_use_a_bounded_number_of_queries(
    tmp_path, admin_user, program, more_workers, django_assert_max_num_queries
):
    workers = more_workers(6)
    enrol_candidates(actor=admin_user, program=program, worker_ids=[w.pk for w in workers])
    with django_assert_max_num_queries(40):
        export_registration_batch(actor=admin_user, program=program, on=SUBMITTED_ON)
    lines = [ANSWER_HEADER] + [f"{w.nik},x,Diterima,2601{w.pk:07d},01-06-2026," for w in workers]
    path = write_csv(tmp_path / "a.csv", lines)
    with django_assert_max_num_queries(30):
        record = import_bpjs_answer(actor=admin_user, path=path)
    assert record.counts["activated"] == 6


def test_shares_are_kept_on_the_enrolment_when_submitted(admin_user, program, apbd, candidate):
    batch = export_registration_batch(actor=admin_user, program=program, on=SUBMITTED_ON).batch
    candidate.refresh_from_db()
    assert candidate.funder_split == [
        {
            "funding_source_id": apbd.pk,
            "name": "APBD Kukar",
            "kind": "regency_budget",
            "membership_kind": "SG",
            "percent": "100",
        }
    ]
    assert batch.columns[0] == ["NIK", "nik"]
