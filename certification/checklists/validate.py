"""Validation of one parsed checklist file: every problem with its key path, and the objects.

Pure: no Flask, no database. The reader goes on after a problem, so that whoever edits a file
sees all that is wrong at once; loader.parse turns the problems into one ChecklistError.
"""

from __future__ import annotations

import math
import re
from typing import Any

from certification.checklists.model import (
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
    Checklist,
    Clause,
    Question,
    Section,
)
from certification.checklists.validate_scored import KINDS, ScoredChecks, join_path, toml_type


class ChecklistReader(ScoredChecks):
    """Walks one parsed file, collecting every problem and building the objects on the way."""

    def __init__(self, file: str, stored: bool = False) -> None:
        self.file = file
        # A copy kept by an audit started before files stated their scoring rules.
        self.stored = stored
        self.problems: list[str] = []
        self.languages: tuple[str, ...] = REQUIRED_LANGUAGES
        self.seen: dict[tuple[str, str], str] = {}

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{self.file}: {path}: {message}")

    # -- generic checks --------------------------------------------------------------------

    def keys(self, table: dict, path: str, required: tuple, optional: tuple = ()) -> None:
        for key in required:
            if key not in table:
                self.problem(join_path(path, key), "missing")
        expected = ", ".join(required + optional)
        for key in table:
            if key not in required and key not in optional:
                self.problem(join_path(path, key), f"unknown key (expected: {expected})")

    def get(self, table: dict, key: str, path: str, kind: str) -> Any:
        """The value if present and of the right kind, else None (absence is reported by keys)."""
        if key not in table:
            return None
        value = table[key]
        description, is_kind = KINDS[kind]
        if not is_kind(value):
            self.problem(join_path(path, key), f"must be {description}, got {toml_type(value)}")
            return None
        return value

    def string(self, table: dict, key: str, path: str, pattern: str, example: str) -> str | None:
        value = self.get(table, key, path, "string")
        if value is None:
            return None
        if not value.strip():
            self.problem(join_path(path, key), "empty")
        elif not re.fullmatch(pattern, value):
            self.problem(join_path(path, key), f"{value!r} is not {example}")
        else:
            return value
        return None

    def texts(self, table: dict, key: str, path: str) -> dict[str, str] | None:
        """A text in every declared language, none empty."""
        value = self.get(table, key, path, "table")
        if value is None:
            return None
        here, ok = join_path(path, key), True
        for language in self.languages:
            if language not in value:
                self.problem(join_path(here, language), "missing")
                ok = False
        for language, item in value.items():
            if language not in self.languages:
                declared = ", ".join(self.languages)
                self.problem(join_path(here, language), f"language not in languages ({declared})")
            elif not isinstance(item, str):
                self.problem(join_path(here, language), f"must be a string, got {toml_type(item)}")
            elif not item.strip():
                self.problem(join_path(here, language), "empty")
            else:
                continue
            ok = False
        return {lang: item.strip() for lang, item in value.items()} if ok else None

    def tables(self, table: dict, key: str, path: str) -> list[tuple[str, dict]]:
        """(path, table) of each entry of an array of tables that must not be empty."""
        value = self.get(table, key, path, "array")
        if value is None:
            return []
        here = join_path(path, key)
        if not value:
            self.problem(here, "empty: at least one entry is needed")
        entries = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                entries.append((join_path(here, index), item))
            else:
                self.problem(join_path(here, index), f"must be a table, got {toml_type(item)}")
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
        caps, min_answered = self.read_scoring(data, bool(scored), sections)
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
            grade_caps=caps,
            min_answered_percent=min_answered,
        )

    def read_languages(self, data: dict) -> tuple[str, ...]:
        value = self.get(data, "languages", "", "array") or []
        languages: list[str] = []
        for index, language in enumerate(value):
            path = join_path("languages", index)
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
            self.unique("section", number, join_path(path, "number"))
            numbered.append((join_path(path, "number"), number))
            title = self.texts(table, "title", path)
            clauses, clause_numbers = [], []
            for clause_path, clause_table in self.tables(table, "clauses", path):
                clause = self.read_clause(clause_path, clause_table, number, scored)
                clauses.append(clause)
                clause_numbers.append((join_path(clause_path, "number"), clause.number))
            self.in_order(clause_numbers, "clause")
            sections.append(Section(number, title, tuple(clauses)))
        self.in_order(numbered, "section")
        return tuple(sections)

    def read_clause(self, path: str, table: dict, section: str | None, scored: bool) -> Clause:
        self.keys(table, path, ("number", "title", "questions"))
        number = self.string(table, "number", path, CLAUSE_RE, "a clause number like 4.1")
        if number and section and number.split(".")[0] != section:
            self.problem(join_path(path, "number"), f"clause {number} is not in section {section}")
        self.unique("clause", number, join_path(path, "number"))
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
            self.problem(
                join_path(path, "id"), f"{question_id!r} must start with its clause {clause}-"
            )
        self.unique("id", question_id, join_path(path, "id"))
        weight = self.get(table, "weight", path, "number")
        if weight is not None and not (math.isfinite(weight) and weight > 0):
            self.problem(join_path(path, "weight"), f"must be greater than 0, got {weight}")
        max_points = self.get(table, "max_points", path, "integer")
        if max_points is not None and not scored:
            self.problem(join_path(path, "max_points"), "only a scored checklist gives points")
        elif max_points is not None and not 1 <= max_points <= MAX_POINTS:
            message = f"must be between 1 and {MAX_POINTS} (points run 0 to {MAX_POINTS})"
            self.problem(join_path(path, "max_points"), f"{message}, got {max_points}")
        return Question(
            id=question_id,
            clause=clause,
            text=self.texts(table, "text", path),
            guidance=self.texts(table, "guidance", path),
            weight=float(weight) if weight is not None else 1.0,
            max_points=(max_points or MAX_POINTS) if scored else None,
        )

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
