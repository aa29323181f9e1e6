"""Who a management command acts as: every write it makes is audited under that user."""

from django.core.management.base import CommandError

from lindung.accounts.models import Role, User


def command_actor(username: str | None) -> User:
    """The named active user, or the instance's only active administrator."""
    if username:
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"Pengguna {username} tidak ada.")
        return actor
    admins = list(User.objects.filter(role=Role.ADMIN, is_active=True)[:2])
    if len(admins) != 1:
        raise CommandError("Sebutkan pengguna dengan --user USERNAME.")
    return admins[0]
