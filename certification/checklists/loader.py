"""Checklist files (checklists/*.toml): load them into frozen objects, validating the whole file.

Pure: no Flask, no database. A file is checked completely before it is used (validate.py walks
it), and every problem is reported with the file name and the key path
(`sections[2].clauses[0].questions[1].text.tr`), so that whoever edits a file sees all that is
wrong in one run of `flask checklists check`.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from certification.checklists.model import (
    CLAUSE_RE,
    EDITION_RE,
    ENGLISH,
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
    ChecklistError,
    Clause,
    MaturityLevel,
    Question,
    Section,
    question_text,
    text,
)
from certification.checklists.validate import ChecklistReader

# The names other domains import from here (loader is the checklists' public face).
__all__ = [
    "CHECKLISTS_DIR",
    "CLAUSE_RE",
    "EDITION_RE",
    "ENGLISH",
    "LANGUAGE_RE",
    "MAX_POINTS",
    "QUESTION_ID_RE",
    "REQUIRED_LANGUAGES",
    "SCHEME_RE",
    "SECTION_RE",
    "TOP_OPTIONAL",
    "TOP_REQUIRED",
    "VERSION_RE",
    "Band",
    "Checklist",
    "ChecklistError",
    "Clause",
    "FileCheck",
    "MaturityLevel",
    "Question",
    "Section",
    "UnknownChecklistError",
    "check_files",
    "checklist_for",
    "clear_cache",
    "fingerprint",
    "load_all",
    "load_file",
    "parse",
    "question_text",
    "text",
]

CHECKLISTS_DIR = Path(__file__).resolve().parents[2] / "checklists"


class UnknownChecklistError(KeyError):
    """No checklist file for a scheme and edition."""

    def __str__(self) -> str:
        return str(self.args[0])


def fingerprint(checklist: Checklist) -> str:
    """sha256 of the file's bytes: tells which version of a file an audit used."""
    return hashlib.sha256(checklist.source.encode("utf-8")).hexdigest()


def parse(source: str, file: str = "<string>", stored: bool = False) -> Checklist:
    """A checklist from TOML text (a file's, or the copy an audit stored: `stored` accepts a
    copy made before the files stated their scoring rules, with the rule's own caps)."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise ChecklistError([f"{file}: invalid TOML: {error}"]) from None
    reader = ChecklistReader(file, stored=stored)
    checklist = reader.checklist(data, source)
    if reader.problems or checklist is None:
        raise ChecklistError(reader.problems)
    return checklist


def load_file(path: str | Path) -> Checklist:
    """One checklist file, validated completely; ChecklistError lists every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ChecklistError([f"{path.name}: cannot be read: {error.strerror or error}"]) from None
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ChecklistError([f"{path.name}: not UTF-8 text (byte {error.start})"]) from None
    return parse(source, path.name)


@dataclass
class FileCheck:
    """The outcome of checking one file: the checklist if it loaded, and its problems."""

    path: Path
    checklist: Checklist | None
    problems: list[str]

    @property
    def file(self) -> str:
        return self.path.name


def check_files(paths: Iterable[str | Path]) -> list[FileCheck]:
    """Check each file, then what only shows across files: duplicates and `based_on` clauses."""
    results = []
    for path in map(Path, paths):
        try:
            results.append(FileCheck(path, load_file(path), []))
        except ChecklistError as error:
            results.append(FileCheck(path, None, error.problems))
    _check_duplicates(results)
    for result in results:
        if result.checklist is not None and result.checklist.based_on is not None:
            result.problems.extend(_check_base(result, results))
    return results


def load_all(directory: str | Path = CHECKLISTS_DIR) -> dict[tuple[str, str], Checklist]:
    """Every *.toml in the directory by (scheme, edition); ChecklistError if any has a problem."""
    results = check_files(sorted(Path(directory).glob("*.toml")))
    problems = [problem for result in results for problem in result.problems]
    if problems:
        raise ChecklistError(problems)
    return {r.checklist.key: r.checklist for r in results if r.checklist is not None}


@cache
def _default_checklists() -> dict[tuple[str, str], Checklist]:
    return load_all(CHECKLISTS_DIR)


def checklist_for(scheme: str, edition: str) -> Checklist:
    """The checklist of a scheme and edition from checklists/ (loaded once per process)."""
    checklists = _default_checklists()
    try:
        return checklists[(scheme, edition)]
    except KeyError:
        known = ", ".join(f"{s}:{e}" for s, e in sorted(checklists)) or "none"
        raise UnknownChecklistError(
            f"no checklist file for scheme {scheme!r} edition {edition!r} in {CHECKLISTS_DIR} "
            f"(known: {known})"
        ) from None


def clear_cache() -> None:
    """Forget the loaded files (tests; a long-running process after the files changed)."""
    _default_checklists.cache_clear()


def _check_duplicates(results: list[FileCheck]) -> None:
    first: dict[tuple[str, str], str] = {}
    for result in results:
        if result.checklist is None:
            continue
        key = result.checklist.key
        if key in first:
            result.problems.append(
                f"{result.file}: scheme, edition: {key[0]}:{key[1]} is also defined in {first[key]}"
            )
        else:
            first[key] = result.file


def _check_base(result: FileCheck, results: list[FileCheck]) -> list[str]:
    """A scheme `based_on` another has exactly the clauses of that one (looked up alongside)."""
    checklist = result.checklist
    assert checklist is not None and checklist.based_on is not None
    base_key = checklist.based_on
    name = f"{base_key[0]}:{base_key[1]}"
    if base_key == checklist.key:
        return [f"{result.file}: based_on: a checklist cannot be based on itself"]
    base = _find_base(base_key, results, result.path.parent)
    if base is None:
        return [f"{result.file}: based_on: no valid checklist {name} in {result.path.parent}"]
    base_numbers = [clause.number for clause in base.clauses()]
    problems = []
    for si, section in enumerate(checklist.sections):
        for ci, clause in enumerate(section.clauses):
            if clause.number not in base_numbers:
                path = f"sections[{si}].clauses[{ci}].number"
                problems.append(f"{result.file}: {path}: clause {clause.number} is not in {name}")
    own = {clause.number for clause in checklist.clauses()}
    for number in base_numbers:
        if number not in own:
            problems.append(f"{result.file}: sections: clause {number} of {name} is missing")
    return problems


def _find_base(key: tuple[str, str], results: list[FileCheck], directory: Path) -> Checklist | None:
    for result in results:
        if result.checklist is not None and result.checklist.key == key:
            return result.checklist
    checked = {result.path.resolve() for result in results}
    for path in sorted(directory.glob("*.toml")):
        if path.resolve() in checked:
            continue
        try:
            candidate = load_file(path)
        except ChecklistError:
            continue
        if candidate.key == key:
            return candidate
    return None
