"""Reading an uploaded checklist workbook and merging it into the audit's answers.

The whole file is checked first and refused with every problem named by its row; then only the
rows edited offline are saved, and an answer changed on the server since the download is reported
as a conflict, never overwritten. Cells are read as they are stored and never evaluated: a
formula's text is plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from openpyxl.worksheet.formula import ArrayFormula

from certification.activity.notes import log_note
from certification.activity.services import lock, record
from certification.audits.models import GRADE_LABELS, Grade
from certification.audits.services import (
    MAX_EVIDENCE,
    AuditWorkError,
    StaleAnswer,
    check_can_edit,
    save_answer,
)
from certification.audits.workbook import (
    ABOUT_SHEET,
    AUDIT,
    BASE,
    CHECKLIST_SHEET,
    DEFAULT_MAX_BYTES,
    EVIDENCE,
    FORMAT,
    GRADE,
    POINTS,
    QUESTION,
    VERSION,
    Conflict,
    MergeResult,
    Row,
    Values,
    WorkbookRefused,
    ids_checksum,
    max_points,
    normalise_text,
    plan_merge,
    shorten,
)
from certification.audits.workbook_archive import opened_workbook
from certification.extensions import db

EXTRA_ROWS = 200


@dataclass
class ParsedWorkbook:
    audit_id: int
    rows: list[Row] = field(default_factory=list)


def grade_aliases(languages: Iterable[str]) -> dict[str, Grade]:
    """Every way a grade may be written back: its code, and its label in every language."""
    aliases: dict[str, Grade] = {}
    for grade in Grade:
        aliases[_key(grade.value)] = grade
        aliases[_key(grade.value.replace("_", " "))] = grade
        for language in languages:
            with force_locale(language):
                aliases.setdefault(_key(str(GRADE_LABELS[grade])), grade)
    return aliases


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def cell_text(value) -> str:
    """A cell as plain text: a formula's text stays text, numbers lose a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, ArrayFormula):
        value = value.text or ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return normalise_text(str(value))


def parse_workbook(
    data: bytes,
    audit,
    checklist,
    *,
    limit: int | None = None,
    languages: Iterable[str] | None = None,
) -> ParsedWorkbook:
    """Read and check the whole file; raise WorkbookRefused listing every problem."""
    limit = limit or int(current_app.config.get("WORKBOOK_MAX_BYTES", DEFAULT_MAX_BYTES))
    languages = list(languages or current_app.config.get("LANGUAGES", ("en",)))
    with opened_workbook(data, limit) as workbook:
        about = _read_about(workbook, audit)
        if CHECKLIST_SHEET not in workbook.sheetnames:
            raise WorkbookRefused(
                [_("The workbook has no sheet “%(name)s”.", name=CHECKLIST_SHEET)]
            )
        raw = _filled_rows(workbook[CHECKLIST_SHEET], len(checklist.questions()) + EXTRA_ROWS)
    reader = _RowReader(audit, checklist, grade_aliases(languages))
    rows = reader.read(raw)
    reader.check_complete(rows, about.get("checksum", ""))
    if reader.problems:
        raise WorkbookRefused(reader.problems)
    return ParsedWorkbook(audit.id, rows)


def _filled_rows(sheet, most: int) -> list[tuple[int, tuple]]:
    """(row number, cells) of the rows with any content; a few more than questions at most."""
    filled = []
    cells = sheet.iter_rows(min_row=2, max_col=EVIDENCE, values_only=True)
    for number, row in enumerate(cells, start=2):
        if any(cell_text(cell) for cell in row):
            filled.append((number, tuple(row) + (None,) * (EVIDENCE - len(row))))
        if len(filled) > most:
            raise WorkbookRefused(
                [
                    _(
                        "The sheet “%(name)s” has far more rows than the checklist has "
                        "questions; rows cannot be added.",
                        name=CHECKLIST_SHEET,
                    )
                ]
            )
    return filled


def _read_about(workbook, audit) -> dict[str, str]:
    if ABOUT_SHEET not in workbook.sheetnames:
        raise WorkbookRefused([_("The workbook has no sheet “%(name)s”.", name=ABOUT_SHEET)])
    about: dict[str, str] = {}
    for row in workbook[ABOUT_SHEET].iter_rows(min_row=1, max_row=40, max_col=3, values_only=True):
        key, value = cell_text(row[0] if row else None), cell_text(row[2] if len(row) > 2 else None)
        if key and key != "grade":
            about.setdefault(key, value)
    if about.get("format") != FORMAT or not about.get("audit"):
        raise WorkbookRefused([_("This is not a checklist workbook downloaded from this site.")])
    if about["audit"] != str(audit.id):
        raise WorkbookRefused(
            [
                _(
                    "This workbook belongs to another audit (number %(other)s), not to this one "
                    "(number %(this)s).",
                    other=about["audit"],
                    this=audit.id,
                )
            ]
        )
    return about


class _RowReader:
    """Reads the Checklist rows, collecting every problem instead of stopping at the first."""

    def __init__(self, audit, checklist, aliases: dict[str, Grade]):
        self.audit_id = str(audit.id)
        self.questions = {question.id: question for question in checklist.questions()}
        self.order = list(self.questions)
        self.scored = bool(checklist.scored)
        self.aliases = aliases
        self.choices = ", ".join(str(GRADE_LABELS[grade]) for grade in Grade)
        self.problems: list[str] = []
        self.seen: dict[str, int] = {}

    def read(self, raw) -> list[Row]:
        rows = []
        for number, cells in raw:
            row = self._row(number, cells)
            if row is not None:
                rows.append(row)
        return rows

    def _row(self, number: int, cells) -> Row | None:
        question_id = cell_text(cells[QUESTION - 1])
        where = {"row": number, "question": question_id}
        problem = self._identity_problem(number, question_id, cell_text(cells[AUDIT - 1]))
        if problem:
            self.problems.append(problem)
            return None
        self.seen[question_id] = number
        version = _whole_number(cells[VERSION - 1])
        if version is None or version < 0:
            self.problems.append(
                _(
                    "Row %(row)s (question %(question)s): the hidden version column was edited.",
                    **where,
                )
            )
            return None
        values = self._values(where, self.questions[question_id], cells)
        if values is None:
            return None
        return Row(number, question_id, version, cell_text(cells[BASE - 1]), values)

    def _identity_problem(self, number: int, question_id: str, audit_id: str) -> str | None:
        where = {"row": number, "question": question_id}
        if not question_id:
            return _(
                "Row %(row)s has no question id; rows cannot be added to the checklist.", row=number
            )
        if audit_id != self.audit_id:
            return _("Row %(row)s (question %(question)s) belongs to another audit.", **where)
        if question_id not in self.questions:
            return _(
                "Row %(row)s: question id “%(question)s” is not in this audit's checklist; "
                "the ids must not be edited.",
                **where,
            )
        if question_id in self.seen:
            return _(
                "Row %(row)s (question %(question)s): the question appears twice "
                "(first in row %(first)s).",
                first=self.seen[question_id],
                **where,
            )
        return None

    def _values(self, where: dict, question, cells) -> Values | None:
        before = len(self.problems)
        grade_text = cell_text(cells[GRADE - 1])
        grade = self.aliases.get(_key(grade_text)) if grade_text else None
        if grade_text and grade is None:
            self.problems.append(
                _(
                    "Row %(row)s (question %(question)s): grade “%(grade)s” is not one of "
                    "%(choices)s.",
                    grade=shorten(grade_text, 40),
                    choices=self.choices,
                    **where,
                )
            )
        points = self._points(where, question, cells[POINTS - 1])
        if grade == Grade.NOT_APPLICABLE and points is not None:
            self.problems.append(
                _(
                    "Row %(row)s (question %(question)s): a question that is not applicable "
                    "gets no points.",
                    **where,
                )
            )
        evidence = cell_text(cells[EVIDENCE - 1])
        if len(evidence) > MAX_EVIDENCE:
            self.problems.append(
                ngettext(
                    "Row %(row)s (question %(question)s): the evidence is longer than "
                    "%(num)d character.",
                    "Row %(row)s (question %(question)s): the evidence is longer than "
                    "%(num)d characters.",
                    MAX_EVIDENCE,
                    **where,
                )
            )
        if len(self.problems) > before:
            return None
        return Values(grade.value if grade else None, points, evidence)

    def _points(self, where: dict, question, value) -> int | None:
        if cell_text(value) == "":
            return None
        if not self.scored:
            self.problems.append(
                _(
                    "Row %(row)s (question %(question)s): points are given, but this checklist "
                    "is not scored.",
                    **where,
                )
            )
            return None
        points, top = _whole_number(value), max_points(question)
        if points is None or not 0 <= points <= top:
            self.problems.append(
                _(
                    "Row %(row)s (question %(question)s): points “%(points)s” must be a whole "
                    "number from 0 to %(top)s.",
                    points=shorten(cell_text(value), 20),
                    top=top,
                    **where,
                )
            )
        return points

    def check_complete(self, rows: list[Row], checksum: str) -> None:
        """Every question once, in the downloaded order, with the checksum it was made with."""
        for question_id in self.order:
            if question_id not in self.seen:
                self.problems.append(
                    _(
                        "Question %(question)s is missing from the workbook; rows must not be "
                        "deleted.",
                        question=question_id,
                    )
                )
        if self.problems:
            return
        for row, expected in zip(rows, self.order, strict=True):
            if row.question_id != expected:
                self.problems.append(
                    _(
                        "Row %(row)s (question %(question)s): the rows were moved or their ids "
                        "edited; question %(expected)s belongs here.",
                        row=row.number,
                        question=row.question_id,
                        expected=expected,
                    )
                )
        if not self.problems and checksum != ids_checksum(int(self.audit_id), self.order):
            self.problems.append(
                _(
                    "The workbook's checksum does not match this audit's checklist: its ids were "
                    "edited, or it was made for another version of the checklist."
                )
            )


def _whole_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = cell_text(value)
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else None


# -- merging --------------------------------------------------------------------------------------


def merge_workbook(
    actor, audit, parsed: ParsedWorkbook, answers: Mapping[str, object], *, today
) -> MergeResult:
    """Save the rows that changed offline; report conflicts. The caller commits once."""
    lock(audit)  # a report submitted meanwhile goes first: then the whole file is refused
    try:
        check_can_edit(actor, audit)
    except AuditWorkError as error:
        raise WorkbookRefused([error.message]) from None
    to_save, unchanged, conflicts = plan_merge(parsed.rows, answers)
    result = MergeResult(unchanged=unchanged, conflicts=conflicts)
    # Logged (and flushed) first: the write opens the transaction, so that a savepoint inside
    # save_answer cannot commit on its own under SQLite's driver; a failure undoes the whole file.
    entry = record(actor, audit, "workbook_uploaded")
    db.session.flush()
    for row in to_save:
        if _save_row(actor, audit, row, today):
            result.saved.append(row.question_id)
        else:
            result.conflicts.append(Conflict.between(row, answers.get(row.question_id)))
    result.conflicts.sort(key=lambda conflict: conflict.row)
    entry.params = log_note(
        "workbook_merged",
        saved=len(result.saved),
        unchanged=result.unchanged,
        conflicts=len(result.conflicts),
    )
    return result


def _save_row(actor, audit, row: Row, today) -> bool:
    """True if saved, False if someone saved the question in between (a conflict)."""
    try:
        save_answer(
            actor,
            audit,
            row.question_id,
            grade=row.values.grade,
            points=row.values.points,
            evidence=row.values.evidence,
            expected_version=row.version,
            today=today,
            audit_held=True,
        )
    except StaleAnswer:
        return False
    except AuditWorkError as error:  # the caller rolls back: nothing of the file is kept
        raise WorkbookRefused(
            [
                _(
                    "Row %(row)s (question %(question)s): %(problem)s",
                    row=row.number,
                    question=row.question_id,
                    problem=error.message,
                )
            ]
        ) from None
    return True
