"""The scored star scheme (domain.md): points capped by grade, no rating on too thin an audit,
no certificate below the lowest star band, and the band revised at every surveillance decision.
Each refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from certification.activity.models import ActivityLog
from certification.audits import services as audits
from certification.audits.models import Answer
from certification.certificates.models import Certificate
from certification.checklists import loader
from certification.decisions import services as decisions
from certification.decisions.models import Decision
from certification.extensions import db
from certification.reports import services as reports
from certification.reports.assessment import Assessment
from tests import factories
from tests.services.test_audit_answers import save, started
from tests.services.test_reports import answer_all, audit_in_progress

TODAY = factories.today()


@pytest.fixture(autouse=True)
def request_context(app, db):
    with app.test_request_context():
        yield


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.mark.parametrize(
    ("grade", "points", "cap"),
    [("major", 1, 0), ("minor", 3, 2), ("minor", 4, 2), ("ofi", 4, 3)],
)
def test_points_above_the_grades_cap_are_refused(db, grade, points, cap):
    audit, lead, _member = started(db, scheme="csat-star")
    with pytest.raises(audits.AuditWorkError) as refused:
        save(lead, audit, grade=grade, points=points, evidence="Seen")
    assert f"at most {cap} points" in refused.value.message and refused.value.field == "points"
    assert count(Answer) == 0
    assert save(lead, audit, grade=grade, points=cap, evidence="Seen").points == cap


def star_audit(kind="stage2", grade="conforming", points=4, skip=0, cycle=None):
    """An audit on the star scheme's own checklist, every question answered from `skip`."""
    audit = audit_in_progress(scheme="csat-star", kind=kind, cycle=cycle)
    audit.cycle.scheme = "csat-star"
    checklist = answer_all(audit, grade=grade, points=points, skip=skip)
    for question in checklist.questions()[:skip]:
        db.session.add(
            Answer(
                audit_id=audit.id,
                question_id=question.id,
                clause=question.clause,
                grade="not_applicable",
            )
        )
    db.session.flush()
    return audit


def submitted(audit, today=TODAY + timedelta(days=1)):
    reports.submit_report(
        audit.lead,
        audit,
        recommendation=reports.report_data(audit).computed.value,
        override_reason="",
        summary="Audited.",
        today=today,
        assessment=Assessment(marks_use="The mark is used on the website only, as agreed."),
    )
    return audit


def decide(audit, outcome="grant", today=TODAY + timedelta(days=2)):
    factories.agreement(audit.organisation)  # 17021-1 5.1.2: the client's agreement in force
    member = factories.committee_member()
    return decisions.decide(member, audit, outcome=outcome, reasons="Per the file.", today=today)


def test_no_rating_when_too_few_questions_were_answered():
    # 52 questions, 80% needed: 41 applicable answers are too few (78.8%).
    audit = star_audit(skip=11)
    data = reports.report_data(audit)
    assert data.scores.rating_withheld == "too_few_answered" and data.scores.band is None
    assert "79%" in data.rating_note and "from 80%" in data.rating_note
    submitted(audit)
    assert reports.report_of(audit).band == ""
    with pytest.raises(decisions.DecisionError, match="has no rating"):
        decide(audit)
    assert audit.state == "submitted" and count(Decision) == 0 and count(Certificate) == 0


def test_no_certificate_below_the_lowest_star_band():
    audit = star_audit(points=1)  # 25%: "No star"
    data = reports.report_data(audit)
    assert data.scores.band is not None and not data.scores.certifiable
    assert "lowest star band" in data.rating_note
    submitted(audit)
    with pytest.raises(decisions.DecisionError, match="below the lowest star band"):
        decide(audit)
    assert audit.state == "submitted" and count(Certificate) == 0


def test_a_surveillance_decision_revises_the_band_with_a_new_revision():
    first = submitted(star_audit())
    granted = decide(first)
    certificate = db.session.get(Certificate, granted.certificate_id)
    five_stars = loader.text(loader.checklist_for("csat-star", "2018").bands[-1].label, "en")
    assert certificate.band == five_stars
    # Surveillance: 3 points everywhere, 75%: three stars.
    surveillance = star_audit(kind="surveillance1", points=3, cycle=first.cycle)
    surveillance.start_date = TODAY + timedelta(days=3)
    surveillance.end_date = TODAY + timedelta(days=4)
    submitted(surveillance, TODAY + timedelta(days=4))
    maintained = decide(surveillance, outcome="maintain", today=TODAY + timedelta(days=5))
    revised = db.session.get(Certificate, maintained.certificate_id)
    assert revised.id != certificate.id and revised.revision == 1
    assert revised.band == "Three stars" and certificate.state == "superseded"
    assert (revised.issued_on, revised.expires_on) == (
        TODAY + timedelta(days=5),
        certificate.expires_on,
    )
    logged = db.session.scalars(
        select(ActivityLog).where(ActivityLog.action == "band_revised")
    ).all()
    assert [entry.text for entry in logged] == [
        f"Rating band {five_stars} -> Three stars (revision 1)."
    ]


def test_a_surveillance_with_the_same_band_keeps_the_certificate():
    first = submitted(star_audit())
    certificate = db.session.get(Certificate, decide(first).certificate_id)
    surveillance = star_audit(kind="surveillance1", points=4, cycle=first.cycle)
    surveillance.start_date = surveillance.end_date = TODAY + timedelta(days=3)
    submitted(surveillance, TODAY + timedelta(days=3))
    maintained = decide(surveillance, outcome="maintain", today=TODAY + timedelta(days=5))
    assert maintained.certificate_id == certificate.id and certificate.revision == 0
    assert count(Certificate) == 1
