import datetime as dt

import pytest

from conftest import LOA_KULU_VILLAGE, TENGGARONG_VILLAGE
from lindung.audit.models import AuditEvent
from lindung.registry.models import Heir, Worker
from lindung.registry.services import update_worker

pytestmark = pytest.mark.django_db

NEW_URL = "/workers/new/"
CHECK_URL = "/workers/check-nik/"


def _form(heirs=(), initial_heirs=0, **overrides) -> dict:
    """The POST body of the worker form, as a browser sends it."""
    data = {
        "nik": "6402061508700002",
        "full_name": "Ahmad Fauzi",
        "kk_number": "",
        "birth_place": "Tenggarong",
        "birth_date": "1970-08-15",
        "sex": "M",
        "phone": "0813 4444 5555",
        "address": "Jl. Mulawarman 9",
        "rt": "3",
        "rw": "1",
        "village": TENGGARONG_VILLAGE,
        "occupation": "Nelayan",
        "sector": "",
        "monthly_income": "2000000",
        "welfare_decile": "",
        "source_ref": "",
        "legal_basis": "public_task",
        "version": "",
        "heirs-TOTAL_FORMS": str(len(heirs)),
        "heirs-INITIAL_FORMS": str(initial_heirs),
        "heirs-MIN_NUM_FORMS": "0",
        "heirs-MAX_NUM_FORMS": "20",
    }
    for index, heir in enumerate(heirs):
        for key, value in heir.items():
            data[f"heirs-{index}-{key}"] = value
    data.update(overrides)
    return data


WIFE = {
    "full_name": "Rahmawati",
    "relationship": "spouse",
    "birth_date": "1975-01-02",
    "nik": "",
    "phone": "",
}
BLANK_HEIR = {"full_name": "", "relationship": "", "birth_date": "", "nik": "", "phone": ""}


def test_operator_registers_a_worker_with_an_heir(client, tenggarong_operator):
    client.force_login(tenggarong_operator)
    response = client.post(NEW_URL, _form(heirs=[WIFE, BLANK_HEIR]))
    worker = Worker.objects.get(nik="6402061508700002")
    assert response.status_code == 302
    assert response["Location"] == f"/workers/{worker.pk}/"
    assert (worker.full_name, worker.phone, worker.sector.code, worker.monthly_income) == (
        "Ahmad Fauzi",
        "+6281344445555",
        "perikanan",
        2_000_000,
    )
    assert list(worker.heirs.values_list("full_name", "relationship")) == [("Rahmawati", "spouse")]
    event = AuditEvent.objects.get(action="worker.register")
    assert (event.actor, event.worker_id) == (tenggarong_operator, worker.pk)


def test_registration_form_starts_with_one_empty_heir_row(client, tenggarong_operator):
    client.force_login(tenggarong_operator)
    response = client.get(NEW_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="heirs-0-full_name"' in html
    assert 'id="heir-template"' in html
    assert "Kec. Tenggarong" in html and "Jembayan" not in html


def test_wrong_values_are_shown_next_to_their_fields_and_nothing_is_saved(
    client, tenggarong_operator
):
    client.force_login(tenggarong_operator)
    response = client.post(NEW_URL, _form(nik="64020615087", phone="12345"))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"nik", "phone"}
    html = response.content.decode()
    assert 'value="Ahmad Fauzi"' in html  # what was typed stays
    assert 'class="field-error"' in html
    assert not Worker.objects.exists()
    assert not AuditEvent.objects.filter(action="worker.register").exists()


def test_heir_errors_are_shown_above_the_heir_rows(client, tenggarong_operator):
    client.force_login(tenggarong_operator)
    response = client.post(NEW_URL, _form(heirs=[{**WIFE, "relationship": ""}]))
    assert response.status_code == 200
    errors = response.context["heirs"].non_form_errors()
    assert len(errors) == 1 and errors[0].startswith(("Heir 1", "Ahli waris 1"))
    assert 'value="Rahmawati"' in response.content.decode()
    assert not Worker.objects.exists()


def test_loa_kulu_operator_cannot_register_into_a_tenggarong_village(client, loa_kulu_operator):
    client.force_login(loa_kulu_operator)
    response = client.post(NEW_URL, _form(village=TENGGARONG_VILLAGE))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["village"]
    assert not Worker.objects.exists()
    assert not AuditEvent.objects.filter(action="worker.register").exists()
    client.post(NEW_URL, _form(village=LOA_KULU_VILLAGE))
    assert Worker.objects.get().village_id == LOA_KULU_VILLAGE


@pytest.mark.parametrize("role", ["leader", "auditor", "bpjs_liaison"])
def test_roles_without_editing_cannot_open_or_post_the_form(
    client, request, role, tenggarong_worker
):
    client.force_login(request.getfixturevalue(role))
    assert client.get(NEW_URL).status_code == 403
    assert client.post(NEW_URL, _form()).status_code == 403
    assert client.get(f"/workers/{tenggarong_worker.pk}/edit/").status_code == 403
    assert client.post(CHECK_URL, {"nik": tenggarong_worker.nik}).status_code == 403
    assert Worker.objects.count() == 1


def _edit_form(worker, **overrides) -> dict:
    """The edit form as the page renders it: identity inputs empty, heirs with their ids."""
    heirs = [
        {
            "id": str(heir.pk),
            "full_name": heir.full_name,
            "relationship": heir.relationship,
            "birth_date": heir.birth_date.isoformat() if heir.birth_date else "",
            "nik": "",
            "phone": "",
        }
        for heir in worker.heirs.all()
    ]
    return (
        _form(
            heirs=heirs,
            initial_heirs=len(heirs),
            nik="",
            phone="",
            kk_number="",
            full_name=worker.full_name,
            birth_date=worker.birth_date.isoformat(),
            sex=worker.sex,
            birth_place=worker.birth_place,
            address=worker.address,
            rt=worker.rt,
            rw=worker.rw,
            village=worker.village_id,
            occupation=worker.occupation,
            sector=worker.sector.code,
            monthly_income=str(worker.monthly_income),
            welfare_decile="3",
            source_ref=worker.source_ref,
            version=str(worker.version),
        )
        | overrides
    )


def test_edit_form_does_not_put_stored_numbers_in_the_page(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    response = client.get(f"/workers/{tenggarong_worker.pk}/edit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert tenggarong_worker.nik not in html and tenggarong_worker.phone not in html
    assert 'placeholder="6402********0003"' in html
    assert 'name="version" value="1"' in html
    assert 'value="Budi Santoso"' in html


def test_operator_corrects_the_phone_and_keeps_the_rest(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    response = client.post(
        f"/workers/{tenggarong_worker.pk}/edit/",
        _edit_form(tenggarong_worker, phone="0813-9999-0000"),
    )
    assert response.status_code == 302
    worker = Worker.objects.get(pk=tenggarong_worker.pk)
    assert (worker.phone, worker.nik, worker.version) == ("+6281399990000", "6402064203850003", 2)
    assert list(worker.heirs.values_list("full_name", flat=True)) == ["Budi Santoso"]
    event = AuditEvent.objects.get(action="worker.update")
    assert event.changes == {"phone": ["+6281234567890", "+6281399990000"]}
    assert event.actor == tenggarong_operator


def test_a_stored_phone_can_be_removed_with_its_box_and_the_removal_is_audited(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    page = client.get(f"/workers/{tenggarong_worker.pk}/edit/").content.decode()
    assert 'name="clear_phone"' in page
    assert 'name="clear_kk_number"' not in page  # no KK is stored: nothing to remove

    response = client.post(
        f"/workers/{tenggarong_worker.pk}/edit/", _edit_form(tenggarong_worker, clear_phone="on")
    )

    assert response.status_code == 302
    worker = Worker.objects.get(pk=tenggarong_worker.pk)
    assert (worker.phone, worker.nik, worker.version) == ("", "6402064203850003", 2)
    event = AuditEvent.objects.get(action="worker.update")
    assert event.changes == {"phone": ["+6281234567890", ""]}


def test_the_registration_form_offers_no_box_to_remove_numbers(client, tenggarong_operator):
    client.force_login(tenggarong_operator)
    page = client.get("/workers/new/").content.decode()
    assert "clear_phone" not in page and "clear_kk_number" not in page


def test_an_heir_keeps_the_numbers_left_empty_and_can_be_removed(
    client, tenggarong_operator, admin_user, tenggarong_worker
):
    heir = tenggarong_worker.heirs.get()
    Heir.objects.filter(pk=heir.pk).update(nik="6402060501800001")
    client.force_login(tenggarong_operator)
    data = _edit_form(tenggarong_worker, **{"heirs-0-full_name": "Budi Santoso Putra"})
    client.post(f"/workers/{tenggarong_worker.pk}/edit/", data)
    assert Heir.objects.get(pk=heir.pk).nik == "6402060501800001"
    assert Heir.objects.get(pk=heir.pk).full_name == "Budi Santoso Putra"
    worker = Worker.objects.get(pk=tenggarong_worker.pk)
    client.post(f"/workers/{worker.pk}/edit/", _edit_form(worker, **{"heirs-0-DELETE": "on"}))
    assert not Heir.objects.filter(worker=worker).exists()
    assert Worker.objects.get(pk=worker.pk).version == 3


def test_a_stale_edit_is_refused_and_keeps_both_versions_data(
    client, tenggarong_operator, admin_user, tenggarong_worker
):
    opened = _edit_form(tenggarong_worker, address="Jl. Versi Operator")
    update_worker(
        actor=admin_user,
        worker_id=tenggarong_worker.pk,
        expected_version=1,
        changes={"phone": "0811-2222-3333"},
    )
    client.force_login(tenggarong_operator)
    response = client.post(f"/workers/{tenggarong_worker.pk}/edit/", opened)
    assert response.status_code == 200
    assert "admin" in response.context["concurrent_error"]
    assert 'value="Jl. Versi Operator"' in response.content.decode()
    worker = Worker.objects.get(pk=tenggarong_worker.pk)
    assert (worker.version, worker.phone, worker.address) == (
        2,
        "+6281122223333",
        "Jl. Pesut No. 4",
    )
    assert AuditEvent.objects.filter(action="worker.update").count() == 1


def test_edit_validation_errors_are_shown_and_nothing_changes(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    response = client.post(
        f"/workers/{tenggarong_worker.pk}/edit/",
        _edit_form(tenggarong_worker, full_name="", rt="12345"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"full_name", "rt"}
    assert Worker.objects.get(pk=tenggarong_worker.pk).version == 1
    assert not AuditEvent.objects.filter(action="worker.update").exists()


def test_loa_kulu_operator_cannot_edit_a_tenggarong_worker(
    client, loa_kulu_operator, tenggarong_worker
):
    client.force_login(loa_kulu_operator)
    response = client.post(
        f"/workers/{tenggarong_worker.pk}/edit/", _edit_form(tenggarong_worker, address="Diubah")
    )
    assert response.status_code == 404
    assert Worker.objects.get(pk=tenggarong_worker.pk).address == "Jl. Pesut No. 4"
    assert not AuditEvent.objects.filter(action="worker.update").exists()


def test_nik_check_reports_a_malformed_nik(client, tenggarong_operator):
    client.force_login(tenggarong_operator)
    response = client.post(CHECK_URL, {"nik": "6402"})
    assert response.status_code == 200
    assert len(response.context["errors"]) == 1
    assert "<html" not in response.content.decode()


def test_nik_check_names_a_duplicate_in_the_users_area(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    response = client.post(CHECK_URL, {"nik": "6402 0642 0385 0003"})
    assert "Siti Aminah" in response.content.decode()
    assert len(response.context["errors"]) == 1


def test_nik_check_hides_who_holds_a_duplicate_outside_the_area(
    client, loa_kulu_operator, tenggarong_worker
):
    client.force_login(loa_kulu_operator)
    response = client.post(CHECK_URL, {"nik": tenggarong_worker.nik})
    assert len(response.context["errors"]) == 1
    assert "Siti Aminah" not in response.content.decode()


def test_nik_check_accepts_the_workers_own_nik_when_editing(
    client, tenggarong_operator, tenggarong_worker
):
    client.force_login(tenggarong_operator)
    response = client.post(
        CHECK_URL,
        {
            "nik": tenggarong_worker.nik,
            "sex": "F",
            "birth_date": "1985-03-02",
            "worker_id": str(tenggarong_worker.pk),
        },
    )
    assert (response.context["errors"], response.context["warnings"]) == ([], [])


def test_nik_check_warns_when_birth_date_or_sex_disagree(client, tenggarong_operator):
    client.force_login(tenggarong_operator)
    response = client.post(
        CHECK_URL, {"nik": "6402064203850009", "sex": "M", "birth_date": "1985-03-05"}
    )
    assert response.context["errors"] == []
    assert len(response.context["warnings"]) == 2


def test_a_disagreeing_birth_date_is_saved_and_flagged(client, tenggarong_operator):
    client.force_login(tenggarong_operator)
    client.post(NEW_URL, _form(birth_date="1970-08-16"))
    worker = Worker.objects.get()
    assert (worker.birth_date, worker.birth_date_mismatch) == (dt.date(1970, 8, 16), True)
