"""Creating users and API tokens."""

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lindung.accounts.models import ApiToken, Role, User
from lindung.accounts.permissions import (
    AREA_LEVEL_ALLOWED,
    AREA_LEVEL_REQUIRED,
    Capability,
    require,
)
from lindung.audit.services import record_event
from lindung.core.exceptions import DomainError
from lindung.regions.models import Region
from lindung.regions.selectors import normalize_code

TOKEN_BYTES = 32


def create_user(
    *,
    actor: User | None,
    username: str,
    role: str,
    password: str,
    area_code: str | None = None,
    full_name: str = "",
) -> User:
    """A new user of one role, tied to an area where the role needs one.

    ``actor`` None is the command line (or the first start), which may always create users.
    """
    if actor is not None:
        require(actor, Capability.MANAGE_USERS)
    if role not in Role.values:
        raise DomainError(f"Peran tidak dikenal: {role}. Pilihan: {', '.join(Role.values)}.")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"Nama pengguna {username} sudah dipakai.")
    area = _resolve_area(role, area_code)
    try:
        validate_password(password)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    with transaction.atomic():
        first, _, last = full_name.partition(" ")
        user = User(
            username=username,
            role=role,
            area=area,
            first_name=first,
            last_name=last,
            is_staff=role == Role.ADMIN,
        )
        user.set_password(password)
        user.save()
        record_event(
            actor=actor,
            action="user.create",
            object_type="user",
            object_id=user.pk,
            changes={
                "username": [None, username],
                "role": [None, role],
                "area": [None, area.code if area else None],
            },
        )
    return user


def _resolve_area(role: str, area_code: str | None) -> Region | None:
    required = AREA_LEVEL_REQUIRED.get(role)
    if not area_code:
        if required:
            kind = "kecamatan" if required == Region.Level.DISTRICT else "desa/kelurahan"
            raise DomainError(f"Peran {role} memerlukan wilayah ({kind}): pakai --area KODE.")
        return None
    area = Region.objects.filter(code=normalize_code(area_code)).first()
    if area is None:
        raise DomainError(
            f"Wilayah dengan kode {area_code} tidak ditemukan. "
            "Jalankan `lindung load_regions` lebih dulu?"
        )
    if area.level not in AREA_LEVEL_ALLOWED.get(role, set()):
        raise DomainError(
            f"Wilayah {area.label} ({area.get_level_display()}) tidak cocok untuk peran {role}."
        )
    return area


def issue_api_token(*, actor: User | None, user: User, label: str = "") -> str:
    """A new bearer token for ``user``. The token is returned once and never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        api_token = ApiToken.objects.create(
            user=user, label=label, prefix=token[:8], digest=token_digest(token)
        )
        record_event(
            actor=actor,
            action="api_token.issue",
            object_type="api_token",
            object_id=api_token.pk,
            context={"user": user.username, "label": label},
        )
    return token


def revoke_api_token(*, actor: User, token_id: int) -> None:
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            record_event(
                actor=actor, action="api_token.revoke", object_type="api_token", object_id=token_id
            )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    api_token = (
        ApiToken.objects.select_related("user__area")
        .filter(digest=token_digest(token), revoked_at__isnull=True)
        .first()
    )
    if api_token is None or not api_token.user.is_active:
        return None
    now = timezone.now()
    # Touch at most once a minute: a write per request would serialise SQLite readers.
    if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user


def generate_password() -> str:
    return secrets.token_urlsafe(12)
