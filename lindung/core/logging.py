import logging
import re

# 10 or more digits in a row: NIK, KK, KPJ, phone and bank account numbers.
_LONG_NUMBER = re.compile(r"(?<!\d)(\+?\d[\d\s.\-]{8,}\d)(?!\d)")


def redact(text: str) -> str:
    """The text with identity and phone numbers masked: for anything stored or shown that
    may quote a row's values (a database error names the key it tripped on)."""
    return _LONG_NUMBER.sub(_redact, text)


def describe_failure(error: BaseException, *, limit: int = 2000) -> str:
    """What went wrong, to keep with a failed job: its message (or its kind), masked."""
    return redact(str(error) or type(error).__name__)[:limit]


class RedactPersonalData(logging.Filter):
    """Masks identity and phone numbers in every log record, whatever logged them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def _redact(match: re.Match) -> str:
    # Count digits, not characters: a date (`2025-05-06`) or an amount (`15.000.000`) stays.
    digits = sum(character.isdigit() for character in match.group())
    return "[disamarkan]" if digits >= 10 else match.group()
