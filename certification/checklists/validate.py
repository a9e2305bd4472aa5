"""Validation of one parsed checklist file: every problem with its key path, and the objects.

Pure: no Flask, no database. The reader goes on after a problem, so that whoever edits a file
sees all that is wrong at once; loader.parse turns the problems into one ChecklistError.
"""

from __future__ import annotations

import math
import re
from typing import Any

from certification.checklists.loader import (
    CLAUSE_RE,
    EDITION_RE,
    LANGUAGE_RE,
    MAX_POINTS,
    QUESTION_ID_RE,
    REQUIRED_LANGUAGES,
    SCHEME_RE,
    SECTION_RE,
    TOP_OPTIONAL,
    TOP_REQUIRED,
    VERSION_RE,
    Band,
    Checklist,
    Clause,
    MaturityLevel,
    Question,
    Section,
)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


_KINDS: dict[str, tuple[str, Any]] = {
    "string": ("a string", lambda v: isinstance(v, str)),
    "boolean": ("true or false", lambda v: isinstance(v, bool)),
    "integer": ("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "number": ("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool)),
    "table": ("a table", lambda v: isinstance(v, dict)),
    "array": ("an array", lambda v: isinstance(v, list)),
}


def _toml_type(value: object) -> str:
    for kind in ("boolean", "integer", "string", "table", "array"):
        if _KINDS[kind][1](value):
            return kind
    return "float" if isinstance(value, float) else "date/time"


class ChecklistReader:
    """Walks one parsed file, collecting every problem and building the objects on the way."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[str] = []
        self.languages: tuple[str, ...] = REQUIRED_LANGUAGES
        self.seen: dict[tuple[str, str], str] = {}

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{self.file}: {path}: {message}")

    # -- generic checks --------------------------------------------------------------------

    def keys(self, table: dict, path: str, required: tuple, optional: tuple = ()) -> None:
        for key in required:
            if key not in table:
                self.problem(_join(path, key), "missing")
        expected = ", ".join(required + optional)
        for key in table:
            if key not in required and key not in optional:
                self.problem(_join(path, key), f"unknown key (expected: {expected})")

    def get(self, table: dict, key: str, path: str, kind: str) -> Any:
        """The value if present and of the right kind, else None (absence is reported by keys)."""
        if key not in table:
            return None
        value = table[key]
        description, is_kind = _KINDS[kind]
        if not is_kind(value):
            self.problem(_join(path, key), f"must be {description}, got {_toml_type(value)}")
            return None
        return value

    def string(self, table: dict, key: str, path: str, pattern: str, example: str) -> str | None:
        value = self.get(table, key, path, "string")
        if value is None:
            return None
        if not value.strip():
            self.problem(_join(path, key), "empty")
        elif not re.fullmatch(pattern, value):
            self.problem(_join(path, key), f"{value!r} is not {example}")
        else:
            return value
        return None

    def texts(self, table: dict, key: str, path: str) -> dict[str, str] | None:
        """A text in every declared language, none empty."""
        value = self.get(table, key, path, "table")
        if value is None:
            return None
        here, ok = _join(path, key), True
        for language in self.languages:
            if language not in value:
                self.problem(_join(here, language), "missing")
                ok = False
        for language, item in value.items():
            if language not in self.languages:
                declared = ", ".join(self.languages)
                self.problem(_join(here, language), f"language not in languages ({declared})")
            elif not isinstance(item, str):
                self.problem(_join(here, language), f"must be a string, got {_toml_type(item)}")
            elif not item.strip():
                self.problem(_join(here, language), "empty")
            else:
                continue
            ok = False
        return {lang: item.strip() for lang, item in value.items()} if ok else None

    def tables(self, table: dict, key: str, path: str) -> list[tuple[str, dict]]:
        """(path, table) of each entry of an array of tables that must not be empty."""
        value = self.get(table, key, path, "array")
        if value is None:
            return []
        here = _join(path, key)
        if not value:
            self.problem(here, "empty: at least one entry is needed")
        entries = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                entries.append((_join(here, index), item))
            else:
                self.problem(_join(here, index), f"must be a table, got {_toml_type(item)}")
        return entries

    def unique(self, kind: str, value: str | None, path: str) -> None:
        if value is None:
            return
        if (kind, value) in self.seen:
            self.problem(path, f"duplicate {kind} {value!r} (first at {self.seen[(kind, value)]})")
        else:
            self.seen[(kind, value)] = path

    def in_order(self, numbered: list[tuple[str, str | None]], kind: str) -> None:
        """Sections and clauses follow the standard's order, so that a diff reads like it."""
        valid = [(path, number) for path, number in numbered if number is not None]
        for (_, before), (path, number) in zip(valid, valid[1:], strict=False):
            if _number_key(number) < _number_key(before):
                self.problem(path, f"{kind} {number} comes after {before}: keep them in order")

    # -- the checklist ---------------------------------------------------------------------

    def checklist(self, data: dict, source: str) -> Checklist | None:
        self.keys(data, "", TOP_REQUIRED, TOP_OPTIONAL)
        scheme = self.string(data, "scheme", "", SCHEME_RE, "a scheme id like iso10002")
        edition = self.string(data, "edition", "", EDITION_RE, "an edition year like 2018")
        version = self.string(data, "version", "", VERSION_RE, "a version like 2026.1")
        scored = self.get(data, "scored", "", "boolean")
        self.languages = self.read_languages(data)
        title = self.texts(data, "title", "")
        sections = self.read_sections(data, bool(scored))
        maturity = self.read_maturity(data, bool(scored))
        bands = self.read_bands(data, bool(scored))
        based_on = self.read_based_on(data)
        if self.problems:
            return None
        return Checklist(
            scheme=scheme,
            edition=edition,
            version=version,
            title=title,
            scored=scored,
            sections=sections,
            bands=bands,
            file=self.file,
            source=source,
            languages=self.languages,
            maturity=maturity,
            based_on=based_on,
        )

    def read_languages(self, data: dict) -> tuple[str, ...]:
        value = self.get(data, "languages", "", "array") or []
        languages: list[str] = []
        for index, language in enumerate(value):
            path = _join("languages", index)
            if not isinstance(language, str) or not re.fullmatch(LANGUAGE_RE, language):
                self.problem(path, f"must be a language code like 'tr', got {language!r}")
            elif language in languages:
                self.problem(path, f"duplicate language {language!r}")
            else:
                languages.append(language)
        if "languages" in data:
            for language in REQUIRED_LANGUAGES:
                if language not in languages:
                    self.problem("languages", f"must include {language!r}")
        # Keep checking texts in English and Turkish even when the list itself is wrong.
        return tuple(dict.fromkeys([*REQUIRED_LANGUAGES, *languages]))

    def read_sections(self, data: dict, scored: bool) -> tuple[Section, ...]:
        sections, numbered = [], []
        for path, table in self.tables(data, "sections", ""):
            self.keys(table, path, ("number", "title", "clauses"))
            number = self.string(table, "number", path, SECTION_RE, "a section number like 4")
            self.unique("section", number, _join(path, "number"))
            numbered.append((_join(path, "number"), number))
            title = self.texts(table, "title", path)
            clauses, clause_numbers = [], []
            for clause_path, clause_table in self.tables(table, "clauses", path):
                clause = self.read_clause(clause_path, clause_table, number, scored)
                clauses.append(clause)
                clause_numbers.append((_join(clause_path, "number"), clause.number))
            self.in_order(clause_numbers, "clause")
            sections.append(Section(number, title, tuple(clauses)))
        self.in_order(numbered, "section")
        return tuple(sections)

    def read_clause(self, path: str, table: dict, section: str | None, scored: bool) -> Clause:
        self.keys(table, path, ("number", "title", "questions"))
        number = self.string(table, "number", path, CLAUSE_RE, "a clause number like 4.1")
        if number and section and number.split(".")[0] != section:
            self.problem(_join(path, "number"), f"clause {number} is not in section {section}")
        self.unique("clause", number, _join(path, "number"))
        title = self.texts(table, "title", path)
        questions = tuple(
            self.read_question(question_path, question_table, number, scored)
            for question_path, question_table in self.tables(table, "questions", path)
        )
        return Clause(number, title, questions)

    def read_question(self, path: str, table: dict, clause: str | None, scored: bool) -> Question:
        required = ("id", "text", "guidance") + (("weight",) if scored else ())
        self.keys(table, path, required, ("weight", "max_points"))
        question_id = self.string(table, "id", path, QUESTION_ID_RE, "a question id like 4.1-a")
        if question_id and clause and question_id.rpartition("-")[0] != clause:
            self.problem(_join(path, "id"), f"{question_id!r} must start with its clause {clause}-")
        self.unique("id", question_id, _join(path, "id"))
        weight = self.get(table, "weight", path, "number")
        if weight is not None and not (math.isfinite(weight) and weight > 0):
            self.problem(_join(path, "weight"), f"must be greater than 0, got {weight}")
        max_points = self.get(table, "max_points", path, "integer")
        if max_points is not None and not scored:
            self.problem(_join(path, "max_points"), "only a scored checklist gives points")
        elif max_points is not None and not 1 <= max_points <= MAX_POINTS:
            message = f"must be between 1 and {MAX_POINTS} (points run 0 to {MAX_POINTS})"
            self.problem(_join(path, "max_points"), f"{message}, got {max_points}")
        return Question(
            id=question_id,
            clause=clause,
            text=self.texts(table, "text", path),
            guidance=self.texts(table, "guidance", path),
            weight=float(weight) if weight is not None else 1.0,
            max_points=(max_points or MAX_POINTS) if scored else None,
        )

    def read_maturity(self, data: dict, scored: bool) -> tuple[MaturityLevel, ...]:
        if not scored:
            if "maturity" in data:
                self.problem("maturity", "only a scored checklist has a maturity scale")
            return ()
        if "maturity" not in data:
            self.problem(
                "maturity", f"missing: a scored checklist describes points 0 to {MAX_POINTS}"
            )
            return ()
        levels = []
        entries = self.tables(data, "maturity", "")
        for index, (path, table) in enumerate(entries):
            self.keys(table, path, ("points", "label", "description"))
            points = self.get(table, "points", path, "integer")
            if points is not None and not 0 <= points <= MAX_POINTS:
                self.problem(_join(path, "points"), f"must be 0 to {MAX_POINTS}, got {points}")
            elif points is not None and points != index:
                self.problem(_join(path, "points"), f"must be {index}: list the levels in order")
            levels.append(
                MaturityLevel(
                    points, self.texts(table, "label", path), self.texts(table, "description", path)
                )
            )
        if entries and len(entries) != MAX_POINTS + 1:
            self.problem("maturity", f"must list {MAX_POINTS + 1} levels, 0 to {MAX_POINTS}")
        return tuple(levels)

    def read_bands(self, data: dict, scored: bool) -> tuple[Band, ...]:
        if not scored:
            if "bands" in data:
                self.problem("bands", "only a scored checklist has rating bands")
            return ()
        if "bands" not in data:
            self.problem("bands", "missing: a scored checklist defines its rating bands")
            return ()
        bands, previous = [], None
        for index, (path, table) in enumerate(self.tables(data, "bands", "")):
            self.keys(table, path, ("min_percent", "label"))
            minimum = self.get(table, "min_percent", path, "number")
            where = _join(path, "min_percent")
            if minimum is None:
                pass
            elif not (math.isfinite(minimum) and 0 <= minimum <= 100):
                self.problem(where, f"must be between 0 and 100, got {minimum}")
            elif index == 0 and minimum != 0:
                self.problem(where, f"must be 0 so that every score has a band, got {minimum:g}")
            elif previous is not None and minimum <= previous:
                self.problem(
                    where, f"must be above the band before ({previous:g}), got {minimum:g}"
                )
            else:
                previous = minimum
            bands.append(Band(float(minimum or 0), self.texts(table, "label", path)))
        return tuple(bands)

    def read_based_on(self, data: dict) -> tuple[str, str] | None:
        value = self.get(data, "based_on", "", "table")
        if value is None:
            return None
        self.keys(value, "based_on", ("scheme", "edition"))
        scheme = self.string(value, "scheme", "based_on", SCHEME_RE, "a scheme id like iso10002")
        edition = self.string(value, "edition", "based_on", EDITION_RE, "an edition year like 2018")
        return (scheme, edition) if scheme and edition else None


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))
