import datetime as dt

import pytest

from conftest import worker_input
from lindung.audit.models import AuditEvent
from lindung.registry.inputs import HeirInput
from lindung.registry.models import Worker, WorkerStatus, WorkerStatusChange
from lindung.registry.services import register_worker, update_worker

pytestmark = pytest.mark.django_db


def _detail(worker) -> str:
    return f"/workers/{worker.pk}/"


def test_detail_shows_the_worker_with_identity_numbers_masked(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    response = client.get(_detail(tenggarong_worker))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Siti Aminah" in html
    assert "6402********0003" in html
    assert "+62812****7890" in html
    for secret in (tenggarong_worker.nik, tenggarong_worker.phone, "6281234567890"):
        assert secret not in html
    assert f"/workers/{tenggarong_worker.pk}/reveal/nik/" in html
    assert "Budi Santoso" in html


def test_heirs_are_listed_in_legal_order_with_their_numbers_masked(
    client, tenggarong_operator, admin_user
):
    worker = register_worker(
        actor=admin_user,
        data=worker_input(
            heirs=[
                HeirInput(full_name="Ibu Kandung", relationship="parent"),
                HeirInput(
                    full_name="Anak Pertama",
                    relationship="child",
                    nik="6402065005100001",
                    phone="081299998888",
                ),
                HeirInput(full_name="Suami Tercinta", relationship="spouse"),
            ]
        ),
    )
    client.force_login(tenggarong_operator)
    response = client.get(_detail(worker))
    html = response.content.decode()
    assert [heir.full_name for heir in response.context["heirs"]] == [
        "Anak Pertama",
        "Suami Tercinta",
        "Ibu Kandung",
    ]
    assert html.index("Anak Pertama") < html.index("Suami Tercinta") < html.index("Ibu Kandung")
    assert "6402065005100001" not in html
    assert "6402********0001" in html
    assert "+6281299998888" not in html


def test_revealing_the_nik_returns_it_and_records_who_looked(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    response = client.post(
        f"/workers/{tenggarong_worker.pk}/reveal/nik/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert tenggarong_worker.nik in response.content.decode()
    event = AuditEvent.objects.get(action="worker.reveal")
    assert (event.actor, event.worker_id, event.context) == (
        tenggarong_operator,
        tenggarong_worker.pk,
        {"field": "nik"},
    )


def test_reveal_is_a_post_and_knows_only_identity_fields(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    assert client.get(f"/workers/{tenggarong_worker.pk}/reveal/nik/").status_code == 405
    assert client.post(f"/workers/{tenggarong_worker.pk}/reveal/address/").status_code == 404
    assert not AuditEvent.objects.filter(action="worker.reveal").exists()


def test_loa_kulu_operator_gets_404_for_a_tenggarong_worker(
    client, loa_kulu_operator, tenggarong_worker
):
    client.force_login(loa_kulu_operator)
    pk = tenggarong_worker.pk
    assert client.get(f"/workers/{pk}/").status_code == 404
    assert client.get(f"/workers/{pk}/edit/").status_code == 404
    assert client.post(f"/workers/{pk}/reveal/nik/").status_code == 404
    assert (
        client.post(f"/workers/{pk}/status/", {"to_status": "verified", "version": "1"}).status_code
        == 404
    )
    worker = Worker.objects.get(pk=pk)
    assert (worker.status, worker.version) == (WorkerStatus.REGISTERED, 1)
    assert not AuditEvent.objects.filter(actor=loa_kulu_operator).exists()


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_leader_and_auditor_are_refused_the_worker_pages(client, request, role, tenggarong_worker):
    client.force_login(request.getfixturevalue(role))
    pk = tenggarong_worker.pk
    assert client.get(f"/workers/{pk}/").status_code == 403
    assert client.post(f"/workers/{pk}/reveal/nik/").status_code == 403
    assert (
        client.post(f"/workers/{pk}/status/", {"to_status": "verified", "version": "1"}).status_code
        == 403
    )
    assert Worker.objects.get(pk=pk).status == WorkerStatus.REGISTERED
    assert not AuditEvent.objects.filter(action__in=["worker.reveal", "worker.status"]).exists()


def test_district_operator_verifies_a_worker(client, tenggarong_operator, tenggarong_worker):
    client.force_login(tenggarong_operator)
    response = client.post(
        f"/workers/{tenggarong_worker.pk}/status/", {"to_status": "verified", "version": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == _detail(tenggarong_worker)
    worker = Worker.objects.get(pk=tenggarong_worker.pk)
    assert (worker.status, worker.version) == (WorkerStatus.VERIFIED, 2)
    event = AuditEvent.objects.get(action="worker.status")
    assert event.changes == {"status": ["registered", "verified"]}
    assert event.actor == tenggarong_operator


def test_rejection_needs_a_note_and_the_form_keeps_the_choice(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    response = client.post(
        f"/workers/{tenggarong_worker.pk}/status/",
        {"to_status": "rejected", "note": "  ", "version": "1"},
    )
    assert response.status_code == 200
    assert response.context["status_error"]
    assert response.context["status_form"]["to_status"].value() == "rejected"
    assert Worker.objects.get(pk=tenggarong_worker.pk).status == WorkerStatus.REGISTERED
    assert not AuditEvent.objects.filter(action="worker.status").exists()


def test_rejection_note_appears_in_the_history(client, tenggarong_operator, tenggarong_worker):
    client.force_login(tenggarong_operator)
    client.post(
        f"/workers/{tenggarong_worker.pk}/status/",
        {"to_status": "rejected", "note": "Sudah pindah ke Samarinda", "version": "1"},
    )
    change = WorkerStatusChange.objects.get(worker=tenggarong_worker, to_status="rejected")
    assert change.note == "Sudah pindah ke Samarinda"
    html = client.get(_detail(tenggarong_worker)).content.decode()
    assert "Sudah pindah ke Samarinda" in html


def test_inactive_needs_a_reason_and_records_it(client, tenggarong_operator, tenggarong_worker):
    client.force_login(tenggarong_operator)
    refused = client.post(
        f"/workers/{tenggarong_worker.pk}/status/", {"to_status": "inactive", "version": "1"}
    )
    assert refused.status_code == 200
    assert Worker.objects.get(pk=tenggarong_worker.pk).status == WorkerStatus.REGISTERED
    client.post(
        f"/workers/{tenggarong_worker.pk}/status/",
        {"to_status": "inactive", "reason": "moved_away", "version": "1"},
    )
    worker = Worker.objects.get(pk=tenggarong_worker.pk)
    assert (worker.status, worker.inactive_reason) == (WorkerStatus.INACTIVE, "moved_away")


def test_status_change_on_a_stale_version_is_refused(
    client, tenggarong_operator, tenggarong_worker, admin_user
):
    update_worker(
        actor=admin_user,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={"address": "Jl. Baru 1"},
    )
    client.force_login(tenggarong_operator)
    response = client.post(
        f"/workers/{tenggarong_worker.pk}/status/", {"to_status": "verified", "version": "1"}
    )
    assert response.status_code == 200
    assert "admin" in response.context["status_error"]
    worker = Worker.objects.get(pk=tenggarong_worker.pk)
    assert (worker.status, worker.version, worker.address) == (
        WorkerStatus.REGISTERED,
        2,
        "Jl. Baru 1",
    )
    assert not AuditEvent.objects.filter(action="worker.status").exists()


def test_village_operator_is_not_offered_verification_and_cannot_force_it(
    client, village_operator, tenggarong_worker
):
    client.force_login(village_operator)
    page = client.get(_detail(tenggarong_worker))
    offered = [value for value, _ in page.context["status_form"].fields["to_status"].choices]
    assert offered == ["inactive"]
    response = client.post(
        f"/workers/{tenggarong_worker.pk}/status/", {"to_status": "verified", "version": "1"}
    )
    assert response.status_code == 200
    assert Worker.objects.get(pk=tenggarong_worker.pk).status == WorkerStatus.REGISTERED


def test_history_shows_a_phone_correction_masked(client, tenggarong_operator, tenggarong_worker):
    update_worker(
        actor=tenggarong_operator,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={"phone": "0813-5555-1234", "birth_date": dt.date(1985, 3, 2)},
    )
    client.force_login(tenggarong_operator)
    response = client.get(_detail(tenggarong_worker))
    html = response.content.decode()
    corrected = response.context["history"][0]
    assert corrected.actor == "op_tenggarong"
    assert [(c.before, c.after) for c in corrected.changes] == [
        ("+62812****7890", "+62813****1234")
    ]
    assert "+6281355551234" not in html and "+6281234567890" not in html
    assert "+62813****1234" in html


def test_history_lists_registration_and_reveals_newest_first(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    client.post(f"/workers/{tenggarong_worker.pk}/reveal/phone/")
    history = client.get(_detail(tenggarong_worker)).context["history"]
    assert [item.actor for item in history] == ["op_tenggarong", "admin"]
    assert len(history) == 2
