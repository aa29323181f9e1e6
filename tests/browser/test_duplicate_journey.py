"""A verifier finds a worker registered twice, merges the two records, then undoes it."""

import pytest
from playwright.sync_api import expect

from conftest import worker_input
from lindung.dedup.models import DuplicateCase
from lindung.registry.inputs import HeirInput
from lindung.registry.models import Worker, WorkerStatus
from lindung.registry.services import register_worker
from tests.browser.test_registration_journey import _log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_verifier_finds_merges_and_undoes_a_duplicate(
    page, screens, settings, verifier, admin_user, tenggarong_worker
):
    # The search runs inside the request that starts it (there is no task worker here).
    settings.TASKS = IMMEDIATE_TASKS
    # Siti Aminah entered again by another office: one NIK digit slipped, a new phone, and
    # her name in capitals with the honorific.
    again = register_worker(
        actor=admin_user,
        data=worker_input(
            nik="6402064203850004",
            full_name="HJ. SITI AMINAH",
            phone="081299990000",
            source_ref="DTKS-0042",
            heirs=[HeirInput(full_name="Rina", relationship="child")],
        ),
    )
    _log_in(page, verifier.username)

    page.goto("/duplicates/")
    page.click("#run-card button[type=submit]")
    expect(page.locator("#case-results")).to_contain_text("Siti Aminah")
    page.screenshot(path=f"{screens}/duplicate-queue.png", full_page=True)
    page.click("#case-results a[href^='/duplicates/']")
    expect(page.locator("#case-status")).to_be_visible()
    expect(page.locator("#evidence-heading")).to_be_visible()
    page.screenshot(path=f"{screens}/duplicate-case.png", full_page=True)

    # Keep the first record with its name and NIK, but take the newer phone from the second.
    keep, take = tenggarong_worker.pk, again.pk
    page.check(f"#merge-form input[name=merge-survivor][value='{keep}']")
    page.check(f"#merge-form input[name=merge-field_full_name][value='{keep}']")
    page.check(f"#merge-form input[name=merge-field_nik][value='{keep}']")
    page.check(f"#merge-form input[name=merge-field_phone][value='{take}']")
    page.fill("#merge-form textarea", "Sama orangnya: KTP dan KK diperiksa di kantor desa.")
    page.click("#merge-form button[type=submit]")
    expect(page.locator("#merge-done-heading")).to_be_visible()

    survivor, merged = Worker.objects.get(pk=tenggarong_worker.pk), Worker.objects.get(pk=again.pk)
    assert (survivor.full_name, survivor.nik) == ("Siti Aminah", tenggarong_worker.nik)
    assert survivor.phone == "+6281299990000"
    assert merged.status == WorkerStatus.INACTIVE
    assert set(survivor.heirs.values_list("full_name", flat=True)) >= {"Rina"}

    page.fill("#undo-form textarea", "Keliru: dua orang berbeda menurut kepala desa.")
    page.click("#undo-form button[type=submit]")
    expect(page.locator("#merge-form")).to_be_visible()
    restored = Worker.objects.get(pk=again.pk)
    assert restored.status == WorkerStatus.REGISTERED
    assert Worker.objects.get(pk=tenggarong_worker.pk).phone == tenggarong_worker.phone
    assert DuplicateCase.objects.get().status == "open"
