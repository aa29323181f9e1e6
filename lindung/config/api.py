"""The REST API at /api/v1/: authentication, error answers and the apps' routers.

OpenAPI is served at /api/v1/openapi.json and the interactive docs at /api/v1/docs (Swagger
UI from ninja's own static files, so it works without internet).
"""

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaValidationError

from lindung.accounts.api_auth import api_auth
from lindung.audit.api import router as audit_router
from lindung.core.exceptions import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from lindung.dedup.api import router as dedup_router
from lindung.eligibility.api import router as eligibility_router
from lindung.enrolment.api import router as enrolment_router
from lindung.imports.api import router as imports_router
from lindung.programs.api import router as programs_router
from lindung.quality.api import router as quality_router
from lindung.regions.api import router as regions_router
from lindung.registry.api import router as registry_router

api = NinjaAPI(
    title="Lindung API",
    version="1",
    description=(
        "Registry of vulnerable informal workers. Authenticate with "
        "`Authorization: Bearer <token>` (tokens come from "
        "`accounts.services.issue_api_token`). NIK, KK and phone numbers are masked unless "
        "`reveal=true` is asked for by a role that may see them; the look is audited."
    ),
    urls_namespace="api",
    auth=api_auth,
)
api.add_router("", registry_router)
api.add_router("/regions", regions_router)
api.add_router("/audit", audit_router)
api.add_router("", imports_router)
api.add_router("/duplicates", dedup_router)
api.add_router("/quality", quality_router)
api.add_router("", programs_router)
api.add_router("", enrolment_router)
api.add_router("", eligibility_router)

# Service arguments whose API field has another name.
API_FIELD_NAMES = {"village": "village_code"}

STATUS_FOR_DOMAIN_ERROR: dict[type[DomainError], int] = {
    NotFound: 404,
    PermissionDenied: 403,
    ConcurrentEdit: 409,
    DomainError: 400,
}


def _field_errors(pairs: Iterable[tuple[str, str]]) -> dict:
    return {"detail": [{"field": field, "message": message} for field, message in pairs]}


@api.exception_handler(DjangoValidationError)
def service_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the values: name every field at fault, as the API calls it."""
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    pairs = [
        (API_FIELD_NAMES.get(field, field), message)
        for field, messages in by_field.items()
        for message in messages
    ]
    return api.create_response(request, _field_errors(pairs), status=422)


@api.exception_handler(SchemaValidationError)
def schema_validation_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    """The request did not fit the schema (wrong type, unknown field): same shape as above."""
    pairs = [(_schema_field(error.get("loc", ())), error.get("msg", "")) for error in exc.errors]
    return api.create_response(request, _field_errors(pairs), status=422)


def _schema_field(loc: tuple | list) -> str:
    # ("body", "payload", "heirs", 0, "nik") -> "heirs.0.nik"; ("query", "page") -> "page".
    source, *path = loc or ("",)
    if source == "body" and path:
        path = path[1:]
    return ".".join(str(part) for part in path) or NON_FIELD_ERRORS


def _domain_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    status = next(code for kind, code in STATUS_FOR_DOMAIN_ERROR.items() if isinstance(exc, kind))
    # str() of a DomainError is its message, fit to show the user.
    return api.create_response(request, {"detail": str(exc)}, status=status)


for _kind in STATUS_FOR_DOMAIN_ERROR:
    api.exception_handler(_kind)(_domain_error)
