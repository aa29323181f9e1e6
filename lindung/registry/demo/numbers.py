"""NIK, KK and phone numbers for demo people, laid out as the real ones are."""

import datetime as dt
import random

from django.utils.translation import gettext as _

from lindung.core.exceptions import DomainError
from lindung.registry.data.demo_population import PHONE_PREFIXES


def nik_prefix(district: str, birth_date: dt.date, sex: str) -> str:
    """District, then the birth date with 40 added to a woman's day."""
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"{district.replace('.', '')}{day:02d}{birth_date:%m%y}"


def kk_prefix(district: str, issued: dt.date) -> str:
    return f"{district.replace('.', '')}{issued:%d%m%y}"


class Serials:
    """The last four digits of NIKs and KK numbers, never one that is already taken.

    ``existing_niks``/``existing_kks`` are the numbers already in the registry: new serials
    start above the highest one per prefix, so seeding twice never collides.
    """

    def __init__(
        self, rng: random.Random, *, existing_niks: set[str], existing_kks: set[str]
    ) -> None:
        self.rng = rng
        self._used = set(existing_niks) | set(existing_kks)
        self._serials = _highest_serials(existing_niks, 12) | _highest_serials(existing_kks, 12)

    def next_number(self, prefix: str) -> str:
        """The next free serial for a 12-digit prefix, above any already in the registry."""
        serial = self._serials.get(prefix) or self.rng.randint(0, 8)
        while True:
            serial += 1
            if serial > 9999:
                raise DomainError(
                    _("No free serial numbers left for %(prefix)s.") % {"prefix": prefix}
                )
            number = f"{prefix}{serial:04d}"
            if number not in self._used:
                break
        self._serials[prefix] = serial
        self._used.add(number)
        return number


def draw_phone(rng: random.Random) -> str:
    """Stored as `+62…`, as ``check_phone`` leaves a number typed as `08…`."""
    digits = rng.choice((7, 8, 8, 8, 9))
    number = f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**digits):0{digits}d}"
    return "+62" + number[1:]


def _highest_serials(numbers: set[str], prefix_length: int) -> dict[str, int]:
    highest: dict[str, int] = {}
    for number in numbers:
        prefix, serial = number[:prefix_length], number[prefix_length:]
        if serial.isdigit():
            highest[prefix] = max(highest.get(prefix, 0), int(serial))
    return highest
