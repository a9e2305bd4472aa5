"""Checklist files (checklists/*.toml): load them into frozen objects, validating the whole file.

Pure: no Flask, no database. A file is checked completely before it is used (validate.py walks
it), and every problem is reported with the file name and the key path
(`sections[2].clauses[0].questions[1].text.tr`), so that whoever edits a file sees all that is
wrong in one run of `flask checklists check`.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

CHECKLISTS_DIR = Path(__file__).resolve().parents[2] / "checklists"

ENGLISH = "en"
# The product ships English and Turkish: every text of every file has both.
REQUIRED_LANGUAGES = ("en", "tr")
# Maturity points of scored schemes run from 0 to MAX_POINTS.
MAX_POINTS = 4

SCHEME_RE = r"[a-z][a-z0-9]*(-[a-z0-9]+)*"
EDITION_RE = r"[0-9]{4}"
VERSION_RE = r"[0-9]{4}\.[0-9]+"
LANGUAGE_RE = r"[a-z]{2,3}"
SECTION_RE = r"[1-9][0-9]*"
CLAUSE_RE = r"[1-9][0-9]*(\.[1-9][0-9]*)+"
QUESTION_ID_RE = r"[1-9][0-9]*(\.[1-9][0-9]*)+-[a-z0-9]+"

TOP_REQUIRED = ("scheme", "edition", "version", "title", "scored", "languages", "sections")
TOP_OPTIONAL = ("based_on", "maturity", "bands")


class ChecklistError(ValueError):
    """A checklist file that cannot be used; `.problems` lists every problem, one line each."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class UnknownChecklistError(KeyError):
    """No checklist file for a scheme and edition."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Question:
    """One audit question; `max_points` is set only in scored schemes."""

    id: str
    clause: str
    text: dict[str, str]
    guidance: dict[str, str]
    weight: float = 1.0
    max_points: int | None = None


@dataclass(frozen=True)
class Clause:
    number: str
    title: dict[str, str]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Section:
    number: str
    title: dict[str, str]
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class Band:
    """A rating band: overall percentages from `min_percent` up to the next band's minimum."""

    min_percent: float
    label: dict[str, str]


@dataclass(frozen=True)
class MaturityLevel:
    """What `points` mean on the shared maturity scale of a scored scheme."""

    points: int
    label: dict[str, str]
    description: dict[str, str]


@dataclass(frozen=True)
class Checklist:
    """One scheme and edition; `source` is the file's text, so an audit can keep what was asked."""

    scheme: str
    edition: str
    version: str
    title: dict[str, str]
    scored: bool
    sections: tuple[Section, ...]
    bands: tuple[Band, ...]
    file: str
    source: str = field(default="", repr=False, compare=False)
    languages: tuple[str, ...] = REQUIRED_LANGUAGES
    maturity: tuple[MaturityLevel, ...] = ()
    based_on: tuple[str, str] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.scheme, self.edition)

    def clauses(self) -> tuple[Clause, ...]:
        return tuple(clause for section in self.sections for clause in section.clauses)

    def questions(self) -> tuple[Question, ...]:
        """Every question, in the order of the file."""
        return tuple(q for clause in self.clauses() for q in clause.questions)

    @cached_property
    def _questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions()}

    @cached_property
    def _clauses_by_number(self) -> dict[str, Clause]:
        return {clause.number: clause for clause in self.clauses()}

    def question(self, question_id: str) -> Question:
        try:
            return self._questions_by_id[question_id]
        except KeyError:
            raise KeyError(f"{self.file}: no question {question_id!r}") from None

    def clause(self, number: str) -> Clause:
        try:
            return self._clauses_by_number[number]
        except KeyError:
            raise KeyError(f"{self.file}: no clause {number!r}") from None

    def band_for(self, percent: float) -> Band | None:
        """The highest band whose minimum the percentage reaches; None for unscored schemes."""
        reached = [band for band in self.bands if percent >= band.min_percent]
        return reached[-1] if reached else None


def text(texts: Mapping[str, str] | None, locale: object = None) -> str:
    """The text in `locale` ("tr", "tr_TR"), else in English, else any; "" when there is none."""
    if not texts:
        return ""
    wanted = str(locale) if locale else ""
    for key in (wanted, re.split(r"[_-]", wanted)[0], ENGLISH):
        if key and texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


def fingerprint(checklist: Checklist) -> str:
    """sha256 of the file's bytes: tells which version of a file an audit used."""
    return hashlib.sha256(checklist.source.encode("utf-8")).hexdigest()


def parse(source: str, file: str = "<string>") -> Checklist:
    """A checklist from TOML text (a file's, or the copy an audit stored)."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise ChecklistError([f"{file}: invalid TOML: {error}"]) from None
    # Imported here: validate builds this module's classes, so it imports this module.
    from certification.checklists.validate import ChecklistReader

    reader = ChecklistReader(file)
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
