"""The timeline a reader sees: what happened worded in the reader's language whoever acted and in
whatever language, a checklist's detail folded into one entry per audit, day and person, and
paged newest first with a constant number of SQL statements a page."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

from flask import url_for
from flask_babel import force_locale

from certification.activity.models import ActivityLog
from certification.activity.services import record
from certification.audits import services as audits
from certification.certificates import services as certificates
from certification.organisations.services import TIMELINE_PAGE
from tests import factories
from tests.paging import link
from tests.services.test_audit_answers import TODAY, started
from tests.services.test_certificates import grant
from tests.sql_counting import counting_queries


def timeline_of(client, url: str, anchor: str = 'id="timeline"') -> str:
    response = client.get(url)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True)).split(anchor)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def suspended_certificate(db, locale: str):
    """A certificate suspended until 20 October by a planner working in `locale`."""
    certificate = grant()
    planner = factories.user("planner", locale=locale)
    today = date(certificate.issued_on.year + 1, 9, 1)
    until = date(today.year, 10, 20)
    with force_locale(locale):
        certificates.suspend_certificate(
            planner, certificate, "Surveillance not held", today, limit=until
        )
    db.session.commit()
    return certificate, until


def test_a_step_taken_in_turkish_reads_in_english_and_back(client, db, login_as):
    certificate, until = suspended_certificate(db, "tr")
    login_as("planner", locale="en")
    shown = timeline_of(client, f"/organisations/{certificate.organisation_id}")
    assert f"Surveillance not held (until Oct 20, {until.year})" in shown
    assert "Eki" not in shown and "tarihine kadar" not in shown

    client.post("/logout")
    login_as("planner", locale="tr")
    shown = timeline_of(client, f"/organisations/{certificate.organisation_id}")
    assert f"20 Eki {until.year}" in shown
    assert "Oct 20" not in shown


def test_a_step_taken_in_english_reads_in_turkish(client, db, login_as):
    certificate, until = suspended_certificate(db, "en")
    login_as("planner", locale="tr")
    shown = timeline_of(client, f"/organisations/{certificate.organisation_id}")
    assert f"20 Eki {until.year}" in shown and "Askıya alındı" in shown
    assert "Oct 20" not in shown and "Suspended" not in shown


def test_a_row_written_before_notes_were_data_keeps_its_sentence(client, db, login_as):
    org = factories.organisation()
    planner = login_as("planner", locale="en")
    record(planner, org, "organisation_updated", reason="Eski cümle: değişti.")
    db.session.commit()
    assert "Eski cümle: değişti." in timeline_of(client, f"/organisations/{org.id}")


def graded(db, count: int):
    """`count` checklist questions graded by the lead of a started audit."""
    audit, lead, _member = started(db)
    questions = audits.checklist_of(audit).questions()[:count]
    for question in questions:
        audits.save_answer(
            lead, audit, question.id, grade="conforming", points=None, evidence="Seen",
            expected_version=0, today=TODAY,
        )  # fmt: skip
    db.session.commit()
    return audit, lead


def test_a_checklist_graded_reads_as_one_entry_for_the_audit(client, db, login_as):
    audit, lead = graded(db, 12)
    login_as("planner", locale="en")
    shown = timeline_of(client, f"/organisations/{audit.organisation_id}")
    assert "12 checklist questions graded" in shown and lead.name in shown
    assert "Checklist question graded" not in shown
    assert shown.count(lead.name) <= 2  # the start and the folded grades, not twelve lines

    client.post("/logout")
    login_as("planner", locale="tr")
    shown = timeline_of(client, f"/organisations/{audit.organisation_id}")
    assert "12 kontrol listesi sorusu değerlendirildi" in shown


def test_the_committee_file_folds_and_pages_the_history(client, db, login_as):
    audit, _lead = graded(db, 6)
    member = factories.committee_member()
    login_as(member)
    shown = timeline_of(client, url_for("decisions.file", audit_id=audit.id), 'id="history"')
    assert "6 checklist questions graded" in shown


def long_timeline(db, entries: int):
    planner = factories.user("planner")
    org = factories.organisation()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(entries):
        entry = record(planner, org, "organisation_updated", reason=f"Change number {n:03d}")
        entry.at = start + timedelta(hours=n)
    db.session.commit()
    return org


def test_older_and_newer_pages_hold_every_entry_once(client, db, login_as):
    org = long_timeline(db, TIMELINE_PAGE * 2 + 3)
    login_as("planner")
    url = f"/organisations/{org.id}"
    seen = []
    page = html.unescape(client.get(url).get_data(as_text=True))
    while True:
        seen += re.findall(r"Change number (\d{3})", page.split('id="timeline"')[1])
        if 'rel="next"' not in page:
            break
        page = html.unescape(client.get(link(page, "next")).get_data(as_text=True))
    assert seen == [f"{n:03d}" for n in reversed(range(TIMELINE_PAGE * 2 + 3))]
    newer = html.unescape(client.get(link(page, "prev")).get_data(as_text=True))
    assert f"Change number {TIMELINE_PAGE + 2:03d}" in newer
    assert client.get(f"{url}?after=not-a-cursor").status_code == 200


def test_a_timeline_page_costs_the_same_statements_however_long(client, db, login_as):
    login_as("planner")

    def statements(entries: int) -> int:
        org = long_timeline(db, entries)
        audit, _lead = graded(db, 3)
        for row in db.session.query(ActivityLog).filter_by(organisation_id=audit.organisation_id):
            row.organisation_id = org.id  # its checklist work on this organisation's timeline
        db.session.commit()
        with counting_queries(db) as counted:
            assert client.get(f"/organisations/{org.id}").status_code == 200
        return len(counted)

    assert statements(5) == statements(TIMELINE_PAGE * 4)
