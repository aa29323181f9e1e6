"""Funders and programmes over the REST API: the same selectors and services as the pages."""

from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status

from lindung.accounts.api_auth import ApiRequest
from lindung.accounts.permissions import Capability, has_capability
from lindung.core.api_schemas import ERROR_RESPONSES
from lindung.core.exceptions import PermissionDenied
from lindung.programs.budget import budget_position, check_budget
from lindung.programs.schemas import (
    BudgetCheckIn,
    BudgetCheckOut,
    BudgetIn,
    BudgetOut,
    FundingSourceDetailOut,
    FundingSourceIn,
    FundingSourceOut,
    ProgramDetailOut,
    ProgramIn,
    ProgramOut,
    RateIn,
    RateOut,
    ShareOut,
    SharesIn,
    funding_source_body,
    position_body,
    program_body,
    rate_body,
    share_body,
)
from lindung.programs.selectors import (
    DENIED,
    RateRow,
    budgets_of,
    can_see_money,
    funding_sources_for_user,
    get_funding_source_for_user,
    get_program_for_user,
    programs_for_user,
    rate_rows,
    shares_for_user,
)
from lindung.programs.services import (
    add_rate_version,
    create_program,
    save_funding_source,
    set_funding_budget,
    set_funding_shares,
)
from lindung.regions.selectors import normalize_code

router = Router(tags=["programmes"])


def _full_contact(request: ApiRequest) -> bool:
    return has_capability(request.auth, Capability.MANAGE_PROGRAMS)


@router.get("/funding-sources", response={200: list[FundingSourceOut], **ERROR_RESPONSES})
def list_funding_sources(request: ApiRequest):
    """Every funder (for regency-wide roles)."""
    full = _full_contact(request)
    return [
        funding_source_body(s, full_contact=full) for s in funding_sources_for_user(request.auth)
    ]


@router.post("/funding-sources", response={201: FundingSourceDetailOut, **ERROR_RESPONSES})
def create_funding_source(request: ApiRequest, payload: FundingSourceIn):
    source = save_funding_source(actor=request.auth, data=payload.to_input())
    return Status(201, _source_detail(request, source.pk))


@router.get(
    "/funding-sources/{funding_source_id}",
    response={200: FundingSourceDetailOut, **ERROR_RESPONSES},
)
def get_funding_source(request: ApiRequest, funding_source_id: int):
    """One funder with its budget per fiscal year."""
    return _source_detail(request, funding_source_id)


@router.post(
    "/funding-sources/{funding_source_id}/budgets", response={200: BudgetOut, **ERROR_RESPONSES}
)
def set_budget(request: ApiRequest, funding_source_id: int, payload: BudgetIn):
    """Set the funder's budget for one fiscal year."""
    return set_funding_budget(
        actor=request.auth, funding_source_id=funding_source_id, **payload.dict()
    )


def _source_detail(request: ApiRequest, funding_source_id: int) -> dict:
    source = get_funding_source_for_user(request.auth, funding_source_id)
    body = funding_source_body(source, full_contact=_full_contact(request))
    return body | {"budgets": list(budgets_of(source))}


@router.get("/programs", response={200: list[ProgramOut], **ERROR_RESPONSES})
def list_programs(request: ApiRequest):
    return [program_body(program) for program in programs_for_user(request.auth)]


@router.post("/programs", response={201: ProgramDetailOut, **ERROR_RESPONSES})
def create_program_endpoint(request: ApiRequest, payload: ProgramIn):
    program = create_program(actor=request.auth, data=payload.to_input())
    return Status(201, _program_detail(request, program.pk, fiscal_year=None))


@router.get("/programs/{program_id}", response={200: ProgramDetailOut, **ERROR_RESPONSES})
def get_program(
    request: ApiRequest,
    program_id: int,
    fiscal_year: int | None = Query(None, description="Of the budget position; default now."),
):
    """A programme with its rate versions, the share rules you may see and, for
    regency-wide roles, the budget position of its funders."""
    return _program_detail(request, program_id, fiscal_year=fiscal_year)


@router.post("/programs/{program_id}/rates", response={201: RateOut, **ERROR_RESPONSES})
def add_rate(request: ApiRequest, program_id: int, payload: RateIn):
    """Add a rate version from a date (national: for every programme)."""
    program = get_program_for_user(request.auth, program_id)
    version = add_rate_version(
        actor=request.auth,
        program_id=None if payload.national else program.pk,
        data=payload.to_input(),
    )
    state = "upcoming" if version.valid_from > timezone.localdate() else "in_effect"
    return Status(201, rate_body(RateRow(version, state)))


@router.put("/programs/{program_id}/shares", response={200: list[ShareOut], **ERROR_RESPONSES})
def put_shares(request: ApiRequest, program_id: int, payload: SharesIn):
    """Replace the share rule of one area (or the default)."""
    set_funding_shares(
        actor=request.auth,
        program_id=program_id,
        area_code=normalize_code(payload.area_code) if payload.area_code else None,
        shares={share.funding_source_id: share.percent for share in payload.shares},
    )
    program = get_program_for_user(request.auth, program_id)
    return [share_body(share) for share in shares_for_user(request.auth, program)]


@router.post(
    "/programs/{program_id}/budget-check", response={200: BudgetCheckOut, **ERROR_RESPONSES}
)
def budget_check(request: ApiRequest, program_id: int, payload: BudgetCheckIn):
    """Would the funders' budgets cover these members to December? 400 with the numbers
    when one would not."""
    if not can_see_money(request.auth):
        raise PermissionDenied(DENIED)
    program = get_program_for_user(request.auth, program_id)
    check = check_budget(
        program,
        payload.fiscal_year,
        {normalize_code(code): n for code, n in payload.additional_members_by_area.items()},
        start_month=payload.start_month,
    )
    return {
        "fiscal_year": payload.fiscal_year,
        "start_month": check.start_month,
        "months": check.months,
        "additional": check.additional,
        "budget_position": position_body(check.position),
    }


def _program_detail(request: ApiRequest, program_id: int, *, fiscal_year: int | None) -> dict:
    program = get_program_for_user(request.auth, program_id)
    position = None
    if can_see_money(request.auth):
        year = fiscal_year or timezone.localdate().year
        position = position_body(budget_position(program, year))
    return program_body(program) | {
        "rates": [rate_body(row) for row in rate_rows(program)],
        "shares": [share_body(share) for share in shares_for_user(request.auth, program)],
        "budget_position": position,
    }
