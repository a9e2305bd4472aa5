"""The audit report: figures, scores stored on submission, the recommendation and its override."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from certification.activity.models import ActivityLog
from certification.audits.models import Answer, AuditChecklist
from certification.checklists import loader
from certification.extensions import db
from certification.programme.models import AuditTeamMember
from certification.reports import services
from certification.reports.models import AuditFigures, AuditReport, Recommendation
from certification.reports.services import FiguresInput, ReportError
from certification.workflow import TransitionError
from tests import factories

TODAY = factories.today()


@pytest.fixture(autouse=True)
def request_context(app, db):
    """Messages are translated for the person asking, so services run inside a request."""
    with app.test_request_context():
        yield


def audit_in_progress(scheme: str | None = None, cycle=None, kind="stage2", state="in_progress"):
    """An audit under way with a lead; with `scheme` it keeps that checklist file as its own."""
    audit = factories.audit(
        cycle, kind=kind, state=state, start_date=TODAY, end_date=TODAY + timedelta(days=1)
    )
    lead = factories.user("auditor")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    if scheme is not None:
        checklist = loader.checklist_for(scheme, "2018")
        db.session.add(
            AuditChecklist(
                audit_id=audit.id,
                scheme=checklist.scheme,
                edition=checklist.edition,
                version=checklist.version,
                file_name=checklist.file,
                fingerprint=loader.fingerprint(checklist),
                source=checklist.source,
            )
        )
    db.session.flush()
    return audit


def answer_all(audit, grade="conforming", points=None, skip: int = 0):
    checklist = services.checklist_of(audit)
    for question in checklist.questions()[skip:]:
        db.session.add(
            Answer(
                audit_id=audit.id,
                question_id=question.id,
                clause=question.clause,
                grade=grade,
                points=points,
            )
        )
    db.session.flush()
    return checklist


def submit(audit, recommendation=None, reason="", summary="All clauses were audited."):
    data = services.report_data(audit)
    return services.submit_report(
        audit.lead,
        audit,
        recommendation=recommendation or data.computed,
        override_reason=reason,
        summary=summary,
        today=TODAY,
    )


def log(action: str) -> list[ActivityLog]:
    return list(db.session.scalars(select(ActivityLog).where(ActivityLog.action == action)))


def reports() -> int:
    return db.session.scalar(select(func.count(AuditReport.id)))


# -- submitting --------------------------------------------------------------------------------


def test_submit_refused_while_questions_are_unanswered():
    audit = audit_in_progress()
    answer_all(audit, skip=3)
    with pytest.raises(ReportError) as refused:
        submit(audit)
    assert "3 questions" in refused.value.message
    assert len(refused.value.unanswered) == 3
    assert audit.state == "in_progress"
    assert reports() == 0 and not log("submit")


def test_lead_submits_a_clean_audit_as_recommended():
    audit = audit_in_progress()
    answer_all(audit)
    report = submit(audit)
    assert audit.state == "submitted"
    assert report.computed_recommendation == report.recommendation == "recommended"
    assert float(report.overall_percent) == 100.0
    assert report.band == ""  # ISO 10002 itself is not scored into bands
    assert report.submitted_by_id == audit.lead.id and report.submitted_at is not None
    (entry,) = log("submit")
    assert (entry.from_state, entry.to_state) == ("in_progress", "submitted")


def test_open_major_computes_not_recommended_and_override_needs_a_reason():
    audit = audit_in_progress()
    answer_all(audit)
    factories.finding(audit, "major", "plan_accepted")
    assert services.report_data(audit).computed == Recommendation.NOT_RECOMMENDED
    with pytest.raises(ReportError) as refused:
        submit(audit, Recommendation.RECOMMENDED, reason="  ")
    assert refused.value.field == "override_reason"
    assert audit.state == "in_progress" and reports() == 0

    report = submit(audit, Recommendation.RECOMMENDED, reason="Verified on site on day two.")
    assert report.computed_recommendation == "not_recommended"
    assert report.recommendation == "recommended"
    assert report.override_reason == "Verified on site on day two."
    assert "Verified on site" in log("submit")[0].text


def test_open_minor_recommends_after_the_plan():
    audit = audit_in_progress()
    answer_all(audit)
    factories.finding(audit, "minor", "answered")
    factories.finding(audit, "observation", number=2)
    assert submit(audit).recommendation == "recommended_after_plan"


@pytest.mark.parametrize(
    "state, refusal",
    [
        ("scheduled", ReportError),
        ("submitted", TransitionError),  # submitted already: "Already done", said app-wide
        ("closed", ReportError),
    ],
)
def test_submit_refused_outside_the_teams_hands(state, refusal):
    audit = audit_in_progress(state=state)
    answer_all(audit)
    with pytest.raises(refusal):
        submit(audit)
    assert audit.state == state


def test_returned_report_is_resubmitted_and_updated():
    audit = audit_in_progress(state="returned")
    answer_all(audit)
    db.session.add(
        AuditReport(
            audit_id=audit.id,
            computed_recommendation="recommended",
            recommendation="recommended",
            summary="first",
        )
    )
    db.session.flush()
    report = submit(audit, summary="second")
    assert audit.state == "submitted" and report.summary == "second" and reports() == 1


def test_scored_scheme_stores_percent_and_band_from_the_audits_own_checklist():
    audit = audit_in_progress(scheme="csat-star")  # the cycle itself is iso10002
    checklist = answer_all(audit, points=4)
    assert checklist.scheme == "csat-star"
    report = submit(audit)
    assert float(report.overall_percent) == 100.0
    assert report.band == loader.text(checklist.bands[-1].label, "en")


def test_scored_scheme_needs_points():
    audit = audit_in_progress(scheme="csat-star")
    answer_all(audit, points=None)
    with pytest.raises(ReportError):
        submit(audit)


# -- figures -----------------------------------------------------------------------------------


def figures(**kw) -> FiguresInput:
    values = dict(
        period_start=TODAY - timedelta(days=365),
        period_end=TODAY,
        complaints_received=120,
        complaints_closed=110,
        median_days_to_close=Decimal("6.5"),
        satisfaction_percent=Decimal("82.5"),
    )
    values.update(kw)
    return FiguresInput(**values)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"complaints_closed": 121}, "closed"),
        ({"complaints_received": -1}, "received"),
        ({"complaints_received": None}, "received"),
        ({"complaints_closed": -1}, "closed"),
        ({"satisfaction_percent": Decimal("100.1")}, "satisfaction"),
        ({"satisfaction_percent": Decimal("-1")}, "satisfaction"),
        ({"median_days_to_close": Decimal("-2")}, "median"),
        ({"period_end": TODAY - timedelta(days=400)}, "period_end"),
    ],
)
def test_bad_figures_are_refused_and_nothing_saved(change, field):
    audit = audit_in_progress()
    with pytest.raises(ReportError) as refused:
        services.record_figures(audit.lead, audit, figures(**change))
    assert refused.value.field == field
    assert db.session.scalar(select(func.count(AuditFigures.id))) == 0


def test_figures_are_saved_replaced_and_logged():
    audit = audit_in_progress()
    services.record_figures(audit.lead, audit, figures())
    saved = services.record_figures(audit.lead, audit, figures(complaints_closed=120))
    assert saved.complaints_closed == 120
    assert db.session.scalar(select(func.count(AuditFigures.id))) == 1
    assert len(log("figures_recorded")) == 2


def test_figures_refused_once_submitted():
    audit = audit_in_progress(state="submitted")
    with pytest.raises(ReportError):
        services.record_figures(audit.lead, audit, figures())


def test_trend_follows_the_programme_order_of_the_cycle():
    later = audit_in_progress(kind="surveillance1")
    later.sequence = 3
    earlier = audit_in_progress(cycle=later.cycle, kind="stage2")
    earlier.sequence = 2
    other_cycle = audit_in_progress()
    services.record_figures(later.lead, later, figures(satisfaction_percent=Decimal("90")))
    services.record_figures(earlier.lead, earlier, figures(satisfaction_percent=Decimal("70")))
    services.record_figures(other_cycle.lead, other_cycle, figures())
    trend = services.report_data(later).trend
    assert [p.audit.kind for p in trend] == ["stage2", "surveillance1"]
    assert [float(p.figures.satisfaction_percent) for p in trend] == [70.0, 90.0]
    assert trend[0].closed_percent == pytest.approx(110 / 120 * 100)
