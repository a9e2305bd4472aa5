"""The offline checklist workbook: built locked and validated, read back as text, merged safely."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from certification.accounts.models import Role
from certification.activity.models import ActivityLog
from certification.audits import services
from certification.audits.models import Answer, AuditChecklist
from certification.audits.workbook import (
    AUDIT,
    BASE,
    CHECKLIST_SHEET,
    EVIDENCE,
    GRADE,
    POINTS,
    QUESTION,
    VERSION,
    WorkbookRefused,
    build_workbook,
)
from certification.audits.workbook_upload import merge_workbook, parse_workbook
from certification.checklists import loader
from certification.extensions import db as database
from certification.findings.models import Finding
from certification.programme.models import AuditTeamMember
from tests import factories
from tests.strategies import typed_text

TODAY = date(2026, 11, 24)

HEAD = """\
scheme = "{scheme}"
edition = "2018"
version = "2026.1"
scored = {scored}
languages = ["en", "tr"]
title.en = "Small test checklist"
title.tr = "Küçük deneme listesi"
"""

SCALE = (
    "".join(
        f"""
[[maturity]]
points = {points}
label.en = "Level {points}"
label.tr = "Düzey {points}"
description.en = "Level {points}."
description.tr = "Düzey {points}."
"""
        for points in range(5)
    )
    + """
[scoring]
grade_caps = { conforming = 4, observation = 4, ofi = 4, minor = 2, major = 0 }
min_answered_percent = 50

[[bands]]
min_percent = 0
label.en = "No star"
label.tr = "Yıldız yok"
"""
)

QUESTIONS = (
    ("8.2-a", "Are complaints analysed?"),
    ("8.2-b", "Are causes found?"),
    ("8.3-a", "Is satisfaction measured?"),
)


def checklist_source(scored: bool = False) -> str:
    text = HEAD.format(
        scheme="test-scored" if scored else "test-plain", scored="true" if scored else "false"
    )
    if scored:
        text += SCALE
    text += """
[[sections]]
number = "8"
title.en = "Maintenance and improvement"
title.tr = "Sürdürme ve iyileştirme"
"""
    for clause in ("8.2", "8.3"):
        text += f"""
[[sections.clauses]]
number = "{clause}"
title.en = "Clause {clause}"
title.tr = "Madde {clause}"
"""
        for question_id, question in QUESTIONS:
            if question_id.startswith(clause + "-"):
                text += f"""
[[sections.clauses.questions]]
id = "{question_id}"
text.en = "{question}"
text.tr = "Soru {question_id}"
guidance.en = "Records of {question_id}."
guidance.tr = "{question_id} kayıtları."
""" + ("weight = 1.0\n" if scored else "")
    return text


def started_audit(scored: bool = False, team: int = 1):
    """An audit in progress with its checklist recorded and `team` auditors (the first leads)."""
    audit = factories.audit(kind="stage2", state="in_progress", start_date=TODAY, end_date=TODAY)
    people = []
    for index in range(team):
        person = factories.user(Role.AUDITOR)
        audit.team.append(
            AuditTeamMember(user_id=person.id, role="lead" if index == 0 else "auditor")
        )
        people.append(person)
    source = checklist_source(scored)
    checklist = loader.parse(source, "small.toml")
    database.session.add(
        AuditChecklist(
            audit_id=audit.id,
            scheme=checklist.scheme,
            edition=checklist.edition,
            version=checklist.version,
            file_name="small.toml",
            fingerprint=loader.fingerprint(checklist),
            source=source,
        )
    )
    database.session.flush()
    return audit, people


def download(audit, user, locale: str = "en") -> bytes:
    with force_locale(locale):
        return build_workbook(
            audit,
            services.checklist_of(audit),
            services.answers_of(audit),
            locale=locale,
            author=user.name,
            now=datetime(2026, 11, 24, 9, 0),
        )


def edit(data: bytes, change) -> bytes:
    """Open the workbook as a person's spreadsheet program would, change it, save it."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def set_cells(**cells):
    """set_cells(G2="Conforming", J3="text") -> a change for `edit` on the Checklist sheet."""

    def change(workbook):
        for coordinate, value in cells.items():
            workbook[CHECKLIST_SHEET][coordinate] = value

    return change


def answer(audit, user, question_id, grade=None, points=None, evidence=""):
    """Save an answer as the checklist page would, on top of the stored version."""
    found = services.answers_of(audit).get(question_id)
    return services.save_answer(
        user,
        audit,
        question_id,
        grade=grade,
        points=points,
        evidence=evidence,
        expected_version=found.version if found else 0,
        today=TODAY,
    )


def upload(audit, user, data: bytes, **kw):
    parsed = parse_workbook(data, audit, services.checklist_of(audit), **kw)
    return merge_workbook(user, audit, parsed, services.answers_of(audit), today=TODAY)


def count_answers(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Answer))


def col(column: int) -> str:
    return openpyxl.utils.get_column_letter(column)


def sheet_of(data: bytes, name: str = CHECKLIST_SHEET):
    return openpyxl.load_workbook(io.BytesIO(data))[name]


# -- building ---------------------------------------------------------------------------------


def test_one_row_per_question_with_current_answers_filled_in(db):
    audit, (lead,) = started_audit()
    answer(audit, lead, "8.2-b", grade="observation", evidence="Log kept on paper.")
    sheet = sheet_of(download(audit, lead))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[QUESTION - 1] for row in rows] == [q for q, _text in QUESTIONS]
    assert {row[AUDIT - 1] for row in rows} == {audit.id}
    second = rows[1]
    assert second[GRADE - 1] == "Observation"
    assert second[EVIDENCE - 1] == "Log kept on paper."
    assert second[VERSION - 1] == 1
    assert rows[0][VERSION - 1] == 0 and rows[0][GRADE - 1] is None
    assert rows[0][QUESTION - 1 + 4] == "Are complaints analysed?"  # the question text


def test_question_text_is_in_the_users_language(db):
    audit, (lead,) = started_audit()
    sheet = sheet_of(download(audit, lead, locale="tr"))
    assert "Soru 8.2-a" in [cell.value for cell in sheet[2]]


def test_ids_and_question_are_locked_and_only_answers_can_be_typed(db):
    audit, (lead,) = started_audit(scored=True)
    sheet = sheet_of(download(audit, lead))
    assert sheet.protection.sheet is True
    for column in (AUDIT, QUESTION, VERSION, BASE, GRADE - 3, GRADE - 2):
        assert sheet.cell(row=2, column=column).protection.locked is True
    for column in (GRADE, POINTS, EVIDENCE):
        assert sheet.cell(row=2, column=column).protection.locked is False
    for column in (AUDIT, VERSION, BASE):
        assert sheet.column_dimensions[col(column)].hidden
    assert sheet_of(download(audit, lead), "About").protection.sheet is True


def test_the_grade_column_has_a_drop_down_and_points_a_range(db):
    audit, (lead,) = started_audit(scored=True)
    data = download(audit, lead)
    sheet = sheet_of(data)
    validations = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    grades = validations["list"]
    assert f"{col(GRADE)}2" in grades and f"{col(GRADE)}4" in grades
    about, cells = sheet_of(data, "About"), grades.formula1.split("!")[1].replace("$", "")
    listed = [row[0].value for row in about[cells]]
    assert listed == [
        "Conforming",
        "Minor nonconformity",
        "Major nonconformity",
        "Observation",
        "Opportunity for improvement",
        "Not applicable",
    ]
    points = validations["whole"]
    assert (points.formula1, points.formula2) == ("0", "4")
    assert f"{col(POINTS)}3" in points


def test_an_unscored_checklist_offers_no_points(db):
    audit, (lead,) = started_audit(scored=False)
    sheet = sheet_of(download(audit, lead))
    assert [dv.type for dv in sheet.data_validations.dataValidation] == ["list"]
    assert sheet.column_dimensions[col(POINTS)].hidden
    assert sheet.cell(row=2, column=POINTS).protection.locked is True


def test_text_that_looks_like_a_formula_is_written_as_text(db):
    audit, (lead,) = started_audit()
    for question_id, evidence in (
        ("8.2-a", "=1+1"),
        ("8.2-b", "-5 complaints"),
        ("8.3-a", "@mention +90 212"),
    ):
        answer(audit, lead, question_id, grade="conforming", evidence=evidence)
    sheet = sheet_of(download(audit, lead))
    cells = [sheet.cell(row=row, column=EVIDENCE) for row in (2, 3, 4)]
    assert [cell.value for cell in cells] == ["=1+1", "-5 complaints", "@mention +90 212"]
    assert {cell.data_type for cell in cells} == {"s"}


def test_evidence_with_characters_a_workbook_cannot_hold_still_downloads(db):
    audit, (lead,) = started_audit()
    answer(audit, lead, "8.2-a", grade="conforming", evidence="Seen\ufffe on site\uffff\x07.")
    sheet = sheet_of(download(audit, lead))
    assert sheet.cell(row=2, column=EVIDENCE).value == "Seen on site."


# -- reading and merging ----------------------------------------------------------------------


def test_round_trip_saves_the_answers_filled_in_offline(db):
    audit, (lead,) = started_audit(scored=True)
    data = edit(
        download(audit, lead),
        set_cells(
            H2="Conforming",
            I2=3,
            J2="Procedure P-12 rev 4 seen.",
            H3="minor nonconformity",
            I3=1.0,
            J3="Two complaints had no root cause.",
            H4="not_applicable",
        ),
    )
    result = upload(audit, lead, data)
    assert sorted(result.saved) == ["8.2-a", "8.2-b", "8.3-a"]
    assert (result.unchanged, result.conflicts) == (0, [])
    answers = services.answers_of(audit)
    assert (answers["8.2-a"].grade, answers["8.2-a"].points) == ("conforming", 3)
    assert answers["8.2-a"].evidence == "Procedure P-12 rev 4 seen."
    assert (answers["8.2-b"].grade, answers["8.2-b"].points) == ("minor", 1)
    assert answers["8.3-a"].grade == "not_applicable"
    # A nonconformity graded offline is a finding like one graded on the page.
    assert db.session.scalar(select(Finding.question_id)) == "8.2-b"
    assert (
        db.session.scalar(select(ActivityLog).where(ActivityLog.action == "workbook_uploaded")).text
        == "Saved: 3, unchanged: 0, conflicts: 0."
    )


def test_uploading_the_same_workbook_twice_changes_nothing_the_second_time(db):
    audit, (lead,) = started_audit()
    data = edit(download(audit, lead), set_cells(H2="Conforming", J2="Seen."))
    assert upload(audit, lead, data).saved == ["8.2-a"]
    again = upload(audit, lead, data)
    assert (again.saved, again.unchanged, again.conflicts) == ([], 3, [])
    assert services.answers_of(audit)["8.2-a"].version == 1


def test_a_workbook_downloaded_in_turkish_reads_back_in_english(db):
    audit, (lead,) = started_audit()
    with force_locale("tr"):
        label = str(services.Grade.MAJOR.label)
    data = edit(download(audit, lead, locale="tr"), set_cells(H2=label, H3="  MAJOR  "))
    upload(audit, lead, data)
    answers = services.answers_of(audit)
    assert answers["8.2-a"].grade == answers["8.2-b"].grade == "major"


def test_a_formula_typed_in_a_cell_is_saved_as_its_text_and_never_exported_as_formula(db):
    audit, (lead,) = started_audit()
    typed = '=HYPERLINK("http://example.test/evidence","photo")'
    data = edit(download(audit, lead), set_cells(H2="Conforming", J2=typed))
    assert sheet_of(data)["J2"].data_type == "f"  # the spreadsheet stored it as a formula
    upload(audit, lead, data)
    assert services.answers_of(audit)["8.2-a"].evidence == typed
    cell = sheet_of(download(audit, lead))["J2"]
    assert (cell.value, cell.data_type) == (typed, "s")


def test_an_answer_changed_on_the_server_since_the_download_is_a_conflict(db):
    audit, (lead, colleague) = started_audit(team=2)
    answer(audit, lead, "8.2-a", grade="conforming", evidence="First look.")
    data = download(audit, lead)
    answer(audit, colleague, "8.2-a", grade="major", evidence="No records at all.")
    answer(audit, colleague, "8.2-b", grade="observation", evidence="Colleague's note.")
    offline = edit(data, set_cells(J2="Records seen for March.", H4="Conforming"))
    result = upload(audit, lead, offline)
    assert result.saved == ["8.3-a"]
    assert result.unchanged == 1  # 8.2-b: changed online, untouched offline: the server's stays
    (conflict,) = result.conflicts
    assert (conflict.row, conflict.question_id) == (2, "8.2-a")
    assert (conflict.server.grade, conflict.server.evidence) == ("major", "No records at all.")
    assert conflict.workbook.evidence == "Records seen for March."
    assert conflict.changed_by == colleague.name
    answers = services.answers_of(audit)
    assert (answers["8.2-a"].grade, answers["8.2-a"].version) == ("major", 2)
    assert answers["8.2-b"].evidence == "Colleague's note."


def test_the_same_change_made_offline_and_online_is_no_conflict(db):
    audit, (lead, colleague) = started_audit(team=2)
    data = download(audit, lead)
    answer(audit, colleague, "8.2-a", grade="conforming", evidence="Seen.")
    result = upload(audit, lead, edit(data, set_cells(H2="Conforming", J2="Seen.")))
    assert (result.saved, result.unchanged, result.conflicts) == ([], 3, [])


def test_refusals_list_every_problem_with_its_row(db):
    audit, (lead,) = started_audit()
    data = edit(download(audit, lead), set_cells(H2="maybe", I3=2, B4="9.9-z"))
    with pytest.raises(WorkbookRefused) as refused:
        upload(audit, lead, data)
    problems = refused.value.problems
    assert problems[0].startswith("Row 2 (question 8.2-a): grade “maybe” is not one of Conforming")
    assert problems[1] == (
        "Row 3 (question 8.2-b): points are given, but this checklist is not scored."
    )
    assert problems[2].startswith("Row 4: question id “9.9-z” is not in this audit's checklist")
    assert "Question 8.3-a is missing from the workbook" in problems[3]
    assert count_answers(db) == 0


def test_a_refusal_from_the_answer_rules_refuses_the_whole_file(db, monkeypatch):
    audit, (lead,) = started_audit()
    data = edit(download(audit, lead), set_cells(H2="Conforming", H3="Conforming"))
    real = services.save_answer
    calls = []

    def second_refused(*args, **kwargs):
        calls.append(args[2])
        if len(calls) == 2:
            raise services.AuditWorkError("The finding was already answered.")
        return real(*args, **kwargs)

    monkeypatch.setattr("certification.audits.workbook_upload.save_answer", second_refused)
    with pytest.raises(WorkbookRefused) as refused:
        upload(audit, lead, data)
    assert refused.value.problems == ["Row 3 (question 8.2-b): The finding was already answered."]


def test_a_zip_that_inflates_far_beyond_its_size_is_refused_unopened(db):
    audit, _team = started_audit()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 2_000_000)
    with pytest.raises(WorkbookRefused, match="larger than it looks"):
        parse_workbook(buffer.getvalue(), audit, services.checklist_of(audit), limit=100_000)


# -- hostile and broken files ---------------------------------------------------------------------


def rewrite(data: bytes, change) -> bytes:
    """The same zip with `change(name, content) -> content` applied to every entry."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info.filename)))
    return buffer.getvalue()


def sheet_xml(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>&lol4;</t></is></c></row></sheetData>
</worksheet>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>&secret;</t></is></c></row></sheetData>
</worksheet>"""


@pytest.mark.parametrize(
    "break_it",
    [
        pytest.param(lambda name, xml: xml[: len(xml) // 2] if sheet_xml(name) else xml, id="cut"),
        pytest.param(lambda name, xml: BILLION_LAUGHS if sheet_xml(name) else xml, id="bomb"),
        pytest.param(lambda name, xml: EXTERNAL_ENTITY if sheet_xml(name) else xml, id="external"),
        pytest.param(lambda name, xml: b"" if name == "[Content_Types].xml" else xml, id="empty"),
    ],
)
def test_a_broken_or_hostile_workbook_is_refused_with_a_message(db, break_it):
    audit, (lead,) = started_audit()
    data = rewrite(edit(download(audit, lead), set_cells(G2="Conforming")), break_it)
    with pytest.raises(WorkbookRefused) as refused:
        upload(audit, lead, data)
    assert refused.value.problems  # a message for the person, never an exception
    assert count_answers(db) == 0


def test_a_zip_entry_lying_about_its_size_is_refused(db):
    audit, (lead,) = started_audit()
    data = bytearray(edit(download(audit, lead), set_cells(G2="Conforming")))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = next(i for i in archive.infolist() if sheet_xml(i.filename))
    # The central directory says the sheet inflates to 100 bytes; it holds far more.
    for start in _central_entries(bytes(data)):
        name_length = int.from_bytes(data[start + 28 : start + 30], "little")
        if data[start + 46 : start + 46 + name_length].decode() == info.filename:
            data[start + 24 : start + 28] = (100).to_bytes(4, "little")
    with pytest.raises(WorkbookRefused, match="not an Excel workbook"):
        upload(audit, lead, bytes(data))
    assert count_answers(db) == 0


def _central_entries(data: bytes):
    start = data.find(b"PK\x01\x02")
    while start != -1:
        yield start
        start = data.find(b"PK\x01\x02", start + 4)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(evidence=typed_text(20_000, min_size=1))
def test_any_evidence_the_checklist_takes_goes_out_and_comes_back(db, evidence):
    audit, (lead,) = started_audit()
    answer(audit, lead, "8.2-b", grade="observation", evidence=evidence)
    data = download(audit, lead)
    rows = list(sheet_of(data).iter_rows(min_row=2, values_only=True))
    written = rows[1][EVIDENCE - 1] or ""
    same = written.strip() == evidence.strip()  # the sheet keeps no edge spaces
    assert same, f"{len(written)} characters written, {len(evidence)} saved"
    parsed = parse_workbook(data, audit, services.checklist_of(audit))
    assert parsed.rows is not None  # reads back without a refusal
    db.session.rollback()
