"""Workers made to order for the worklists: a valid NIK for any birth date, sex and village."""

import datetime as dt
import itertools

import pytest

from conftest import TENGGARONG_VILLAGE, worker_input
from lindung.registry.models import Worker
from lindung.registry.services import change_worker_status, register_worker

_serials = itertools.count(101)


def nik_for(birth_date: dt.date, sex: str, village: str) -> str:
    """A NIK issued in the village's district that agrees with the birth date and sex."""
    district = village.replace(".", "")[:6]
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"{district}{day:02d}{birth_date:%m%y}{next(_serials):04d}"


@pytest.fixture
def make_worker(admin_user):
    """``make_worker(**overrides)``: a registered worker, by default a man born 1980 in
    Jahab with a mobile phone and an heir."""

    def make(**overrides) -> Worker:
        values = {
            "birth_date": dt.date(1980, 5, 17),
            "sex": "M",
            "village": TENGGARONG_VILLAGE,
            "phone": f"0812{next(_serials):08d}",
            "full_name": f"Pekerja {next(_serials)}",
            "source_ref": "",
        } | overrides
        if "nik" not in overrides:
            values["nik"] = nik_for(values["birth_date"], values["sex"], values["village"])
        return register_worker(actor=admin_user, data=worker_input(**values))

    return make


@pytest.fixture
def set_status(admin_user):
    """``set_status(worker, to_status, reason="")``, through the registry's service."""

    def move(worker: Worker, to_status: str, reason: str = "", note: str = "") -> Worker:
        worker.refresh_from_db()
        return change_worker_status(
            actor=admin_user,
            worker_id=worker.pk,
            expected_version=worker.version,
            to_status=to_status,
            reason=reason,
            note=note or "Catatan uji",
        )

    return move
