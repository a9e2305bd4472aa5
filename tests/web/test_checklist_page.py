"""The checklist page over HTTP: what the auditor sees, saving (JSON and plain forms), who may,
and attachments (type, size and names checked, nothing stored on refusal, served with a check)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from certification.audits import services
from certification.audits.models import Answer, Attachment
from certification.checklists import loader
from tests import factories
from tests.services.test_audit_answers import TODAY, started, team_audit

QUESTION = "7.2-a"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 20
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 30


def text(response) -> str:
    return response.get_data(as_text=True)


def question_text(locale="en", question=QUESTION) -> str:
    return loader.text(loader.checklist_for("iso10002", "2018").question(question).text, locale)


@pytest.fixture
def on_site(db):
    """An audit in progress; its lead and a second auditor on the team."""
    audit, lead, member = started(db, start=TODAY)
    db.session.commit()
    return audit, lead, member


def save_json(client, audit, version=0, question=QUESTION, **values):
    body = {"grade": "conforming", "points": None, "evidence": "Log seen", "version": version}
    return client.post(f"/audits/{audit.id}/answers/{question}", json=body | values)


def stored_files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def attachments(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


# -- the page ---------------------------------------------------------------------------------


def test_the_page_shows_the_clause_its_questions_and_progress(client, db, login_as, on_site):
    audit, lead, _member = on_site
    services.save_answer(
        lead,
        audit,
        QUESTION,
        grade="conforming",
        points=None,
        evidence="Register of complaints",
        expected_version=0,
        today=TODAY,
    )
    db.session.commit()
    login_as(lead)
    page = text(client.get(f"/audits/{audit.id}/checklist?clause=7.2"))
    total = len(loader.checklist_for("iso10002", "2018").questions())
    assert "7.2 Receipt of complaint" in page
    assert question_text() in page
    assert f"1 of {total} questions answered" in page
    assert "Register of complaints" in page
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    assert "checklist.js" in page
    assert 'rel="prev"' in page and 'rel="next"' in page


def test_the_page_speaks_the_auditors_language(client, db, login_as, on_site):
    audit, lead, _member = on_site
    lead.locale = "tr"
    login_as(lead)
    page = text(client.get(f"/audits/{audit.id}/checklist?clause=7.2"))
    assert question_text("tr") in page


def test_an_unknown_clause_opens_the_first_one_with_work_left(client, db, login_as, on_site):
    audit, lead, _member = on_site
    login_as(lead)
    response = client.get(f"/audits/{audit.id}/checklist?clause=99.9")
    assert response.status_code == 200
    assert 'aria-current="page">4.1 ' in text(response)


def test_planners_and_the_committee_read_without_saving(client, db, login_as, on_site):
    audit, _lead, _member = on_site
    for role in ("planner", "committee"):
        login_as(role)
        page = text(client.get(f"/audits/{audit.id}/checklist"))
        assert "Read only" in page and "checklist.js" not in page


@pytest.mark.parametrize("who", ["auditor", "client", "own_client"])
def test_others_get_no_checklist(client, db, login_as, on_site, who):
    audit, _lead, _member = on_site
    user = factories.user("client", organisation=audit.organisation) if who == "own_client" else who
    login_as(user)
    assert client.get(f"/audits/{audit.id}/checklist").status_code in (403, 404)
    assert save_json(client, audit).status_code in (403, 404)
    assert db.session.scalar(select(Answer)) is None


def test_a_scheduled_audit_is_started_from_the_audit_page(client, db, login_as):
    audit, lead, _member = team_audit(db, start=date.today())  # the view uses the real clock
    db.session.commit()
    login_as(lead)
    page = text(client.get(f"/programme/audits/{audit.id}"))
    assert "Start the audit" in page and "cannot be started yet" not in page
    assert "has not been started" in text(client.get(f"/audits/{audit.id}/checklist"))
    response = client.post(f"/audits/{audit.id}/start")
    assert response.status_code == 302 and response.headers["Location"].endswith("/checklist")
    db.session.expire_all()
    assert audit.state == "in_progress"
    page = text(client.get(f"/programme/audits/{audit.id}"))
    assert "Continue the checklist" in page and "0 of" in page


def test_the_audit_page_says_the_plan_must_be_sent_before_the_start(client, db, login_as):
    audit, lead, _member = team_audit(db, start=date.today(), plan=False)
    db.session.commit()
    login_as(lead)
    page = text(client.get(f"/programme/audits/{audit.id}"))
    assert "The audit cannot be started yet" in page
    assert "ISO/IEC 17021-1 9.2.3: the audit plan has not been sent to the client" in page
    assert f'action="/audits/{audit.id}/start"' not in page  # no button that can only refuse
    assert "has not been sent to the client" in text(client.get(f"/audits/{audit.id}/checklist"))
    # Pressed anyway (an old page): the refusal is shown on the audit page; nothing changes.
    page = text(client.post(f"/audits/{audit.id}/start", follow_redirects=True))
    assert "9.2.3: the audit plan has not been sent to the client" in page
    db.session.expire_all()
    assert audit.state == "scheduled" and services.recorded_checklist(audit) is None
    factories.sent_plan(audit, lead, date.today())
    db.session.commit()
    page = text(client.get(f"/programme/audits/{audit.id}"))
    assert f'action="/audits/{audit.id}/start"' in page and "cannot be started yet" not in page


def test_planners_see_a_team_member_barred_by_consultancy(client, db, login_as):
    audit, lead, member = team_audit(db, start=date.today())
    factories.conflict(member, audit.organisation, started_on=date(2025, 1, 1))  # ongoing
    db.session.commit()
    login_as("planner")
    page = text(client.get(f"/programme/audits/{audit.id}"))
    assert "The audit cannot be started yet" in page
    assert f"ISO/IEC 17021-1 5.2.10: {member.name} gave consultancy" in page
    assert "Change dates or team" in page  # the planner's way to take them off the team
    login_as(lead)
    page = text(client.post(f"/audits/{audit.id}/start", follow_redirects=True))
    assert f"5.2.10: {member.name} gave consultancy" in page
    db.session.expire_all()
    assert audit.state == "scheduled"


def test_a_non_team_auditor_cannot_start(client, db, login_as):
    audit, _lead, _member = team_audit(db, start=TODAY)
    db.session.commit()
    login_as("auditor")
    assert client.post(f"/audits/{audit.id}/start").status_code == 404
    db.session.expire_all()
    assert audit.state == "scheduled"


# -- saving with checklist.js -----------------------------------------------------------------


def test_a_json_save_answers_with_the_new_version(client, db, login_as, on_site):
    audit, lead, _member = on_site
    login_as(lead)
    response = save_json(client, audit)
    assert response.status_code == 200
    assert response.json["saved"] is True
    assert (response.json["version"], response.json["updated_by"]) == (1, lead.name)
    response = save_json(client, audit, version=1, evidence="Log seen, 12 entries")
    assert response.json["version"] == 2


def test_a_stale_json_save_gets_409_with_both_values(client, db, login_as, on_site):
    audit, lead, member = on_site
    services.save_answer(
        member,
        audit,
        QUESTION,
        grade="minor",
        points=None,
        evidence="Member: two complaints unlogged",
        expected_version=0,
        today=TODAY,
    )
    db.session.commit()
    login_as(lead)
    response = save_json(client, audit, version=0, grade="major", evidence="Lead: no log")
    assert response.status_code == 409
    body = response.json
    assert body["error"] == "stale"
    assert body["theirs"]["evidence"] == "Member: two complaints unlogged"
    assert body["theirs"]["updated_by"] == member.name and body["theirs"]["version"] == 1
    assert body["yours"] == {"grade": "major", "points": None, "evidence": "Lead: no log"}
    db.session.expire_all()
    assert db.session.scalar(select(Answer)).evidence == "Member: two complaints unlogged"


def test_bad_json_is_refused_with_a_message(client, db, login_as, on_site):
    audit, lead, _member = on_site
    login_as(lead)
    response = save_json(client, audit, grade="excellent")
    assert response.status_code == 400 and response.json["error"] == "invalid"
    response = save_json(client, audit, points=3)
    assert response.status_code == 400 and "no maturity points" in response.json["message"]
    assert db.session.scalar(select(Answer)) is None


def test_a_signed_out_json_save_gets_401_not_the_login_page(client, db, on_site):
    audit, _lead, _member = on_site
    response = save_json(client, audit)
    assert response.status_code == 401 and response.json["error"] == "signed_out"
    token = client.get("/audits/session-token", headers={"Accept": "application/json"})
    assert token.status_code == 401


def test_a_signed_in_page_gets_a_fresh_token(client, db, login_as, on_site):
    login_as(on_site[1])
    response = client.get("/audits/session-token", headers={"Accept": "application/json"})
    assert response.status_code == 200 and "csrf_token" in response.json


# -- saving without JavaScript ----------------------------------------------------------------


def test_a_plain_form_post_saves_and_goes_back_to_the_clause(client, db, login_as, on_site):
    audit, lead, _member = on_site
    login_as(lead)
    response = client.post(
        f"/audits/{audit.id}/answers/{QUESTION}",
        data={"grade": "observation", "evidence": "Line one\r\nline two", "version": "0"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/checklist?clause=7.2#q-{QUESTION}")
    answer = db.session.scalar(select(Answer))
    assert (answer.grade, answer.evidence) == ("observation", "Line one\nline two")


def test_a_stale_form_post_shows_both_answers(client, db, login_as, on_site):
    audit, lead, member = on_site
    services.save_answer(
        member,
        audit,
        QUESTION,
        grade="minor",
        points=None,
        evidence="Member's words",
        expected_version=0,
        today=TODAY,
    )
    db.session.commit()
    login_as(lead)
    response = client.post(
        f"/audits/{audit.id}/answers/{QUESTION}",
        data={"grade": "major", "evidence": "Lead's words", "version": "0"},
    )
    page = text(response)
    assert response.status_code == 409
    assert "Member&#39;s words" in page and "Lead&#39;s words" in page
    assert f"Saved by {member.name}" in page


def test_anonymous_form_posts_go_to_the_login_page(client, db, on_site):
    audit, _lead, _member = on_site
    response = client.post(f"/audits/{audit.id}/answers/{QUESTION}", data={"version": "0"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- attachments ------------------------------------------------------------------------------


def upload(client, audit, name, content, field="photo", question=QUESTION):
    return client.post(
        f"/audits/{audit.id}/answers/{question}/attachments",
        data={field: (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("name", "content", "field", "content_type"),
    [
        ("IMG_0001.jpg", JPEG, "photo", "image/jpeg"),
        ("shelf.PNG", PNG, "photo", "image/png"),
        ("IMG_0002.heic", HEIC, "photo", "image/heic"),
        ("procedure.pdf", PDF, "document", "application/pdf"),
    ],
)
def test_photos_and_documents_are_attached(
    app, client, db, login_as, on_site, name, content, field, content_type
):
    audit, lead, _member = on_site
    login_as(lead)
    response = upload(client, audit, name, content, field)
    assert response.status_code == 302
    attachment = db.session.scalar(select(Attachment))
    assert (attachment.original_name, attachment.content_type) == (name, content_type)
    assert attachment.stored_name in stored_files(app)
    assert db.session.get(Answer, attachment.answer_id).question_id == QUESTION
    served = client.get(f"/audits/attachments/{attachment.id}")
    assert served.status_code == 200 and served.data == content
    assert served.mimetype == content_type
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    served.close()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", EXE, "is not a real JPG file"),
        ("photo.png", JPEG, "is not a real PNG file"),
        ("tool.exe", EXE, "is not an accepted type"),
        ("../../etc/photo.jpg", JPEG, "is not a plain file name"),
        ("..\\photo.jpg", JPEG, "is not a plain file name"),
        (".htaccess", JPEG, "is not a plain file name"),
        ("empty.jpg", b"", "is empty"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    app, client, db, login_as, on_site, name, content, message
):
    audit, lead, _member = on_site
    login_as(lead)
    before = stored_files(app)
    response = upload(client, audit, name, content)
    assert response.status_code == 400
    assert message in text(response)
    assert stored_files(app) == before and attachments(db) == 0


def test_an_oversized_photo_is_refused(app, client, db, login_as, on_site, monkeypatch):
    audit, lead, _member = on_site
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    login_as(lead)
    before = stored_files(app)
    response = upload(client, audit, "big.jpg", JPEG + b"\x00" * 2048)
    assert response.status_code == 400 and "is larger than" in text(response)
    assert stored_files(app) == before and attachments(db) == 0


@pytest.mark.parametrize("who", ["auditor", "client"])
def test_others_can_neither_attach_nor_download(app, client, db, login_as, on_site, who):
    audit, lead, _member = on_site
    login_as(lead)
    upload(client, audit, "IMG.jpg", JPEG)
    attachment = db.session.scalar(select(Attachment))
    user = factories.user("client", organisation=audit.organisation) if who == "client" else who
    login_as(user)
    # an auditor off the team does not see the audit at all; the client sees its own audit but
    # not the auditors' working papers
    refused = 404 if who == "auditor" else 403
    assert client.get(f"/audits/attachments/{attachment.id}").status_code == refused
    assert upload(client, audit, "IMG2.jpg", JPEG).status_code == refused
    assert client.post(f"/audits/attachments/{attachment.id}/delete").status_code == refused
    assert attachments(db) == 1


def test_one_removes_ones_own_attachment_only(app, client, db, login_as, on_site):
    audit, lead, member = on_site
    login_as(lead)
    upload(client, audit, "IMG.jpg", JPEG)
    attachment = db.session.scalar(select(Attachment))
    stored = attachment.stored_name
    login_as(member)
    response = client.post(f"/audits/attachments/{attachment.id}/delete", follow_redirects=True)
    assert "Only the person who attached" in text(response)
    assert attachments(db) == 1
    login_as(lead)
    assert client.post(f"/audits/attachments/{attachment.id}/delete").status_code == 302
    assert attachments(db) == 0 and stored not in stored_files(app)


# -- the way on: next unanswered question, and at the end the report ------------------------------


def grade_all(db, audit, lead, but=()):
    checklist = loader.checklist_for("iso10002", "2018")
    for question in checklist.questions():
        if question.id not in but:
            services.save_answer(
                lead,
                audit,
                question.id,
                grade="conforming",
                points=None,
                evidence="Seen",
                expected_version=0,
                today=TODAY,
            )
    db.session.commit()


def test_every_question_and_the_last_clause_lead_on(client, db, login_as, on_site):
    audit, lead, _member = on_site
    last = loader.checklist_for("iso10002", "2018").clauses()[-1]
    login_as(lead)
    page = text(client.get(f"/audits/{audit.id}/checklist?clause={last.number}"))
    after_each = [f"/audits/{audit.id}/checklist/next?after={q.id}" for q in last.questions]
    assert all(link in page for link in after_each)
    assert f"/audits/{audit.id}/checklist/next?clause={last.number}" in page  # at the top
    assert page.count("Next unanswered question") == len(last.questions) + 2
    assert f'href="/audits/{audit.id}/report"' in page and "Audit report" in page


def test_next_unanswered_skips_graded_questions_and_wraps_round(client, db, login_as, on_site):
    audit, lead, _member = on_site
    checklist = loader.checklist_for("iso10002", "2018")
    ids = [q.id for q in checklist.questions()]
    grade_all(db, audit, lead, but=(ids[0], ids[5]))
    login_as(lead)
    response = client.get(f"/audits/{audit.id}/checklist/next?after={ids[-1]}")
    assert response.status_code == 302
    first = checklist.question(ids[0])
    assert response.headers["Location"].endswith(f"clause={first.clause}#q-{ids[0]}")
    onward = f"/audits/{audit.id}/checklist/next?after={ids[0]}"
    page = text(client.get(onward, follow_redirects=True))
    assert question_text(question=ids[5]) in page


def test_with_every_question_graded_the_way_on_is_the_report(client, db, login_as, on_site):
    audit, lead, _member = on_site
    grade_all(db, audit, lead)
    login_as(lead)
    last = loader.checklist_for("iso10002", "2018").clauses()[-1]
    page = text(client.get(f"/audits/{audit.id}/checklist?clause={last.number}"))
    assert "Next unanswered question</a>" not in page.split('class="checklist-end"')[1]
    response = client.get(f"/audits/{audit.id}/checklist/next?after={last.questions[-1].id}")
    assert response.headers["Location"].endswith(f"/audits/{audit.id}/report")
    report = text(client.get(response.headers["Location"]))
    assert "Every question of the checklist has a grade." in report
