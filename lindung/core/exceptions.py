"""Domain exceptions raised by services and selectors, mapped to pages and API answers.

Validation failures use Django's own ``ValidationError`` (a dict of field -> messages), so
forms, the API and imports report them the same way.
"""


class DomainError(Exception):
    """A request that the domain refuses, with a message fit to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist or lies outside the user's scope (the two look the same)."""


class PermissionDenied(DomainError):
    """The user's role does not allow the action."""


class ConcurrentEdit(DomainError):
    """The record changed after the user loaded it; their save would overwrite that change."""
