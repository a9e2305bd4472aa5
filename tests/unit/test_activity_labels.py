"""Every action the code writes to the activity log has a human label on the timeline."""

from __future__ import annotations

import ast
from pathlib import Path

import certification
from certification.activity import labels, notes

PACKAGE = Path(certification.__file__).parent


def logged_action_codes() -> dict[str, str]:
    """code -> first file that logs it, for every `record(actor, subject, "code", ...)` call."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 3:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            code = node.args[2]
            if name == "record" and isinstance(code, ast.Constant) and isinstance(code.value, str):
                found.setdefault(code.value, str(path.relative_to(PACKAGE)))
    return found


def test_the_scan_finds_the_logged_actions():
    assert {"organisation_registered", "quote_prepared"} <= set(logged_action_codes())


def test_every_logged_action_has_a_label():
    labelled = set(labels.ACTIONS) | {action for _subject, action in labels.SUBJECT_ACTIONS}
    missing = {code: where for code, where in logged_action_codes().items() if code not in labelled}
    assert missing == {}


def _log_calls():
    """(file, call) for every record(...) / transition(...) / log_note(...) call of the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in ("record", "transition", "log_note"):
                    yield str(path.relative_to(PACKAGE)), name, node


def _worded_here(node) -> bool:
    """An expression that makes a sentence now, in the actor's language: _(...), an f-string
    holding a translation or a label."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") in (
            "_",
            "gettext",
            "ngettext",
            "format_day",
        ):
            return True
        if isinstance(inner, ast.Attribute) and inner.attr in (
            "label",
            "kind_label",
            "threat_label",
        ):
            return True
    return False


def test_no_log_row_is_written_as_a_sentence_in_the_actors_language():
    worded = [
        f"{where}: {name}(reason=...) line {node.lineno}"
        for where, name, node in _log_calls()
        for keyword in node.keywords
        if name != "log_note" and keyword.arg == "reason" and _worded_here(keyword.value)
    ]
    assert worded == []


def test_every_note_a_service_writes_has_its_wording():
    codes = {
        (where, node.args[0].value)
        for where, name, node in _log_calls()
        if name == "log_note" and node.args and isinstance(node.args[0], ast.Constant)
    }
    assert {"certificate_valid", "until", "finding"} <= {code for _where, code in codes}
    assert [(w, c) for w, c in codes if c not in notes.NOTES] == []
