"""The cast every test can use: one user per role, two districts and their villages.

Tenggarong (64.02.06) and Loa Kulu (64.02.02) are the two districts; each operator works in
one of them, so every scope test can ask "does Loa Kulu see anything of Tenggarong?".
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from lindung.accounts.models import Role
from lindung.accounts.services import create_user, issue_api_token
from lindung.registry.inputs import HeirInput, WorkerInput
from lindung.registry.services import register_worker

TENGGARONG = "64.02.06"
LOA_KULU = "64.02.02"
TENGGARONG_VILLAGE = "64.02.06.1001"  # Jahab
TENGGARONG_OTHER_VILLAGE = "64.02.06.1002"  # Loa Ipuh
LOA_KULU_VILLAGE = "64.02.02.2003"  # Jembayan
PASSWORD = "sandi-rahasia-uji-123"


@pytest.fixture
def regions(db):
    call_command("load_regions", verbosity=0, stdout=io.StringIO())


def _user(username, role, area=None):
    return create_user(actor=None, username=username, role=role, password=PASSWORD, area_code=area)


@pytest.fixture
def admin_user(regions):
    return _user("admin", Role.ADMIN)


@pytest.fixture
def tenggarong_operator(regions):
    return _user("op_tenggarong", Role.DISTRICT_OPERATOR, TENGGARONG)


@pytest.fixture
def loa_kulu_operator(regions):
    return _user("op_loakulu", Role.DISTRICT_OPERATOR, LOA_KULU)


@pytest.fixture
def village_operator(regions):
    return _user("op_jahab", Role.VILLAGE_OPERATOR, TENGGARONG_VILLAGE)


@pytest.fixture
def verifier(regions):
    return _user("verifikator", Role.VERIFIER)


@pytest.fixture
def bpjs_liaison(regions):
    return _user("bpjs", Role.BPJS_LIAISON)


@pytest.fixture
def leader(regions):
    return _user("kadis", Role.LEADER)


@pytest.fixture
def auditor(regions):
    return _user("inspektorat", Role.AUDITOR)


@pytest.fixture
def token_for():
    """An API token for a user: ``token_for(user)``."""
    return lambda user: issue_api_token(actor=None, user=user)


def worker_input(**overrides) -> WorkerInput:
    """A valid worker in Jahab, Tenggarong: a woman born 2 March 1985 (NIK day 42)."""
    values = dict(
        nik="6402064203850003",
        full_name="Siti Aminah",
        birth_date=dt.date(1985, 3, 2),
        sex="F",
        birth_place="Tenggarong",
        phone="0812-3456-7890",
        address="Jl. Pesut No. 4",
        rt="4",
        rw="2",
        village=TENGGARONG_VILLAGE,
        occupation="Petani",
        sector="pertanian",
        monthly_income=1_500_000,
        welfare_decile=3,
        source_ref="TGR-0001",
        heirs=[
            HeirInput(
                full_name="Budi Santoso", relationship="spouse", birth_date=dt.date(1980, 1, 5)
            )
        ],
    )
    values.update(overrides)
    return WorkerInput(**values)


@pytest.fixture
def tenggarong_worker(admin_user):
    return register_worker(actor=admin_user, data=worker_input())


@pytest.fixture
def loa_kulu_worker(admin_user):
    return register_worker(
        actor=admin_user,
        data=worker_input(
            nik="6402021508700001",
            full_name="Muhammad Yusuf",
            birth_date=dt.date(1970, 8, 15),
            sex="M",
            village=LOA_KULU_VILLAGE,
            phone="081234500001",
            source_ref="LKL-0001",
            heirs=[],
        ),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashers take ~0.3 s per user by design; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
