"""The review pages: the queue, a case side by side, decisions, scope and masking."""

import pytest
from django.utils import translation

from lindung.audit.models import AuditEvent
from lindung.dedup.models import CaseStatus, DuplicateCase, DuplicateRun
from lindung.dedup.selectors import sees_case_worker
from lindung.dedup.services import merge_workers
from lindung.dedup.tests.cast import open_case, register, scored, siti_again, siti_in_loa_kulu
from lindung.registry.models import Worker, WorkerStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    """The pages' words are asserted in English (Indonesian is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


QUEUE = "/duplicates/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _html(response) -> str:
    return response.content.decode()


# -- the queue --------------------------------------------------------------------------------


def test_verifier_sees_the_open_cases_with_names_and_counts(client, verifier, twins):
    client.force_login(verifier)
    response = client.get(QUEUE)
    html = _html(response)
    assert response.status_code == 200
    assert f"/duplicates/{twins[2].pk}/" in html
    assert "Siti Aminah" in html
    assert response.context["counts"] == {"open": 1, "merged": 0, "different": 0}
    assert "6402064203850003" not in html


def test_the_queue_is_refused_to_an_operator(client, tenggarong_operator, twins):
    client.force_login(tenggarong_operator)
    assert client.get(QUEUE).status_code == 403
    assert client.get(f"/duplicates/{twins[2].pk}/").status_code == 403


def test_a_district_verifier_does_not_see_another_districts_case(client, loa_kulu_verifier, twins):
    client.force_login(loa_kulu_verifier)
    response = client.get(QUEUE)
    assert response.context["page"].paginator.count == 0
    assert "Siti Aminah" not in _html(response)
    assert client.get(f"/duplicates/{twins[2].pk}/").status_code == 404


def test_the_queue_filters_by_district_level_and_status(client, admin_user, verifier, twins):
    elsewhere_a = siti_in_loa_kulu(admin_user)
    elsewhere_b = register(
        admin_user, nik="6402021508700001", full_name="Muhammad Yusuf", birth_date=None,
        sex="M", village="64.02.02.2003", source_ref="LKL-1", phone="", heirs=[],
    )  # fmt: skip
    loa_kulu_case = open_case(scored(elsewhere_a, elsewhere_b, weight=3.0, level="possible"))
    client.force_login(verifier)

    def listed(**params):
        return [row.case.pk for row in client.get(QUEUE, params).context["rows"]]

    assert listed() == [twins[2].pk, loa_kulu_case.pk]  # strongest first
    assert listed(district="64.02.02") == [loa_kulu_case.pk]
    assert listed(level="duplicate") == [twins[2].pk]
    assert listed(status="merged") == []


def test_the_queue_costs_the_same_queries_for_a_full_page(
    client, admin_user, verifier, django_assert_max_num_queries
):
    for number in range(12):
        first = register(
            admin_user, nik=f"640206420385{number + 1:04d}",
            full_name=f"Pekerja {number}", source_ref=f"A-{number}", heirs=[],
        )  # fmt: skip
        second = register(
            admin_user, nik=f"640206420385{number + 100:04d}",
            full_name=f"Pekerja {number}", source_ref=f"B-{number}", heirs=[],
        )  # fmt: skip
        open_case(scored(first, second, weight=10 + number))
    client.force_login(verifier)
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)
    assert len(response.context["rows"]) == 12


def test_the_queue_answers_htmx_with_the_results_only(client, verifier, twins):
    client.force_login(verifier)
    response = client.get(QUEUE, {"status": "open"}, HTTP_HX_REQUEST="true")
    html = _html(response)
    assert "case-table" in html
    assert "<html" not in html


# -- a case -----------------------------------------------------------------------------------


def test_the_case_page_shows_the_records_side_by_side_masked_with_differences(
    client, verifier, twins
):
    _, _, case = twins
    client.force_login(verifier)
    response = client.get(f"/duplicates/{case.pk}/")
    html = _html(response)
    assert response.status_code == 200
    assert "6402********0003" in html and "6402********0004" in html
    assert "6402064203850003" not in html
    differing = {row.field for row in response.context["rows"] if row.differs}
    assert differing == {"nik", "phone", "address", "source_ref"}
    assert 'data-field="nik"' in html and 'class="differs"' in html
    assert "one digit differs" in html  # the evidence, in the engine's words
    assert 'id="merge-form"' in html and 'id="different-form"' in html


def test_the_merge_form_defaults_to_the_most_recently_changed_record(client, verifier, twins):
    _, second, case = twins
    client.force_login(verifier)
    form = client.get(f"/duplicates/{case.pk}/").context["merge_form"]
    assert form["survivor"].value() == second.pk
    assert form["field_nik"].value() == second.pk


def test_revealing_a_full_nik_on_the_case_page_is_audited(client, verifier, twins):
    first, _, case = twins
    client.force_login(verifier)
    response = client.post(f"/duplicates/{case.pk}/reveal/{first.pk}/nik/")
    assert "6402064203850003" in _html(response)
    event = AuditEvent.objects.get(action="worker.reveal")
    assert (event.worker_id, event.context) == (first.pk, {"field": "nik"})


def test_a_district_verifier_cannot_reveal_the_number_of_a_case_record_of_another_district(
    client, admin_user, tenggarong_verifier, tenggarong_worker
):
    elsewhere = siti_in_loa_kulu(admin_user)
    case = open_case(scored(tenggarong_worker, elsewhere))
    client.force_login(tenggarong_verifier)

    response = client.post(f"/duplicates/{case.pk}/reveal/{elsewhere.pk}/nik/")

    assert response.status_code == 404
    assert elsewhere.nik not in _html(response)
    assert not AuditEvent.objects.filter(action="worker.reveal").exists()


def test_a_worker_outside_the_case_is_not_revealed_through_it(client, admin_user, verifier, twins):
    _, _, case = twins
    stranger = register(admin_user, nik="6402061708800007", full_name="Bukan Anggota")
    client.force_login(verifier)

    response = client.post(f"/duplicates/{case.pk}/reveal/{stranger.pk}/nik/")

    assert response.status_code == 404
    assert "6402061708800007" not in _html(response)
    assert not AuditEvent.objects.filter(action="worker.reveal").exists()


def test_a_case_record_is_seen_only_when_it_lies_in_the_users_area(
    admin_user, verifier, tenggarong_verifier, tenggarong_worker
):
    elsewhere = siti_in_loa_kulu(admin_user)
    case = open_case(scored(tenggarong_worker, elsewhere))
    stranger = register(admin_user, nik="6402061708800007", full_name="Bukan Anggota")

    assert sees_case_worker(tenggarong_verifier, case, tenggarong_worker.pk)
    assert not sees_case_worker(tenggarong_verifier, case, elsewhere.pk)
    assert sees_case_worker(verifier, case, elsewhere.pk)
    assert not sees_case_worker(verifier, case, stranger.pk)


def test_a_case_across_districts_hides_the_other_districts_record(
    client, admin_user, tenggarong_verifier, tenggarong_worker
):
    elsewhere = register(
        admin_user, nik="6402064203850005", full_name="Siti Aminah Loa", village="64.02.02.2003",
        source_ref="LKL-0042", phone="", heirs=[],
    )  # fmt: skip
    case = open_case(scored(tenggarong_worker, elsewhere))
    client.force_login(tenggarong_verifier)

    html = _html(client.get(f"/duplicates/{case.pk}/"))
    queue = _html(client.get(QUEUE))

    assert "Another district" in html
    assert "Siti Aminah Loa" not in html + queue
    assert "LKL-0042" not in html
    assert 'id="merge-form"' not in html
    assert "1 record in another district" in queue


def test_verifier_merges_from_the_case_page(client, verifier, twins):
    first, second, case = twins
    client.force_login(verifier)
    response = client.post(
        f"/duplicates/{case.pk}/merge/",
        {
            "merge-survivor": first.pk,
            "merge-field_nik": first.pk,
            "merge-field_phone": second.pk,
            "merge-field_address": first.pk,
            "merge-field_source_ref": first.pk,
            f"merge-version_{first.pk}": 1,
            f"merge-version_{second.pk}": 1,
            "merge-reason": "Satu orang",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MERGED
    assert Worker.objects.get(pk=first.pk).phone == "+6281299990000"
    assert Worker.objects.get(pk=second.pk).status == WorkerStatus.INACTIVE
    page = _html(client.get(f"/duplicates/{case.pk}/"))
    assert 'id="undo-form"' in page


def test_a_merge_on_a_record_changed_meanwhile_shows_the_conflict(
    client, admin_user, verifier, twins
):
    first, second, case = twins
    Worker.objects.filter(pk=second.pk).update(version=5)
    client.force_login(verifier)
    response = client.post(
        f"/duplicates/{case.pk}/merge/",
        {
            "merge-survivor": first.pk,
            **{f"merge-field_{f}": first.pk for f in ("nik", "phone", "address", "source_ref")},
            f"merge-version_{first.pk}": 1,
            f"merge-version_{second.pk}": 1,
            "merge-reason": "Satu orang",
        },
    )
    assert response.status_code == 200
    assert "after you opened this case" in _html(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_different_people_needs_a_reason_on_the_page(client, verifier, twins):
    _, _, case = twins
    client.force_login(verifier)
    refused = client.post(f"/duplicates/{case.pk}/different/", {"different-reason": ""})
    assert refused.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN

    accepted = client.post(f"/duplicates/{case.pk}/different/", {"different-reason": "Kembar"})
    assert accepted.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DIFFERENT


def test_verifier_undoes_a_merge_from_the_case_page(client, verifier, twins):
    first, second, case = twins
    merge_workers(user=verifier, case=case, survivor_id=first.pk, field_choices={},
                  reason="Satu orang")  # fmt: skip
    client.force_login(verifier)
    response = client.post(f"/duplicates/{case.pk}/undo/", {"undo-reason": "Salah"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert Worker.objects.get(pk=second.pk).status == WorkerStatus.REGISTERED


# -- elsewhere --------------------------------------------------------------------------------


def test_the_worker_page_says_a_worker_may_be_a_duplicate(
    client, verifier, tenggarong_operator, twins
):
    first, _, case = twins
    client.force_login(verifier)
    html = _html(client.get(f"/workers/{first.pk}/"))
    assert "Possible duplicate" in html and f"/duplicates/{case.pk}/" in html

    client.force_login(tenggarong_operator)
    html = _html(client.get(f"/workers/{first.pk}/"))
    assert "Possible duplicate" in html and f"/duplicates/{case.pk}/" not in html


def test_a_merged_record_points_to_its_survivor(client, verifier, twins):
    first, second, case = twins
    merge_workers(user=verifier, case=case, survivor_id=first.pk, field_choices={},
                  reason="Satu orang")  # fmt: skip
    client.force_login(verifier)
    html = _html(client.get(f"/workers/{second.pk}/"))
    assert "merged into" in html and f"/workers/{first.pk}/" in html
    assert "Possible duplicate" not in html
    survivor_page = _html(client.get(f"/workers/{first.pk}/"))
    assert "Records merged into this one" in survivor_page
    assert f"/workers/{second.pk}/" in survivor_page


def test_the_navigation_shows_duplicates_to_verifiers_only(client, verifier, tenggarong_operator):
    client.force_login(verifier)
    assert 'href="/duplicates/"' in _html(client.get("/"))
    client.force_login(tenggarong_operator)
    assert 'href="/duplicates/"' not in _html(client.get("/"))


def test_verifier_starts_a_search_and_sees_its_progress(client, verifier):
    client.force_login(verifier)
    response = client.post("/duplicates/runs/", {"changed_only": "1"})
    assert response.status_code == 302
    run = DuplicateRun.objects.get()
    assert (run.status, run.started_by, run.changed_since) == ("queued", verifier, None)
    assert AuditEvent.objects.filter(action="duplicate.run").count() == 1

    again = client.post("/duplicates/runs/", follow=True)
    assert "already running" in _html(again)
    assert DuplicateRun.objects.count() == 1

    queue = _html(client.get(QUEUE))
    assert f"/duplicates/runs/{run.pk}/progress/" in queue
    fragment = client.get(f"/duplicates/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "Searching for duplicates" in _html(fragment)
    DuplicateRun.objects.filter(pk=run.pk).update(status="done")
    done = client.get(f"/duplicates/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done.headers["HX-Refresh"] == "true"
    assert not DuplicateCase.objects.exists()


def test_the_case_page_costs_a_fixed_number_of_queries(
    client, admin_user, verifier, tenggarong_worker, django_assert_max_num_queries
):
    others = [
        siti_again(admin_user, nik=f"640206420385{number:04d}", source_ref=f"S-{number}")
        for number in range(10, 16)
    ]
    case = open_case(*[scored(tenggarong_worker, other) for other in others])
    client.force_login(verifier)
    with django_assert_max_num_queries(20):
        response = client.get(f"/duplicates/{case.pk}/")
    assert len(response.context["detail"].records) == 7


def test_a_search_started_from_the_queue_runs_as_a_background_task(
    client, settings, admin_user, verifier, tenggarong_worker, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    siti_again(admin_user, heirs=[])
    client.force_login(verifier)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/duplicates/runs/")

    finished = DuplicateRun.objects.get()
    assert (finished.status, finished.pairs_found, finished.cases_opened) == ("done", 1, 1)
    assert finished.task_id
    assert _html(client.get(QUEUE)).count("Siti Aminah") == 2
