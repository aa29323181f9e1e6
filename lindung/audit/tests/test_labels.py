"""Every action and kind of object the code records has words on the audit pages: an auditor
after a complaint should not have to read codes."""

import ast
import re
from functools import cache
from pathlib import Path

from lindung.audit.views import ACTION_LABELS, OBJECT_LABELS
from lindung.enrolment.models import BpjsFileKind

SOURCE = Path(__file__).resolve().parents[2]
CODE = re.compile(r"[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*")
# The one action whose code is assembled: the BPJS file import names the file's kind.
ASSEMBLED = {"enrolment.bpjs_{kind}_import": [f"enrolment.bpjs_{k}_import" for k in BpjsFileKind]}


@cache
def _source_trees() -> tuple[ast.Module, ...]:
    return tuple(
        ast.parse(path.read_text(encoding="utf-8"))
        for path in SOURCE.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    )


def _keyword_values(name: str) -> set[str]:
    """The texts given as ``name=`` anywhere (an f-string as its template)."""
    values = set()
    for tree in _source_trees():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.keyword)
                and node.arg == name
                and isinstance(node.value, ast.Constant | ast.JoinedStr)
            ):
                values.add(ast.unparse(node.value).removeprefix("f").strip("'\""))
    return values


def _recorded_actions() -> set[str]:
    # Named as ``action=…``, or written elsewhere (a table of case moves, an event built by
    # position) with the prefix of a known action.
    given = {
        value for value in _keyword_values("action") if CODE.fullmatch(value) or value in ASSEMBLED
    }
    prefixes = {code.split(".")[0] for code in given}
    for tree in _source_trees():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE.fullmatch(node.value)
                and node.value.split(".")[0] in prefixes
            ):
                given.add(node.value)
    return {code for value in given for code in ASSEMBLED.get(value, [value])}


def test_every_recorded_action_has_a_label():
    actions = _recorded_actions()

    assert {"worker.import", "duplicate.merge", "enrolment.bpjs_answer_import"} <= actions
    assert sorted(actions - set(ACTION_LABELS)) == []


def test_every_recorded_kind_of_object_has_a_label():
    kinds = {value for value in _keyword_values("object_type") if CODE.fullmatch(value + ".x")}

    assert {"worker", "enrolment", "program"} <= kinds
    assert sorted(kinds - set(OBJECT_LABELS)) == []
