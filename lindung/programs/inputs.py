"""The shape of funders, programmes and rates as every interface hands them to the services."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class FundingSourceInput:
    """``village`` is a village code, for a village budget only."""

    name: str
    kind: str
    village: str = ""
    membership_kind: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    agreement_reference: str = ""
    agreement_start: dt.date | None = None
    agreement_end: dt.date | None = None
    is_active: bool = True


@dataclass
class ProgramInput:
    name: str
    owning_office: str
    first_fiscal_year: int
    last_fiscal_year: int | None = None
    includes_jht: bool = False
    reported_income: int = 1_000_000
    description: str = ""
    is_active: bool = True


@dataclass
class RateInput:
    """Percentages of the reported income for JKK and JHT, rupiah for JKM. ``payer_kinds``
    empty means every payer."""

    valid_from: dt.date
    jkk_percent: Decimal
    jkm_amount: int
    jht_percent: Decimal
    legal_reference: str
    valid_until: dt.date | None = None
    discount_percent: Decimal = Decimal(0)
    payer_kinds: list[str] = field(default_factory=list)
    note: str = ""
