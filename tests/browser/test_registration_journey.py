"""A district operator registers a worker, finds them again and corrects their phone."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from lindung.registry.models import Worker

# The seeded sectors come from a data migration: restore them after the flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button")
    expect(page.locator(".whoami")).to_contain_text(username)


def _register_ahmad(page, duplicate_nik: str, screens: str) -> None:
    page.goto("/workers/new/")
    page.fill("#id_nik", duplicate_nik)
    page.fill("#id_full_name", "Ahmad Fauzi")  # leaving the NIK field checks it
    expect(page.locator("#nik-check .field-error")).to_be_visible()
    page.fill("#id_nik", "6402061508700002")
    page.fill("#id_birth_date", "1970-08-15")
    page.select_option("#id_sex", "M")
    page.fill("#id_phone", "0813 4444 5555")
    page.select_option("#id_village", "64.02.06.1001")
    page.fill("#id_occupation", "Nelayan")
    expect(page.locator("#nik-check .nik-ok")).to_be_visible()
    page.fill("#id_heirs-0-full_name", "Rahmawati")
    page.select_option("#id_heirs-0-relationship", "spouse")
    page.fill("#id_heirs-0-birth_date", "1975-01-02")
    page.click("#add-heir")
    expect(page.locator("#id_heirs-1-full_name")).to_be_focused()
    page.screenshot(path=f"{screens}/worker-new.png", full_page=True)
    page.click("form.worker-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Ahmad Fauzi")


def test_operator_registers_finds_and_corrects_a_worker(
    page, screens, tenggarong_operator, tenggarong_worker
):
    _log_in(page, "op_tenggarong")
    _register_ahmad(page, duplicate_nik=tenggarong_worker.nik, screens=screens)
    worker = Worker.objects.get(nik="6402061508700002")
    assert list(worker.heirs.values_list("full_name", flat=True)) == ["Rahmawati"]
    expect(page.locator("body")).not_to_contain_text("6402061508700002")

    page.goto("/workers/")
    results = page.locator("#worker-results")
    expect(results).to_contain_text("Siti Aminah")
    page.locator("input[name=q]").press_sequentially("fauz", delay=60)
    expect(results).not_to_contain_text("Siti Aminah")
    expect(results).to_contain_text("Ahmad Fauzi")
    expect(page).to_have_url(re.compile(r"/workers/\?.*q=fauz"))  # back and refresh keep it
    page.screenshot(path=f"{screens}/worker-list-search.png", full_page=True)
    page.goto("/workers/")
    page.screenshot(path=f"{screens}/worker-list.png", full_page=True)

    page.go_back()
    expect(page.locator("input[name=q]")).to_have_value("fauz")
    page.click("#worker-results a:has-text('Ahmad Fauzi')")
    expect(page.locator("h1")).to_contain_text("Ahmad Fauzi")
    page.click(".page-header a[href$='/edit/']")
    page.fill("#id_phone", "0813-9999-0000")
    page.click("form.worker-form button[type=submit]")

    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("+62813****5555")
    expect(timeline).to_contain_text("+62813****0000")
    assert Worker.objects.get(pk=worker.pk).phone == "+6281399990000"
    page.screenshot(path=f"{screens}/worker-detail.png", full_page=True)

    page.locator("#identity-phone button").click()
    expect(page.locator("#identity-phone")).to_contain_text("+6281399990000")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=f"{screens}/worker-detail-narrow.png", full_page=True)
    page.goto("/workers/")
    page.screenshot(path=f"{screens}/worker-list-narrow.png", full_page=True)
    page.goto(f"/workers/{worker.pk}/edit/")
    page.screenshot(path=f"{screens}/worker-edit-narrow.png", full_page=True)
