"""No NIK, KK or phone number reaches a log, whoever logged it."""

import logging

import pytest
from django.conf import settings

from lindung.core.logging import RedactPersonalData, describe_failure


def _filtered(message: str, *args) -> logging.LogRecord:
    record = logging.LogRecord("lindung", logging.INFO, __file__, 1, message, args, None)
    assert RedactPersonalData().filter(record) is True  # records are changed, never dropped
    return record


@pytest.mark.parametrize(
    "number",
    [
        "6402064203850003",  # NIK
        "6402 0642 0385 0003",
        "6402.0642.0385.0003",
        "081234567890",
        "0812-3456-7890",
        "+6281234567890",
        "+62 812 3456 7890",
        "12345678901",  # KPJ
    ],
)
def test_identity_and_phone_numbers_are_redacted(number):
    record = _filtered(f"worker {number} saved")
    assert record.getMessage() == "worker [disamarkan] saved"


def test_numbers_passed_as_arguments_are_redacted_too():
    record = _filtered("worker %s phone %s saved", "6402064203850003", "0812-3456-7890")
    assert record.getMessage() == "worker [disamarkan] phone [disamarkan] saved"
    assert record.args is None


@pytest.mark.parametrize(
    "message",
    [
        "worker 42 saved",
        "imported 35000 rows",
        "report for 2025-05-06",
        "paid Rp15.000.000",
        "took 123.45 ms",
    ],
)
def test_short_numbers_dates_and_amounts_stay(message):
    record = _filtered(message)
    assert record.getMessage() == message
    assert record.msg == message


def test_every_log_handler_of_the_instance_redacts():
    handlers = settings.LOGGING["handlers"]
    assert handlers
    assert all("redact" in handler.get("filters", []) for handler in handlers.values())
    assert settings.LOGGING["filters"]["redact"]["()"] == "lindung.core.logging.RedactPersonalData"


def test_a_failure_kept_with_a_job_masks_the_numbers_it_quotes():
    error = Exception("duplicate key: Key (nik)=(6402064203850003) already exists")

    assert describe_failure(error) == "duplicate key: Key (nik)=([disamarkan]) already exists"
    assert describe_failure(KeyError()) == "KeyError"
    assert len(describe_failure(Exception("x" * 3000), limit=500)) == 500
