"""The workbook over HTTP: who may download and upload, what a refusal says, and that it saves
nothing at all."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from certification.accounts.models import Role
from certification.audits import services
from certification.audits.models import Answer
from certification.audits.workbook import CHECKLIST_SHEET
from certification.programme.models import AuditTeamMember
from tests import factories
from tests.services.test_workbook import TODAY, download, edit, set_cells, started_audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def post_workbook(client, audit, data: bytes, name: str = "checklist.xlsx"):
    return client.post(
        f"/audits/{audit.id}/workbook",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def count_answers(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Answer))


def page_text(response) -> str:
    return response.get_data(as_text=True)


# -- access -----------------------------------------------------------------------------------


def test_the_team_downloads_the_workbook(client, login_as):
    audit, (lead,) = started_audit()
    login_as(lead)
    response = client.get(f"/audits/{audit.id}/workbook.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert "attachment;" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))[CHECKLIST_SHEET]
    assert sheet["B2"].value == "8.2-a"


@pytest.mark.parametrize(
    "who, download_status, upload_status",
    [
        (Role.PLANNER, 200, 403),  # planners may read it offline, not merge it
        (Role.ADMIN, 200, 403),
        (Role.COMMITTEE, 403, 403),
        (Role.AUDITOR, 404, 404),  # not on this audit's team: as if there were no audit
        (Role.CLIENT, 404, 404),  # another organisation's audit
    ],
)
def test_who_else_may_download_and_upload(client, login_as, who, download_status, upload_status):
    audit, _team = started_audit()
    login_as(who)
    assert client.get(f"/audits/{audit.id}/workbook.xlsx").status_code == download_status
    assert client.get(f"/audits/{audit.id}/workbook").status_code == upload_status


def test_anonymous_users_are_sent_to_log_in(client, db):
    audit, _team = started_audit()
    assert client.get(f"/audits/{audit.id}/workbook.xlsx").status_code == 302


def test_no_workbook_once_the_audit_is_submitted(client, login_as, db):
    audit, (lead,) = started_audit()
    audit.state = "submitted"
    login_as(lead)
    assert client.get(f"/audits/{audit.id}/workbook.xlsx").status_code == 403
    assert client.get(f"/audits/{audit.id}/workbook").status_code == 403


def test_no_workbook_before_the_audit_recorded_its_checklist(client, login_as, db):
    lead = factories.user(Role.AUDITOR)
    audit = factories.audit(kind="stage2", state="in_progress", start_date=TODAY, end_date=TODAY)
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    login_as(lead)
    assert client.get(f"/audits/{audit.id}/workbook.xlsx").status_code == 404


def test_the_audit_page_offers_download_and_upload_to_the_team(client, login_as):
    audit, (lead,) = started_audit()
    login_as(lead)
    page = page_text(client.get(f"/programme/audits/{audit.id}"))
    assert f"/audits/{audit.id}/workbook.xlsx" in page
    assert f'href="/audits/{audit.id}/workbook"' in page


def test_the_audit_page_offers_planners_the_download_only(client, login_as):
    audit, _team = started_audit()
    login_as(Role.PLANNER)
    page = page_text(client.get(f"/programme/audits/{audit.id}"))
    assert f"/audits/{audit.id}/workbook.xlsx" in page
    assert f'href="/audits/{audit.id}/workbook"' not in page


def test_the_client_sees_no_workbook_on_the_audit_page(client, login_as):
    audit, _team = started_audit()
    login_as(factories.user(Role.CLIENT, organisation=audit.organisation))
    page = page_text(client.get(f"/programme/audits/{audit.id}"))
    assert "workbook" not in page


# -- uploading --------------------------------------------------------------------------------


def test_upload_merges_and_shows_the_summary(client, login_as, db):
    audit, (lead,) = started_audit()
    login_as(lead)
    data = edit(
        client.get(f"/audits/{audit.id}/workbook.xlsx").data,
        set_cells(H2="Conforming", J2="Procedure seen.", H3="Observation"),
    )
    response = post_workbook(client, audit, data)
    assert response.status_code == 200
    text = page_text(response)
    assert "2 answers saved" in text and "1 answer unchanged" in text and "0 conflicts" in text
    db.session.expire_all()
    answers = services.answers_of(audit)
    assert answers["8.2-a"].evidence == "Procedure seen."
    assert answers["8.2-b"].grade == "observation"


def test_a_conflict_is_shown_with_both_values_and_not_overwritten(client, login_as, db):
    audit, (lead, colleague) = started_audit(team=2)
    data = download(audit, lead)
    services.save_answer(
        colleague,
        audit,
        "8.2-a",
        grade="major",
        points=None,
        evidence="No records.",
        expected_version=0,
        today=TODAY,
    )
    login_as(lead)
    response = post_workbook(client, audit, edit(data, set_cells(H2="Conforming", H3="Conforming")))
    text = page_text(response)
    assert "1 answer saved" in text and "1 conflict" in text
    assert "Major nonconformity" in text and "No records." in text and "Conforming" in text
    db.session.expire_all()
    assert services.answers_of(audit)["8.2-a"].grade == "major"


def _delete_sheet(name):
    def change(workbook):
        del workbook[name]

    return change


def _swap_ids(workbook):
    sheet = workbook[CHECKLIST_SHEET]
    sheet["B2"], sheet["B3"] = sheet["B3"].value, sheet["B2"].value


def _about(key, value):
    def change(workbook):
        for row in workbook["About"].iter_rows():
            if row[0].value == key:
                row[2].value = value

    return change


def _flood(workbook):
    for number in range(5, 400):
        workbook[CHECKLIST_SHEET].cell(row=number, column=10, value="extra")


BAD = [
    (
        "not a workbook",
        None,
        lambda good, other: b"Question;Grade\n8.2-a;conforming\n",
        "The file is not an Excel workbook",
    ),
    (
        "corrupt zip",
        None,
        lambda good, other: good[: len(good) // 2],
        "The file is not an Excel workbook",
    ),
    (
        "another audit's workbook",
        None,
        lambda good, other: other,
        "This workbook belongs to another audit",
    ),
    (
        "missing checklist sheet",
        _delete_sheet(CHECKLIST_SHEET),
        None,
        "The workbook has no sheet “Checklist”",
    ),
    ("missing about sheet", _delete_sheet("About"), None, "The workbook has no sheet “About”"),
    (
        "edited id",
        set_cells(B3="8.2-x"),
        None,
        "Row 3: question id “8.2-x” is not in this audit's checklist",
    ),
    (
        "duplicated id",
        set_cells(B3="8.2-a"),
        None,
        "Row 3 (question 8.2-a): the question appears twice (first in row 2)",
    ),
    (
        "deleted row",
        lambda wb: wb[CHECKLIST_SHEET].delete_rows(4),
        None,
        "Question 8.3-a is missing from the workbook",
    ),
    (
        "added row",
        set_cells(H5="Conforming", J5="An extra question"),
        None,
        "Row 5 has no question id",
    ),
    (
        "moved rows",
        _swap_ids,
        None,
        "Row 2 (question 8.2-b): the rows were moved or their ids edited",
    ),
    (
        "invalid grade",
        set_cells(H3="maybe"),
        None,
        "Row 3 (question 8.2-b): grade “maybe” is not one of Conforming, Minor nonconformity",
    ),
    (
        "points on an unscored scheme",
        set_cells(I3=2),
        None,
        "Row 3 (question 8.2-b): points are given, but this checklist is not scored",
    ),
    (
        "row of another audit",
        set_cells(A3=999999),
        None,
        "Row 3 (question 8.2-b) belongs to another audit",
    ),
    (
        "edited version",
        set_cells(C3="two"),
        None,
        "Row 3 (question 8.2-b): the hidden version column was edited",
    ),
    ("flood of rows", _flood, None, "far more rows than the checklist has questions"),
    (
        "edited checksum",
        _about("checksum", "0" * 64),
        None,
        "The workbook's checksum does not match",
    ),
]


@pytest.mark.parametrize(
    "change, replace, expected", [case[1:] for case in BAD], ids=[case[0] for case in BAD]
)
def test_a_bad_workbook_is_refused_naming_the_row_and_nothing_is_saved(
    client, login_as, db, change, replace, expected
):
    audit, (lead,) = started_audit()
    other, (other_lead,) = started_audit()
    good = edit(download(audit, lead), set_cells(H2="Conforming", J2="Valid edit."))
    data = edit(good, change) if change else replace(good, download(other, other_lead))
    login_as(lead)
    response = post_workbook(client, audit, data)
    assert response.status_code == 400
    text = page_text(response)
    assert "nothing was saved" in text
    assert expected in text.replace("&#39;", "'")
    assert count_answers(db) == 0


@pytest.mark.parametrize(
    "cells, expected",
    [
        ({"I3": 7}, "Row 3 (question 8.2-b): points “7” must be a whole number from 0 to 4"),
        ({"I3": 2.5}, "Row 3 (question 8.2-b): points “2.5” must be a whole number from 0 to 4"),
        (
            {"H3": "Not applicable", "I3": 2},
            "Row 3 (question 8.2-b): a question that is not applicable gets no points",
        ),
    ],
)
def test_bad_points_on_a_scored_scheme_are_refused(client, login_as, db, cells, expected):
    audit, (lead,) = started_audit(scored=True)
    data = edit(download(audit, lead), set_cells(H2="Conforming", I2=4, **cells))
    login_as(lead)
    response = post_workbook(client, audit, data)
    assert response.status_code == 400
    assert expected in page_text(response)
    assert count_answers(db) == 0


def test_an_oversized_file_is_refused(client, login_as, db, app, monkeypatch):
    audit, (lead,) = started_audit()
    data = edit(download(audit, lead), set_cells(H2="Conforming"))
    monkeypatch.setitem(app.config, "WORKBOOK_MAX_BYTES", len(data) - 1)
    login_as(lead)
    response = post_workbook(client, audit, data)
    assert response.status_code == 400
    assert "The file is larger than" in page_text(response)
    assert count_answers(db) == 0


def test_no_file_is_a_form_error(client, login_as, db):
    audit, (lead,) = started_audit()
    login_as(lead)
    response = client.post(f"/audits/{audit.id}/workbook", data={})
    assert response.status_code == 400


def test_an_unexpected_error_keeps_nothing_of_the_file(client, login_as, db, monkeypatch):
    audit, (lead,) = started_audit()
    data = edit(download(audit, lead), set_cells(H2="Conforming", H3="Conforming"))
    real, calls = services.save_answer, []

    def fail_on_second(*args, **kwargs):
        calls.append(args[2])
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr("certification.audits.workbook_upload.save_answer", fail_on_second)
    login_as(lead)
    with pytest.raises(RuntimeError):
        post_workbook(client, audit, data)
    assert calls == ["8.2-a", "8.2-b"]
    assert count_answers(db) == 0
