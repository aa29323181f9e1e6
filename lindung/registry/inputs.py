"""The shape of worker data as every interface hands it to the services."""

import datetime as dt
from dataclasses import dataclass, field

from lindung.registry.models import LegalBasis

# Fields a caller may set on a worker; status moves only through ``change_worker_status``.
EDITABLE_FIELDS = (
    "nik", "kk_number", "full_name", "birth_place", "birth_date", "sex", "phone", "address",
    "rt", "rw", "village", "occupation", "sector", "monthly_income", "welfare_decile",
    "source_ref", "legal_basis",
)  # fmt: skip


@dataclass
class HeirInput:
    full_name: str
    relationship: str
    birth_date: dt.date | None = None
    nik: str = ""
    phone: str = ""
    id: int | None = None  # an existing heir being corrected


@dataclass
class WorkerInput:
    """One worker as submitted. ``village`` is a region code, ``sector`` a sector code."""

    nik: str
    full_name: str
    village: str
    birth_date: dt.date | None = None
    sex: str = ""
    kk_number: str = ""
    birth_place: str = ""
    phone: str = ""
    address: str = ""
    rt: str = ""
    rw: str = ""
    occupation: str = ""
    sector: str = ""
    monthly_income: int | None = None
    welfare_decile: int | None = None
    source_ref: str = ""
    legal_basis: str = LegalBasis.PUBLIC_TASK
    heirs: list[HeirInput] = field(default_factory=list)
