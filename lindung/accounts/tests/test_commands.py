"""`lindung createuser`: password from standard input or generated, optional API token."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import PASSWORD
from lindung.accounts.models import User
from lindung.accounts.services import user_for_token

pytestmark = pytest.mark.django_db


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _createuser(monkeypatch, *args, stdin: io.StringIO) -> str:
    monkeypatch.setattr("sys.stdin", stdin)
    out = io.StringIO()
    call_command("createuser", *args, stdout=out)
    return out.getvalue()


def test_the_password_is_read_from_standard_input(regions, monkeypatch):
    output = _createuser(
        monkeypatch,
        "op_tgr",
        "--role",
        "district_operator",
        "--area",
        "64.02.06",
        "--name",
        "Rahmat Hidayat",
        stdin=io.StringIO(PASSWORD + "\n"),
    )
    assert output == "user=op_tgr role=district_operator area=64.02.06\n"
    user = User.objects.get(username="op_tgr")
    assert user.check_password(PASSWORD)
    assert (user.first_name, user.last_name) == ("Rahmat", "Hidayat")


def test_a_password_is_generated_and_printed_at_a_terminal(regions, monkeypatch):
    output = _createuser(monkeypatch, "kadis", "--role", "leader", stdin=_Terminal())
    password = re.search(r"^password=(\S+)$", output, re.M).group(1)
    assert User.objects.get(username="kadis").check_password(password)
    assert "area=-" in output


def test_an_empty_standard_input_also_gets_a_generated_password(regions, monkeypatch):
    output = _createuser(monkeypatch, "kadis", "--role", "leader", stdin=io.StringIO(""))
    assert re.search(r"^password=\S+$", output, re.M)


def test_an_api_token_is_printed_that_signs_in_as_the_user(regions, monkeypatch):
    output = _createuser(
        monkeypatch,
        "field_app",
        "--role",
        "village_operator",
        "--area",
        "6402061001",
        "--api-token",
        stdin=io.StringIO(PASSWORD),
    )
    token = re.search(r"^token=(\S+)$", output, re.M).group(1)
    assert user_for_token(token) == User.objects.get(username="field_app")
    assert "password=" not in output


def test_a_refused_user_is_a_command_error(regions, monkeypatch):
    with pytest.raises(CommandError, match="kecamatan"):
        _createuser(monkeypatch, "op", "--role", "district_operator", stdin=io.StringIO(PASSWORD))
    assert not User.objects.exists()
