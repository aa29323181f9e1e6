"""How a request to the REST API says who it comes from.

Scripts and other systems send ``Authorization: Bearer <token>`` (tokens come from
``services.issue_api_token``). A signed-in browser, e.g. on the interactive docs page, may use
its session instead; then unsafe methods must carry the CSRF token, as any form post does.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from lindung.accounts.models import User
from lindung.accounts.services import user_for_token


class ApiRequest(HttpRequest):
    """The request an endpoint receives once authentication passed: ``auth`` is the user."""

    auth: User


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        # Code that reads request.user (logging, language) sees the token's owner too.
        request.user = user
        return user


class SignedInSessionAuth(APIKeyCookie):
    """Django's session login. Unlike ninja's ``SessionAuth`` it checks CSRF only when a
    user is actually signed in, so a call with a bad bearer token gets 401, not 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key and request.user.is_authenticated:
            return request.user
        return None


# Bearer first: a request carrying a token is judged by the token alone.
api_auth = [BearerTokenAuth(), SignedInSessionAuth()]
