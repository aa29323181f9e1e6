import sys

from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.models import Role
from lindung.accounts.services import create_user, generate_password, issue_api_token
from lindung.core.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Create a Lindung user. The password is read from standard input when it is not "
        "a terminal, otherwise generated and printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--area", help="district or village code, e.g. 64.02.06")
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--api-token", action="store_true", help="also issue an API token")

    def handle(self, *args, username, role, area, name, api_token, **options):
        password = ""
        if not sys.stdin.isatty():
            password = sys.stdin.readline().strip()
        generated = not password
        password = password or generate_password()
        try:
            user = create_user(
                actor=None,
                username=username,
                role=role,
                password=password,
                area_code=area,
                full_name=name,
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"user={user.username} role={user.role} area={user.area_id or '-'}")
        if generated:
            self.stdout.write(f"password={password}")
        if api_token:
            self.stdout.write(f"token={issue_api_token(actor=None, user=user)}")
