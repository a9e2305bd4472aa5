"""The checklists package has no import circle: model <- validate <- loader, nothing back."""

from __future__ import annotations

import ast
from pathlib import Path

import certification.checklists as package

PACKAGE = "certification.checklists"


def imports_of(path: Path) -> set[str]:
    """Every module of the package this file imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE + "."):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith(PACKAGE + ".")}
    return found


def test_no_module_of_the_checklists_imports_one_that_imports_it_back():
    folder = Path(package.__file__).parent
    graph = {
        f"{PACKAGE}.{path.stem}": imports_of(path)
        for path in folder.glob("*.py")
        if path.stem != "__init__"
    }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    circles = [module for module in graph if reaches(module, module, {module})]
    assert circles == []
    assert f"{PACKAGE}.loader" not in graph[f"{PACKAGE}.validate"]
