"""Findings with a database: raised from answers, answered by the client, reviewed, verified."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from certification.activity import notes
from certification.activity.models import ActivityLog
from certification.applications.uploads import UploadError
from certification.audits.models import Answer, Attachment
from certification.extensions import db
from certification.findings import evidence, queries, services
from certification.findings.models import Finding
from certification.findings.services import FindingError
from certification.programme.models import AuditTeamMember
from certification.settings import services as settings
from tests import factories

TODAY = factories.today()
PDF = b"%PDF-1.4 evidence"


@pytest.fixture(autouse=True)
def request_context(app, db):
    """Messages are translated for the person asking, so services run inside a request."""
    with app.test_request_context():
        yield


def on_site(kind="stage2", last_day=TODAY):
    """An audit in progress with a lead auditor; -> (audit, lead)."""
    audit = factories.audit(
        kind=kind, state="in_progress", start_date=last_day - timedelta(days=1), end_date=last_day
    )
    lead = factories.user("auditor")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    db.session.flush()
    return audit, lead


def graded(audit, grade, question="7.4-a", evidence="Log of March shows no acknowledgement."):
    answer = db.session.scalar(
        select(Answer).where(Answer.audit_id == audit.id, Answer.question_id == question)
    )
    if answer is None:
        answer = Answer(audit_id=audit.id, question_id=question, clause=question.split("-")[0])
        db.session.add(answer)
    answer.grade, answer.evidence = grade, evidence
    db.session.flush()
    return answer


def client_of(audit):
    return factories.user("client", organisation_id=audit.organisation_id)


def log(finding) -> list[tuple[str, str | None, str | None]]:
    rows = db.session.scalars(
        select(ActivityLog)
        .where(ActivityLog.subject_type == "Finding", ActivityLog.subject_id == finding.id)
        .order_by(ActivityLog.id)
    )
    return [(r.action, r.from_state, r.to_state) for r in rows]


def answer(finding, actor, target=None, files=()):
    return services.answer_finding(
        actor,
        finding,
        "Acknowledged the 12 complaints by letter.",
        "No one was responsible for acknowledgements.",
        "Assigned the duty to the front desk and added it to the procedure.",
        target or TODAY + timedelta(days=20),
        list(files),
        today=TODAY,
    )


# -- sync_finding -----------------------------------------------------------------------------


def test_a_nonconforming_grade_raises_a_numbered_finding(db):
    audit, lead = on_site()
    first = services.sync_finding(lead, graded(audit, "minor"), TODAY)
    second = services.sync_finding(lead, graded(audit, "ofi", question="8.2-a"), TODAY)
    assert (first.number, first.clause, first.question_id) == (1, "7.4", "7.4-a")
    assert first.grade == "minor"
    assert first.evidence == "Log of March shows no acknowledgement."
    assert first.organisation_id == audit.organisation_id and first.state == "open"
    assert first.plan_due_on == TODAY + timedelta(days=30)
    assert (second.number, second.plan_due_on) == (2, None)
    assert (first.reference, second.reference) == ("S2-1", "S2-2")
    assert log(first) == [("finding_raised", None, None)]


def test_findings_are_numbered_through_the_cycle_not_per_audit(db):
    """Stage 1 raised S1-1; stage 2 of the same cycle goes on with S2-2, never a second "1"."""
    stage1, lead = on_site(kind="stage1")
    first = services.sync_finding(lead, graded(stage1, "minor"), TODAY)
    stage2 = factories.audit(
        stage1.cycle, kind="stage2", state="in_progress", start_date=TODAY, end_date=TODAY
    )
    stage2.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    db.session.flush()
    second = services.sync_finding(lead, graded(stage2, "major"), TODAY)
    other_cycle, other_lead = on_site()
    elsewhere = services.sync_finding(other_lead, graded(other_cycle, "minor"), TODAY)
    assert (first.reference, second.reference) == ("S1-1", "S2-2")
    assert (second.cycle_id, second.number) == (stage1.cycle_id, 2)
    assert elsewhere.reference == "S2-1"  # another organisation's cycle counts on its own


def test_a_second_finding_with_a_taken_number_is_refused_by_the_database(db):
    """The cycle's lock is the way; the unique constraint is the net under it."""
    from sqlalchemy.exc import IntegrityError

    audit, _lead = on_site()
    factories.finding(audit, number=1)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            factories.finding(audit, number=1, question_id="7.3-a")


def test_the_plan_deadline_is_a_setting(db):
    settings.put("action_plan_days", 14)
    audit, lead = on_site()
    finding = services.sync_finding(lead, graded(audit, "major"), TODAY)
    assert finding.plan_due_on == TODAY + timedelta(days=14)


def test_a_conforming_grade_raises_nothing(db):
    audit, lead = on_site()
    assert services.sync_finding(lead, graded(audit, "conforming"), TODAY) is None
    assert services.sync_finding(lead, graded(audit, None), TODAY) is None
    assert db.session.scalar(select(Finding)) is None


def test_regrading_an_open_finding_updates_it(db):
    audit, lead = on_site(kind="surveillance1")
    finding = services.sync_finding(lead, graded(audit, "observation"), TODAY)
    again = services.sync_finding(lead, graded(audit, "major", evidence="More seen."), TODAY)
    assert again.id == finding.id
    assert (again.grade, again.evidence) == ("major", "More seen.")
    assert again.plan_due_on == TODAY + timedelta(days=30)
    assert [a for a, *_ in log(finding)] == ["finding_raised", "finding_regraded"]


def test_back_to_conforming_removes_an_unanswered_finding(db):
    audit, lead = on_site()
    finding = services.sync_finding(lead, graded(audit, "minor"), TODAY)
    finding_id = finding.id
    assert services.sync_finding(lead, graded(audit, "conforming"), TODAY) is None
    assert db.session.get(Finding, finding_id) is None
    removed = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "finding_removed"))
    assert removed.subject_id == finding_id


def test_an_answered_finding_refuses_a_new_grade(db):
    audit, lead = on_site()
    finding = services.sync_finding(lead, graded(audit, "minor"), TODAY)
    answer(finding, client_of(audit))
    with pytest.raises(FindingError, match="answer"):
        services.sync_finding(lead, graded(audit, "conforming"), TODAY)
    with pytest.raises(FindingError, match="grade can no longer change"):
        services.sync_finding(lead, graded(audit, "major"), TODAY)
    assert db.session.get(Finding, finding.id).grade == "minor"


def test_a_stage2_major_plan_is_due_by_the_verification_deadline(db):
    settings.put("action_plan_days", 400)
    audit, lead = on_site(kind="stage2")
    finding = services.sync_finding(lead, graded(audit, "major"), TODAY)
    assert finding.plan_due_on == services.verify_by(finding) == TODAY.replace(year=2027, month=5)


# -- answer, review, verify -------------------------------------------------------------------


def test_the_full_path_answer_reject_answer_accept_verify_is_logged(db):
    audit, lead = on_site()
    finding = services.sync_finding(lead, graded(audit, "major"), TODAY)
    client = client_of(audit)

    answer(finding, client, files=[("evidence.pdf", PDF)])
    assert finding.state == "answered"
    services.reject_answer(lead, finding, "Show the updated procedure.")
    assert finding.state == "answer_rejected"
    assert finding.actions[-1].accepted is False
    answer(finding, client)
    services.accept_plan(lead, finding, "Fine.")
    assert finding.state == "plan_accepted" and finding.actions[-1].accepted is True
    services.verify_finding(lead, finding, "Seen in place at the document review.", TODAY)
    assert finding.state == "closed"

    assert log(finding)[1:] == [
        ("answer", "open", "answered"),
        ("reject_answer", "answered", "answer_rejected"),
        ("answer", "answer_rejected", "answered"),
        ("accept_plan", "answered", "plan_accepted"),
        ("verify", "plan_accepted", "closed"),
    ]
    attachments = db.session.scalars(select(Attachment)).all()
    assert [a.original_name for a in attachments] == ["evidence.pdf"]
    assert attachments[0].corrective_action_id == finding.actions[0].id
    db.session.commit()  # the file takes its place when its row commits
    assert evidence.attachment_path(attachments[0]).read_bytes() == PDF


def test_a_target_date_in_the_past_is_refused(db):
    audit, lead = on_site()
    finding = services.sync_finding(lead, graded(audit, "minor"), TODAY)
    with pytest.raises(FindingError, match="past") as refused:
        answer(finding, client_of(audit), target=TODAY - timedelta(days=1))
    assert refused.value.field == "target"
    assert finding.state == "open" and not finding.actions


def test_a_stage2_major_target_after_the_6_months_is_refused(db):
    audit, lead = on_site(kind="stage2")
    finding = services.sync_finding(lead, graded(audit, "major"), TODAY)
    with pytest.raises(FindingError, match="new stage 2"):
        answer(finding, client_of(audit), target=services.verify_by(finding) + timedelta(days=1))
    answer(finding, client_of(audit), target=services.verify_by(finding))
    assert finding.state == "answered"


def test_missing_texts_and_bad_files_refuse_the_answer(db):
    audit, lead = on_site()
    finding = services.sync_finding(lead, graded(audit, "minor"), TODAY)
    client = client_of(audit)
    with pytest.raises(FindingError) as refused:
        services.answer_finding(client, finding, "x", " ", "y", TODAY, [], today=TODAY)
    assert refused.value.field == "root_cause"
    with pytest.raises(UploadError):
        answer(finding, client, files=[("virus.exe", b"MZ")])
    assert finding.state == "open" and not finding.actions


def test_a_client_of_another_organisation_cannot_answer(db):
    audit, lead = on_site()
    finding = services.sync_finding(lead, graded(audit, "minor"), TODAY)
    stranger = factories.user("client")
    with pytest.raises(FindingError):
        answer(finding, stranger)
    with pytest.raises(FindingError):
        answer(finding, lead)  # the auditor does not answer for the client
    assert finding.state == "open"


def test_observations_need_no_answer(db):
    audit, lead = on_site()
    finding = services.sync_finding(lead, graded(audit, "observation"), TODAY)
    with pytest.raises(FindingError, match="no corrective action"):
        answer(finding, client_of(audit))


def test_only_the_audit_team_reviews_and_a_rejection_needs_a_comment(db):
    audit, lead = on_site()
    finding = services.sync_finding(lead, graded(audit, "minor"), TODAY)
    answer(finding, client_of(audit))
    outsider = factories.user("auditor")
    with pytest.raises(FindingError):
        services.accept_plan(outsider, finding)
    with pytest.raises(FindingError) as refused:
        services.reject_answer(lead, finding, "  ")
    assert refused.value.field == "comment"
    with pytest.raises(FindingError, match="cannot be done now"):
        services.verify_finding(lead, finding, "Seen.", TODAY)
    assert finding.state == "answered"


def test_verification_needs_a_note(db):
    audit, lead = on_site()
    finding = services.sync_finding(lead, graded(audit, "minor"), TODAY)
    answer(finding, client_of(audit))
    services.accept_plan(lead, finding)
    with pytest.raises(FindingError) as refused:
        services.verify_finding(lead, finding, "", TODAY)
    assert refused.value.field == "note" and finding.state == "plan_accepted"


def test_the_team_edits_the_write_up(db):
    audit, lead = on_site()
    finding = services.sync_finding(lead, graded(audit, "minor"), TODAY)
    services.edit_finding(lead, finding, " Not acknowledged. ", "Log.", "ISO 10002 7.4")
    assert (finding.statement, finding.evidence, finding.requirement) == (
        "Not acknowledged.",
        "Log.",
        "ISO 10002 7.4",
    )
    assert log(finding)[-1][0] == "finding_edited"
    (edited,) = db.session.scalars(
        select(ActivityLog).where(ActivityLog.action == "finding_edited")
    )
    worded = notes.text(edited, "en")
    assert worded.startswith("Statement of the finding, Objective evidence, Requirement (what")
    with pytest.raises(FindingError):
        services.edit_finding(client_of(audit), finding, "x", "y", "z")


# -- overdue ----------------------------------------------------------------------------------


def test_overdue_findings_are_flagged_and_filtered(db):
    audit, lead = on_site(kind="surveillance1", last_day=TODAY - timedelta(days=60))
    late = services.sync_finding(lead, graded(audit, "minor"), TODAY - timedelta(days=60))
    fresh = services.sync_finding(lead, graded(audit, "major", question="8.1-a"), TODAY)
    answered = services.sync_finding(
        lead, graded(audit, "minor", question="8.2-a"), TODAY - timedelta(days=60)
    )
    answer(answered, client_of(audit))
    badges = services.due_badges([late, fresh, answered], TODAY)
    assert badges == {late.id: "overdue", fresh.id: "due_30", answered.id: None}
    overdue = db.session.scalars(queries.open_findings_query("overdue", TODAY)).all()
    assert overdue == [late]
    assert len(db.session.scalars(queries.open_findings_query("open", TODAY)).all()) == 3


def test_an_accepted_plan_past_its_target_date_is_overdue(db):
    audit, lead = on_site(kind="surveillance1")
    finding = services.sync_finding(lead, graded(audit, "minor"), TODAY)
    answer(finding, client_of(audit), target=TODAY + timedelta(days=5))
    services.accept_plan(lead, finding)
    later = TODAY + timedelta(days=6)
    assert services.due_status(finding, later) == "overdue"
    assert db.session.scalars(queries.open_findings_query("overdue", later)).all() == [finding]
    assert db.session.scalars(queries.open_findings_query("overdue", TODAY)).all() == []


def test_a_stage2_major_not_verified_in_6_months_needs_a_new_stage2(db):
    audit, lead = on_site(kind="stage2")
    finding = services.sync_finding(lead, graded(audit, "major"), TODAY)
    answer(finding, client_of(audit), target=TODAY + timedelta(days=10))
    deadline = services.verify_by(finding)
    assert not services.stage2_redo_required(finding, deadline)
    after = deadline + timedelta(days=1)
    assert services.stage2_redo_required(finding, after)
    assert services.due_status(finding, after) == "overdue"  # answered, never reviewed
    assert db.session.scalars(queries.open_findings_query("overdue", after)).all() == [finding]
