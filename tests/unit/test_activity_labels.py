"""Every action the code writes to the activity log has a human label on the timeline."""

from __future__ import annotations

import ast
from pathlib import Path

import certification
from certification.activity import labels

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
    missing = {
        code: where for code, where in logged_action_codes().items() if code not in labelled
    }
    assert missing == {}
