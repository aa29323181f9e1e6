"""A district operator works through a data-quality list: a worker without a phone number
leaves the list once the number is added."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from conftest import worker_input
from lindung.registry.models import Worker
from lindung.registry.services import register_worker
from tests.browser.test_registration_journey import _log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_operator_fixes_a_missing_phone_and_the_worker_leaves_the_list(
    page, screens, admin_user, tenggarong_operator, tenggarong_worker
):
    ahmad = register_worker(
        actor=admin_user,
        data=worker_input(
            nik="6402061508700002",
            full_name="Ahmad Fauzi",
            birth_date=dt.date(1970, 8, 15),
            sex="M",
            phone="",
            source_ref="TGR-0002",
        ),
    )
    _log_in(page, tenggarong_operator.username)

    page.goto("/quality/")
    page.screenshot(path=f"{screens}/quality-overview.png", full_page=True)
    page.click("#worklists a[href='/quality/phone_missing_or_invalid/']")
    workers = page.locator("#worklist-workers")
    expect(workers).to_contain_text("Ahmad Fauzi")
    expect(workers).not_to_contain_text("Siti Aminah")
    page.screenshot(path=f"{screens}/quality-worklist.png", full_page=True)

    page.click(f"#worklist-workers a[href='/workers/{ahmad.pk}/edit/']")
    page.fill("#id_phone", "0813 5555 1212")
    page.click("form.worker-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Ahmad Fauzi")
    assert Worker.objects.get(pk=ahmad.pk).phone == "+6281355551212"

    page.goto("/quality/phone_missing_or_invalid/")
    expect(page.locator("main")).not_to_contain_text("Ahmad Fauzi")
