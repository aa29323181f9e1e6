"""The Indonesian catalogue: complete, faithful to its placeholders, compiled, and in use.

Indonesian is the default language; a string left untranslated would show up in English on a
village clerk's screen. `scripts/update-translations` regenerates and compiles the catalogue.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import worker_input
from lindung.registry.models import Worker
from lindung.registry.services import register_worker

LOCALE_DIR = Path(settings.PACKAGE_DIR) / "locale"
PO_FILE = LOCALE_DIR / "id" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
# %(name)s, %(count)d, %s ... and {name} / {0}; "%%" is a literal percent sign.
_PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifgeExXor%]")
_BRACE_PLACEHOLDER = re.compile(r"\{[\w.\[\]]*(?:![rsa])?(?::[^{}]*)?\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def is_translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def read_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header and the live entries of a .po file; entries are separated by blank lines."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    entries = [_read_entry(block.splitlines()) for block in blocks]
    # Obsolete entries (`#~`) have no live msgid and are left out.
    entries = [entry for entry in entries if entry is not None]
    return entries[0], entries[1:]


def _read_entry(lines: list[str]) -> Entry | None:
    entry = Entry()
    target: tuple[str, int] | None = None
    seen_msgid = False
    for line in lines:
        line = line.strip()
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif not line or line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(entry, target, ast.literal_eval(line))
        else:
            keyword, _, literal = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            target = ("msgstr", int(match.group(1))) if match else (keyword, 0)
            seen_msgid = seen_msgid or keyword == "msgid"
            _append(entry, target, ast.literal_eval(literal), start=True)
    return entry if seen_msgid else None


def _append(entry: Entry, target: tuple[str, int] | None, text: str, start: bool = False) -> None:
    name, index = target or ("", 0)
    if name == "msgstr":
        entry.msgstr[index] = ("" if start else entry.msgstr.get(index, "")) + text
    elif name in ("msgid", "msgid_plural", "msgctxt"):
        setattr(entry, name, ("" if start else getattr(entry, name) or "") + text)
    else:
        raise AssertionError(f"Unexpected line in {PO_FILE.name}: {text!r}")


def placeholders(text: str, entry: Entry) -> set[str]:
    found = set()
    # Every entry, flagged or not, so a lost or misspelt %(name)s is caught either way.
    if "no-python-format" not in entry.flags:
        found |= {p for p in _PERCENT_PLACEHOLDER.findall(text) if p != "%%"}
    if "python-brace-format" in entry.flags:
        found |= set(_BRACE_PLACEHOLDER.findall(text))
    return found


def describe(entry: Entry) -> str:
    return f"{entry.msgid!r} ({', '.join(entry.references[:2])})"


@pytest.fixture(scope="module")
def catalogue() -> tuple[Entry, list[Entry]]:
    return read_po(PO_FILE)


def test_the_catalogue_header_declares_indonesian_in_utf8_with_one_plural_form(catalogue):
    header, _ = catalogue
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == "id"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "fuzzy" not in header.flags


def test_every_entry_is_translated(catalogue):
    _, entries = catalogue
    untranslated = [describe(entry) for entry in entries if not entry.is_translated]
    assert untranslated == []


def test_no_entry_is_fuzzy(catalogue):
    _, entries = catalogue
    assert [describe(entry) for entry in entries if "fuzzy" in entry.flags] == []


def test_every_plural_entry_has_exactly_one_form(catalogue):
    _, entries = catalogue
    plurals = [entry for entry in entries if entry.msgid_plural is not None]
    assert plurals, "the catalogue should hold the worker and field counts"
    assert [describe(entry) for entry in plurals if set(entry.msgstr) != {0}] == []


def test_every_translation_keeps_the_placeholders_of_its_msgid(catalogue):
    _, entries = catalogue
    broken = []
    for entry in entries:
        expected = placeholders(entry.msgid_plural or entry.msgid, entry)
        for text in entry.msgstr.values():
            if text and placeholders(text, entry) != expected:
                broken.append(f"{describe(entry)} -> {text!r}")
    assert broken == []


def test_the_catalogue_holds_only_strings_of_this_project(catalogue):
    _, entries = catalogue
    package = Path(settings.PACKAGE_DIR)
    sources = {ref.rsplit(":", 1)[0] for entry in entries for ref in entry.references}
    assert sources
    assert [s for s in sources if not (package / s).is_file() or "/tests/" in f"/{s}"] == []


def test_the_compiled_catalogue_holds_exactly_the_translations_of_the_po_file(catalogue):
    _, entries = catalogue
    expected = {}
    for entry in entries:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr[0]
        else:
            expected.update({(key, n): text for n, text in entry.msgstr.items()})
    with MO_FILE.open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    messages = {key: text for key, text in mo._catalog.items() if key != ""}
    # A difference means the .po changed since the last `compilemessages`.
    assert messages == expected


@pytest.mark.django_db
def test_pages_are_in_indonesian_by_default(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "id"
    assert 'lang="id"' in response.text or "lang=id" in response.text
    assert "Masuk" in response.text
    assert "Kata sandi" in response.text
    assert "Password" not in response.text


@pytest.mark.django_db
def test_an_english_browser_still_gets_indonesian_pages_until_english_is_chosen(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "id"
    assert "Kata sandi" in response.text


@pytest.mark.django_db
def test_a_visitor_who_chose_english_gets_english_pages(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("accounts:login"))

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert response.headers["Content-Language"] == "en"
    assert "Sign in" in response.text
    assert "Password" in response.text
    assert "Kata sandi" not in response.text


@pytest.mark.django_db
def test_english_can_be_asked_for_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("accounts:login"))

    assert "Sign in" in response.text
    assert "Masuk" not in response.text


def test_a_validation_error_of_the_registry_reads_in_indonesian(admin_user):
    with translation.override("id"), pytest.raises(ValidationError) as raised:
        register_worker(actor=admin_user, data=worker_input(nik="640206420385000"))

    assert raised.value.message_dict["nik"] == [
        "NIK harus terdiri dari 16 digit; NIK ini berisi 15 digit."
    ]
    assert not Worker.objects.exists()


def test_the_same_validation_error_reads_in_english_when_english_is_chosen(admin_user):
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        register_worker(actor=admin_user, data=worker_input(nik="640206420385000"))

    assert raised.value.message_dict["nik"] == ["A NIK has exactly 16 digits; this one has 15."]
    assert not Worker.objects.exists()
