"""What the REST API takes and gives for funders, programmes, rates and shares.

Money is whole rupiah (integers); percentages are decimals as text-safe numbers. Values
are validated by the services the pages use, so these schemas only check types.
"""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict

from lindung.core.formatting import mask_phone
from lindung.programs.budget import BudgetPosition
from lindung.programs.inputs import FundingSourceInput, ProgramInput, RateInput
from lindung.programs.models import FunderKind, FundingShare, FundingSource, Program
from lindung.programs.selectors import RateRow

KINDS = {"enum": list(FunderKind.values)}


class StrictInput(Schema):
    model_config = ConfigDict(extra="forbid")


class FundingSourceIn(StrictInput):
    name: str
    kind: str = Field(json_schema_extra=KINDS)
    village_code: str = Field("", description="For a village budget (APBDes) only.")
    membership_kind: str = Field("", description="BPJS membership kind, e.g. SG.")
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    agreement_reference: str = ""
    agreement_start: dt.date | None = None
    agreement_end: dt.date | None = None
    is_active: bool = True

    def to_input(self) -> FundingSourceInput:
        values = self.dict()
        values["village"] = values.pop("village_code")
        return FundingSourceInput(**values)


class BudgetIn(StrictInput):
    fiscal_year: int
    amount: int = Field(description="Rupiah.")
    note: str = ""


class BudgetOut(Schema):
    fiscal_year: int
    amount: int
    note: str


class FundingSourceOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    village_code: str | None
    membership_kind: str
    contact_name: str
    contact_phone: str = Field(description="Masked unless you manage programmes.")
    contact_email: str
    agreement_reference: str
    agreement_start: dt.date | None
    agreement_end: dt.date | None
    is_active: bool
    version: int


class FundingSourceDetailOut(FundingSourceOut):
    budgets: list[BudgetOut]


def funding_source_body(source: FundingSource, *, full_contact: bool) -> dict:
    return {
        "id": source.pk,
        "code": source.code,
        "name": source.name,
        "kind": source.kind,
        "village_code": source.village_id,
        "membership_kind": source.membership_kind,
        "contact_name": source.contact_name,
        "contact_phone": source.contact_phone if full_contact else mask_phone(source.contact_phone),
        "contact_email": source.contact_email,
        "agreement_reference": source.agreement_reference,
        "agreement_start": source.agreement_start,
        "agreement_end": source.agreement_end,
        "is_active": source.is_active,
        "version": source.version,
    }


class ProgramIn(StrictInput):
    name: str
    owning_office: str
    first_fiscal_year: int
    last_fiscal_year: int | None = None
    includes_jht: bool = False
    reported_income: int = Field(1_000_000, description="Rupiah a month.")
    description: str = ""
    is_active: bool = True

    def to_input(self) -> ProgramInput:
        return ProgramInput(**self.dict())


class ProgramOut(Schema):
    id: int
    code: str
    name: str
    owning_office: str
    first_fiscal_year: int
    last_fiscal_year: int | None
    includes_jht: bool
    reported_income: int
    description: str
    is_active: bool
    version: int


class RateIn(StrictInput):
    valid_from: dt.date
    valid_until: dt.date | None = None
    jkk_percent: Decimal = Field(description="Percent of the reported income, e.g. 1.00.")
    jkm_amount: int = Field(description="Rupiah a month, e.g. 6800.")
    jht_percent: Decimal = Field(Decimal("2.00"), description="Percent of the reported income.")
    discount_percent: Decimal = Field(Decimal(0), description="Discount on JKK and JKM.")
    payer_kinds: list[str] = Field(
        default_factory=list, description="Funder kinds it is for; empty: every payer."
    )
    legal_reference: str
    note: str = ""
    national: bool = Field(False, description="For every programme, not only this one.")

    def to_input(self) -> RateInput:
        values = self.dict()
        values.pop("national")
        return RateInput(**values)


class RateOut(Schema):
    id: int
    national: bool
    valid_from: dt.date
    valid_until: dt.date | None
    jkk_percent: Decimal
    jkm_amount: int
    jht_percent: Decimal
    discount_percent: Decimal
    payer_kinds: list[str]
    legal_reference: str
    note: str
    state: str = Field(description="`past`, `in_effect` or `upcoming`.")


def rate_body(row: RateRow) -> dict:
    version = row.version
    return {
        "id": version.pk,
        "national": version.program_id is None,
        "valid_from": version.valid_from,
        "valid_until": version.valid_until,
        "jkk_percent": version.jkk_percent,
        "jkm_amount": version.jkm_amount,
        "jht_percent": version.jht_percent,
        "discount_percent": version.discount_percent,
        "payer_kinds": version.payer_kinds,
        "legal_reference": version.legal_reference,
        "note": version.note,
        "state": row.state,
    }


class ShareIn(StrictInput):
    funding_source_id: int
    percent: Decimal


class SharesIn(StrictInput):
    area_code: str = Field("", description="District or village code; empty: the default.")
    shares: list[ShareIn] = Field(description="Summing to 100; empty removes an area's rule.")


class ShareOut(Schema):
    area_code: str | None
    funding_source_id: int
    funding_source: str
    percent: Decimal


def share_body(share: FundingShare) -> dict:
    return {
        "area_code": share.area_id,
        "funding_source_id": share.funding_source_id,
        "funding_source": share.funding_source.name,
        "percent": share.percent,
    }


class FunderPositionOut(Schema):
    funding_source_id: int
    funding_source: str
    budget: int | None
    committed: int = Field(description="Active members to December, in every programme.")
    forecast: int = Field(description="Proposed members, in every programme.")
    remaining: int | None
    committed_here: int
    forecast_here: int


class BudgetPositionOut(Schema):
    fiscal_year: int
    funders: list[FunderPositionOut]


def position_body(position: BudgetPosition) -> dict:
    return {
        "fiscal_year": position.fiscal_year,
        "funders": [
            {
                "funding_source_id": funder.funding_source.pk,
                "funding_source": funder.funding_source.name,
                "budget": funder.budget,
                "committed": funder.committed,
                "forecast": funder.forecast,
                "remaining": funder.remaining,
                "committed_here": funder.committed_here,
                "forecast_here": funder.forecast_here,
            }
            for funder in position.funders
        ],
    }


class ProgramDetailOut(ProgramOut):
    rates: list[RateOut]
    shares: list[ShareOut]
    budget_position: BudgetPositionOut | None = Field(
        description="For regency-wide roles only; null for the others."
    )


def program_body(program: Program) -> dict:
    return {name: getattr(program, name) for name in ProgramOut.model_fields if name != "id"} | {
        "id": program.pk
    }


class BudgetCheckIn(StrictInput):
    fiscal_year: int
    additional_members_by_area: dict[str, int] = Field(
        description="Village (or district) code → members to enrol."
    )
    start_month: int | None = Field(
        None, ge=1, le=12, description="First month of coverage; default the next month."
    )


class BudgetCheckOut(Schema):
    fiscal_year: int
    start_month: int
    months: int
    additional: dict[int, int] = Field(description="Funding source id → rupiah.")
    budget_position: BudgetPositionOut
