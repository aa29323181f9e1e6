"""What the REST API takes and gives for workers, heirs and sectors.

Field names are English and stable; values are validated by the same services the pages use,
so these schemas only check types. Identity numbers and phones in answers are masked
(``6402********0003``) unless the caller asked for and may see the full values.
"""

import datetime as dt
from typing import Any

from django.db.models import Choices
from ninja import Field, Schema
from pydantic import ConfigDict

from lindung.core.formatting import mask_identity_number, mask_phone
from lindung.registry.inputs import HeirInput, WorkerInput
from lindung.registry.models import (
    Heir,
    HeirRelationship,
    InactiveReason,
    LegalBasis,
    Sex,
    Worker,
    WorkerStatus,
)


def _choice(choices: type[Choices], description: str = "", **kwargs: Any) -> Any:
    """A string field documented with its allowed values; the service does the refusing, so
    the message is the same as on the pages."""
    return Field(
        description=description, json_schema_extra={"enum": list(choices.values)}, **kwargs
    )


class StrictInput(Schema):
    # A misspelt or read-only field (``status``) is an error, not silently ignored.
    model_config = ConfigDict(extra="forbid")


class HeirIn(StrictInput):
    id: int | None = Field(None, description="An existing heir being corrected (PATCH only).")
    full_name: str
    relationship: str = _choice(HeirRelationship)
    birth_date: dt.date | None = None
    nik: str = ""
    phone: str = ""

    def to_input(self) -> HeirInput:
        return HeirInput(
            id=self.id,
            full_name=self.full_name,
            relationship=self.relationship,
            birth_date=self.birth_date,
            nik=self.nik,
            phone=self.phone,
        )


class WorkerIn(StrictInput):
    nik: str = Field(description="16 digits; separators are ignored.")
    kk_number: str = ""
    full_name: str
    birth_place: str = ""
    birth_date: dt.date | None = Field(
        None, description="ISO date; taken from the NIK when left out."
    )
    sex: str = _choice(Sex, "Taken from the NIK when left out.", default="")
    phone: str = ""
    address: str = ""
    rt: str = ""
    rw: str = ""
    village_code: str = Field(description="Kemendagri village code, e.g. 64.02.06.1001.")
    occupation: str = ""
    sector: str = Field(
        "", description="Sector code (see /sectors); taken from a known occupation when left out."
    )
    monthly_income: int | None = Field(None, description="Rupiah.")
    welfare_decile: int | None = Field(None, description="1 (poorest) to 10.")
    source_ref: str = ""
    legal_basis: str = _choice(LegalBasis, default=LegalBasis.PUBLIC_TASK.value)
    heirs: list[HeirIn] = []
    confirmed_not_duplicate: bool = Field(
        False,
        description="Set after checking that a possible duplicate at the `duplicate` level "
        "is another person; without it such a registration is refused with 409.",
    )

    def to_input(self) -> WorkerInput:
        values = self.model_dump(exclude={"heirs", "village_code", "confirmed_not_duplicate"})
        return WorkerInput(
            **values, village=self.village_code, heirs=[heir.to_input() for heir in self.heirs]
        )


class WorkerCheckIn(WorkerIn):
    """A worker as it would be registered; only what the check needs is required: a NIK, or
    a full name with a birth date."""

    nik: str = Field("", description="16 digits; separators are ignored.")
    full_name: str = ""
    village_code: str = Field("", description="Kemendagri village code, e.g. 64.02.06.1001.")

    def check_values(self) -> dict[str, Any]:
        return {
            "nik": self.nik, "full_name": self.full_name, "birth_date": self.birth_date,
            "sex": self.sex, "village": self.village_code, "kk_number": self.kk_number,
            "phone": self.phone,
        }  # fmt: skip


class WorkerPatch(StrictInput):
    """A correction: ``version`` as read, and only the fields to change."""

    version: int = Field(description="The version the correction was made on.")
    nik: str | None = None
    kk_number: str | None = None
    full_name: str | None = None
    birth_place: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = _choice(Sex, default=None)
    phone: str | None = None
    address: str | None = None
    rt: str | None = None
    rw: str | None = None
    village_code: str | None = None
    occupation: str | None = None
    sector: str | None = None
    monthly_income: int | None = None
    welfare_decile: int | None = None
    source_ref: str | None = None
    legal_basis: str | None = _choice(LegalBasis, default=None)
    heirs: list[HeirIn] | None = Field(
        None,
        description="When given, the complete new list: items with an `id` correct that "
        "heir, items without one are added, heirs left out are removed.",
    )

    def changes(self) -> dict[str, Any]:
        """The fields the caller sent, named as the service names them."""
        changes = self.model_dump(exclude_unset=True, exclude={"version", "heirs"})
        if "village_code" in changes:
            changes["village"] = changes.pop("village_code")
        return changes

    def heir_inputs(self) -> list[HeirInput] | None:
        return None if self.heirs is None else [heir.to_input() for heir in self.heirs]


class StatusChangeIn(StrictInput):
    to_status: str = _choice(WorkerStatus)
    reason: str = _choice(InactiveReason, "Required when the new status is `inactive`.", default="")
    note: str = Field("", description="Required when the registration is rejected.")
    version: int


class HeirOut(Schema):
    id: int
    full_name: str
    relationship: str
    birth_date: dt.date | None
    nik: str
    phone: str
    priority: int = Field(description="1 is first in the legal order of heirs.")


class WorkerOut(Schema):
    id: int
    nik: str
    kk_number: str
    full_name: str
    birth_place: str
    birth_date: dt.date
    sex: str
    phone: str
    address: str
    rt: str
    rw: str
    village_code: str
    village_name: str
    district_code: str
    district_name: str
    occupation: str
    sector: str = Field(description="Sector code.")
    monthly_income: int | None
    welfare_decile: int | None
    source_ref: str
    legal_basis: str
    status: str
    inactive_reason: str
    needs_verification: bool = Field(
        description="The declared birth date or sex differs from what the NIK encodes."
    )
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class WorkerDetailOut(WorkerOut):
    heirs: list[HeirOut]


class EvidenceOut(Schema):
    field: str
    level: str
    weight: float = Field(description="Match weight (log2 Bayes factor); positive: same person.")


class CandidateOut(Schema):
    """A worker who may be the same person. Outside the caller's area only the district,
    score and level are given."""

    worker_id: int
    in_scope: bool
    district: str
    score: float = Field(description="Probability of being the same person, in percent.")
    match_weight: float
    level: str = Field(json_schema_extra={"enum": ["duplicate", "possible"]})
    status: str | None = Field(
        None, description="The worker's status (an inactive one is shown too); in scope only."
    )
    reasons: list[str] = Field(
        default_factory=list, description="What makes them alike, strongest first; in scope only."
    )
    evidence: list[EvidenceOut] = Field(default_factory=list)
    full_name: str | None = None
    village: str | None = None
    birth_date: dt.date | None = None
    nik_masked: str | None = None


class CheckOut(Schema):
    candidates: list[CandidateOut] = Field(description="Best first, at most five.")


class WorkerCreatedOut(WorkerDetailOut):
    possible_duplicates: list[CandidateOut] = Field(
        description="Possible duplicates found when registering (confirmed or below the "
        "`duplicate` level)."
    )


class DuplicateRefusalOut(Schema):
    detail: str
    candidates: list[CandidateOut]


class WorkerPage(Schema):
    count: int = Field(description="Matches; a text search stops counting at 1,000.")
    count_capped: bool = Field(
        False, description="True when a text search matched more than `count` workers."
    )
    page: int
    page_size: int
    results: list[WorkerOut] = Field(
        description="Workers without their heirs; read one worker for those."
    )


class SectorOut(Schema):
    code: str
    name: str
    name_en: str


def worker_body(
    worker: Worker, *, full_identity: bool = False, with_heirs: bool = False
) -> dict[str, Any]:
    """A worker as the API shows it. ``village__parent`` and ``sector`` must be loaded."""
    mask_id = _keep if full_identity else mask_identity_number
    mask_tel = _keep if full_identity else mask_phone
    district = worker.village.parent
    body = {
        "id": worker.pk, "nik": mask_id(worker.nik), "kk_number": mask_id(worker.kk_number),
        "full_name": worker.full_name, "birth_place": worker.birth_place,
        "birth_date": worker.birth_date, "sex": worker.sex, "phone": mask_tel(worker.phone),
        "address": worker.address, "rt": worker.rt, "rw": worker.rw,
        "village_code": worker.village_id, "village_name": worker.village.name,
        "district_code": district.code if district else "",
        "district_name": district.name if district else "",
        "occupation": worker.occupation, "sector": worker.sector.code,
        "monthly_income": worker.monthly_income, "welfare_decile": worker.welfare_decile,
        "source_ref": worker.source_ref, "legal_basis": worker.legal_basis,
        "status": worker.status, "inactive_reason": worker.inactive_reason,
        "needs_verification": worker.needs_verification, "version": worker.version,
        "created_at": worker.created_at, "updated_at": worker.updated_at,
    }  # fmt: skip
    if with_heirs:
        body["heirs"] = [_heir_body(heir, mask_id, mask_tel) for heir in worker.heirs.all()]
    return body


def _heir_body(heir: Heir, mask_id, mask_tel) -> dict[str, Any]:
    return {
        "id": heir.pk,
        "full_name": heir.full_name,
        "relationship": heir.relationship,
        "birth_date": heir.birth_date,
        "nik": mask_id(heir.nik),
        "phone": mask_tel(heir.phone),
        "priority": heir.priority,
    }


def _keep(value: str) -> str:
    return value
