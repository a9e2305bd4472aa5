"""The audit's checklist as an Excel workbook for work offline: its layout, building it, and the
pure merge rule. Reading an upload back is in workbook_upload.py.

One sheet "Checklist" with a row per question (ids, version and the downloaded values' fingerprint
in locked, hidden columns) and one sheet "About" naming the audit, the checklist and a checksum of
the ids. Text is always written as text, never as a formula, even when it starts with "=".
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from certification.audits.models import GRADE_LABELS, Grade
from certification.checklists.loader import text
from certification.edge import strip_untyped
from certification.exports import NOT_IN_WORKBOOK
from certification.i18n import formatting

FORMAT = "1"
CHECKLIST_SHEET = "Checklist"
ABOUT_SHEET = "About"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# A zip that inflates far beyond its size is refused before openpyxl parses it.
MAX_INFLATION = 10
MAX_SHOWN_PROBLEMS = 25

# Checklist sheet columns, 1-based; the order is part of the format.
AUDIT, QUESTION, VERSION, BASE, CLAUSE, TEXT, GUIDANCE, GRADE, POINTS, EVIDENCE = range(1, 11)
HIDDEN = (AUDIT, VERSION, BASE)
WIDTHS = {QUESTION: 14, CLAUSE: 9, TEXT: 60, GUIDANCE: 45, GRADE: 28, POINTS: 9, EVIDENCE: 60}
# Spreadsheets run cells that start with these as formulas; user text is always stored as text.
FORMULA_STARTS = ("=", "+", "-", "@")


class WorkbookRefused(ValueError):
    """The file cannot be merged; every problem found is listed, and nothing was saved."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))

    @property
    def shown(self) -> list[str]:
        """The problems as shown to the user: the first ones, then how many more."""
        if len(self.problems) <= MAX_SHOWN_PROBLEMS:
            return self.problems
        rest = len(self.problems) - MAX_SHOWN_PROBLEMS
        return [
            *self.problems[:MAX_SHOWN_PROBLEMS],
            ngettext("… and %(num)d more problem.", "… and %(num)d more problems.", rest),
        ]


@dataclass(frozen=True)
class Values:
    """What an auditor records for one question, normalised so that equal means unchanged."""

    grade: str | None = None
    points: int | None = None
    evidence: str = ""

    @classmethod
    def of(cls, answer) -> Values:
        if answer is None:
            return cls()
        return cls(answer.grade or None, answer.points, normalise_text(answer.evidence))

    def fingerprint(self) -> str:
        points = "" if self.points is None else str(self.points)
        raw = "\x1f".join((self.grade or "", points, self.evidence))
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def describe(self) -> str:
        grade = GRADE_LABELS[Grade(self.grade)] if self.grade else _("no grade")
        parts = [str(grade)]
        if self.points is not None:
            parts.append(ngettext("%(num)d point", "%(num)d points", self.points))
        if self.evidence:
            parts.append(f"“{shorten(self.evidence)}”")
        return " · ".join(parts)


@dataclass(frozen=True)
class Row:
    """One question's row as read from an uploaded workbook."""

    number: int
    question_id: str
    version: int
    base: str  # fingerprint of the values at download: tells an edited row from an old one
    values: Values

    @property
    def edited(self) -> bool:
        return self.values.fingerprint() != self.base


def normalise_text(value: str | None) -> str:
    """Line ends as a form sends them, and (as the edge does with every form value) without the
    characters no person types: a workbook's XML can carry noncharacters such as U+FDD0."""
    return strip_untyped((value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def ids_checksum(audit_id: int, question_ids: Iterable[str]) -> str:
    """Ties the workbook to one audit and to its question ids, in order."""
    return hashlib.sha256(f"{audit_id}\n{'|'.join(question_ids)}".encode()).hexdigest()


def max_points(question) -> int:
    return int(getattr(question, "max_points", None) or 4)


# -- merging (pure) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """An answer changed on the server since the download and differently in the workbook."""

    row: int
    question_id: str
    server: Values
    workbook: Values
    changed_by: str = ""

    @classmethod
    def between(cls, row: Row, answer) -> Conflict:
        by = getattr(getattr(answer, "updated_by", None), "name", "") or ""
        return cls(row.number, row.question_id, Values.of(answer), row.values, by)


@dataclass
class MergeResult:
    saved: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)


def plan_merge(rows: list[Row], answers: Mapping[str, object]):
    """Split rows into (to save, unchanged count, conflicts); pure.

    A row the auditor did not touch is left alone even when the server moved on since, so that
    one auditor's offline copy never undoes another's online work.
    """
    to_save, unchanged, conflicts = [], 0, []
    for row in rows:
        answer = answers.get(row.question_id)
        server = Values.of(answer)
        server_version = answer.version if answer is not None else 0
        if row.values == server or not row.edited:
            unchanged += 1
        elif server_version != row.version:
            conflicts.append(Conflict.between(row, answer))
        else:
            to_save.append(row)
    return to_save, unchanged, conflicts


# -- building -------------------------------------------------------------------------------------


def build_workbook(
    audit, checklist, answers: Mapping[str, object], *, locale: str, author: str, now: datetime
) -> bytes:
    """The checklist of `audit` with its current `answers` (question id -> Answer) filled in."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = CHECKLIST_SHEET
    about = workbook.create_sheet(ABOUT_SHEET)
    questions = list(checklist.questions())
    grades_range = _write_about(about, audit, checklist, questions, locale, author, now)
    _write_header(sheet, checklist.scored)
    for number, question in enumerate(questions, start=2):
        _write_question(sheet, number, audit.id, question, answers.get(question.id), locale)
    _add_validations(sheet, questions, grades_range, checklist.scored)
    _lock(sheet, checklist.scored)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def put_text(cell, value: str) -> None:
    """Store `value` as text even when it looks like a formula (=, +, -, @), without the
    characters a workbook cannot hold (exports.NOT_IN_WORKBOOK)."""
    value = NOT_IN_WORKBOOK.sub("", value)
    cell.value = value
    if value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _write_header(sheet, scored: bool) -> None:
    headers = {
        AUDIT: _("Audit"),
        QUESTION: _("Question"),
        VERSION: _("Version"),
        BASE: _("Downloaded values"),
        CLAUSE: _("Clause"),
        TEXT: _("Question text"),
        GUIDANCE: _("Evidence to look for"),
        GRADE: _("Grade"),
        POINTS: _("Points (0–4)") if scored else _("Points (not scored)"),
        EVIDENCE: _("Evidence notes"),
    }
    for column, label in headers.items():
        cell = sheet.cell(row=1, column=column)
        put_text(cell, label)
        cell.font = Font(bold=True)
    for column, width in WIDTHS.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=2, column=TEXT)


def _write_question(sheet, row: int, audit_id: int, question, answer, locale: str) -> None:
    values = Values.of(answer)
    sheet.cell(row=row, column=AUDIT, value=audit_id)
    put_text(sheet.cell(row=row, column=QUESTION), question.id)
    sheet.cell(row=row, column=VERSION, value=answer.version if answer is not None else 0)
    put_text(sheet.cell(row=row, column=BASE), values.fingerprint())
    put_text(sheet.cell(row=row, column=CLAUSE), question.clause)
    put_text(sheet.cell(row=row, column=TEXT), text(question.text, locale))
    put_text(sheet.cell(row=row, column=GUIDANCE), text(question.guidance or {}, locale))
    if values.grade:
        put_text(sheet.cell(row=row, column=GRADE), str(GRADE_LABELS[Grade(values.grade)]))
    if values.points is not None:
        sheet.cell(row=row, column=POINTS, value=values.points)
    if values.evidence:
        put_text(sheet.cell(row=row, column=EVIDENCE), values.evidence)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column in (TEXT, GUIDANCE, EVIDENCE):
        sheet.cell(row=row, column=column).alignment = wrap


def _write_about(
    about, audit, checklist, questions, locale: str, author: str, now: datetime
) -> str:
    """Key (hidden column A), label, value; then the grade legend the drop-down lists."""
    rows = [
        ("format", _("Workbook format"), FORMAT),
        ("audit", _("Audit"), str(audit.id)),
        ("organisation", _("Organisation"), audit.organisation.display_name),
        ("kind", _("Audit type"), str(audit.kind_enum.label)),
        ("dates", _("Dates"), _dates(audit)),
        ("scheme", _("Checklist"), text(checklist.title, locale)),
        ("file", _("Checklist file"), str(checklist.file)),
        ("version", _("Checklist version"), str(checklist.version)),
        ("downloaded", _("Downloaded"), f"{formatting.day(now)} {formatting.clock(now)}"),
        ("author", _("Downloaded by"), author),
        ("checksum", _("Checksum of the question ids"), ids_checksum(audit.id, _ids(questions))),
    ]
    put_text(about.cell(row=1, column=2), _("Offline checklist"))
    about.cell(row=1, column=2).font = Font(bold=True, size=14)
    for number, (key, label, value) in enumerate(rows, start=2):
        put_text(about.cell(row=number, column=1), key)
        put_text(about.cell(row=number, column=2), str(label))
        put_text(about.cell(row=number, column=3), value)
    start = len(rows) + 4
    put_text(about.cell(row=start - 1, column=2), _("Grades to choose from"))
    about.cell(row=start - 1, column=2).font = Font(bold=True)
    for number, grade in enumerate(Grade, start=start):
        put_text(about.cell(row=number, column=1), "grade")
        put_text(about.cell(row=number, column=2), grade.value)
        put_text(about.cell(row=number, column=3), str(GRADE_LABELS[grade]))
    about.column_dimensions["A"].hidden = True
    about.column_dimensions["B"].width = 30
    about.column_dimensions["C"].width = 70
    about.protection.sheet = True
    return f"{ABOUT_SHEET}!$C${start}:$C${start + len(Grade) - 1}"


def _dates(audit) -> str:
    if audit.start_date is None:
        return ""
    end = audit.end_date or audit.start_date
    return f"{audit.start_date.isoformat()} – {end.isoformat()}"


def _ids(questions) -> list[str]:
    return [question.id for question in questions]


def _add_validations(sheet, questions, grades_range: str, scored: bool) -> None:
    last = len(questions) + 1
    if last < 2:
        return
    grades = DataValidation(
        type="list",
        formula1=grades_range,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Grade"),
        error=_("Choose a grade from the list."),
    )
    sheet.add_data_validation(grades)
    grades.add(f"{get_column_letter(GRADE)}2:{get_column_letter(GRADE)}{last}")
    if scored:
        points = DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2="4",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Points"),
            error=_("Points are 0 to 4."),
        )
        sheet.add_data_validation(points)
        points.add(f"{get_column_letter(POINTS)}2:{get_column_letter(POINTS)}{last}")


def _lock(sheet, scored: bool) -> None:
    """Only grade, points (scored schemes) and evidence can be typed in; the rest is locked."""
    editable = [GRADE, EVIDENCE] + ([POINTS] if scored else [])
    fill = PatternFill("solid", fgColor="FFF8E1")
    for row in sheet.iter_rows(min_row=2, min_col=1, max_col=EVIDENCE):
        for cell in row:
            if cell.column in editable:
                cell.protection = Protection(locked=False)
                cell.fill = fill
    for column in HIDDEN:
        sheet.column_dimensions[get_column_letter(column)].hidden = True
    if not scored:
        sheet.column_dimensions[get_column_letter(POINTS)].hidden = True
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widen columns to read long texts
    sheet.protection.formatRows = False
