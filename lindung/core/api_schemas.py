"""How the REST API reports failures, shared by every app's endpoints for the OpenAPI page.

The handlers that produce these answers are registered in ``config/api.py``.
"""

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: list[FieldError]


ERROR_RESPONSES = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
}
