"""What each role may do. The one table every view, API endpoint and command consults."""

from enum import StrEnum

from lindung.accounts.models import Role, User
from lindung.core.exceptions import PermissionDenied


class Capability(StrEnum):
    VIEW_WORKERS = "view_workers"
    EDIT_WORKERS = "edit_workers"
    VERIFY_WORKERS = "verify_workers"
    VIEW_FULL_IDENTITY = "view_full_identity"
    EXPORT_WORKERS = "export_workers"
    VIEW_AGGREGATES = "view_aggregates"
    READ_AUDIT = "read_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_REFERENCE_DATA = "manage_reference_data"
    RESOLVE_DUPLICATES = "resolve_duplicates"
    MANAGE_PROGRAMS = "manage_programs"


_ALL = set(Capability)
ROLE_CAPABILITIES: dict[str, set[Capability]] = {
    Role.ADMIN: _ALL,
    Role.DISTRICT_OPERATOR: {
        Capability.VIEW_WORKERS,
        Capability.EDIT_WORKERS,
        Capability.VERIFY_WORKERS,
        Capability.VIEW_FULL_IDENTITY,
        Capability.EXPORT_WORKERS,
        Capability.VIEW_AGGREGATES,
    },
    Role.VILLAGE_OPERATOR: {
        Capability.VIEW_WORKERS,
        Capability.EDIT_WORKERS,
        Capability.VIEW_FULL_IDENTITY,
        Capability.EXPORT_WORKERS,
        Capability.VIEW_AGGREGATES,
    },
    Role.VERIFIER: {
        Capability.VIEW_WORKERS,
        Capability.EDIT_WORKERS,
        Capability.VERIFY_WORKERS,
        Capability.RESOLVE_DUPLICATES,
        Capability.VIEW_FULL_IDENTITY,
        Capability.EXPORT_WORKERS,
        Capability.VIEW_AGGREGATES,
    },
    Role.BPJS_LIAISON: {
        Capability.VIEW_WORKERS,
        Capability.VIEW_FULL_IDENTITY,
        Capability.EXPORT_WORKERS,
        Capability.VIEW_AGGREGATES,
    },
    Role.LEADER: {Capability.VIEW_AGGREGATES},
    Role.AUDITOR: {Capability.READ_AUDIT},
}

# Roles whose work is tied to one place; the others may have an area but need none.
AREA_LEVEL_REQUIRED: dict[str, int] = {Role.DISTRICT_OPERATOR: 3, Role.VILLAGE_OPERATOR: 4}
AREA_LEVEL_ALLOWED: dict[str, set[int]] = {
    Role.DISTRICT_OPERATOR: {3},
    Role.VILLAGE_OPERATOR: {4},
    Role.VERIFIER: {3},
    Role.LEADER: {3},
}


def has_capability(user: User, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, set())


def require(user: User, capability: Capability) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied("Peran Anda tidak mengizinkan tindakan ini.")
