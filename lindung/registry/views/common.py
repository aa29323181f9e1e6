"""What every worker page shares: sign-in, and domain refusals turned into HTTP answers."""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404

from lindung.accounts.permissions import Capability, has_capability
from lindung.core.exceptions import NotFound, PermissionDenied


def worker_page(view):
    """Signed in, and a NotFound (absent *or* out of scope) is a 404, a refusal a 403."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except PermissionDenied as error:
            raise HttpForbidden(error.message) from error

    return wrapped


def require_page(request, capability: Capability) -> None:
    """Refuse a page early, before any form is built, when the role lacks the capability."""
    if not has_capability(request.user, capability):
        raise HttpForbidden


def wants_partial(request) -> bool:
    """An htmx swap gets the fragment; a history restore after a cache miss needs the page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request
