"""Complaints: receipt with its time limits and files, each handling step and its refusals (which
change nothing), confidentiality, the certified client's say, rating once, double submits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from certification.activity.models import ActivityLog
from certification.complaints import closing, handling, services
from certification.complaints.models import Complaint, ComplaintAttachment
from certification.extensions import db as _db
from certification.programme.models import AuditTeamMember
from certification.settings import services as settings
from tests import factories
from tests.web.test_access_matrix import PDF, snapshot

TODAY = date(2026, 4, 20)  # a Monday


def filing(**kw) -> services.Filing:
    values = dict(
        complainant_name="Ayşe Yılmaz",
        email="ayse@example.com",
        subject="Auditor arrived two hours late",
        description="The stage 2 audit started two hours late and nobody told us.",
        category="audit_conduct",
    )
    values.update(kw)
    return services.Filing(**values)


def receive(today=TODAY, **kw) -> Complaint:
    where = {k: kw.pop(k) for k in ("organisation", "complainant_organisation") if k in kw}
    key = kw.pop("submission_key", None)
    return services.receive_complaint(
        None, filing(**kw), channel="web", today=today, submission_key=key, **where
    )


def assess(planner, complaint, category="audit_conduct", **kw) -> Complaint:
    """The initial assessment with everyday values; keyword arguments override them."""
    values = dict(severity="low", urgency="normal", notes="", today=TODAY) | kw
    return handling.assess(planner, complaint, category=category, **values)


def staff(role="planner", **kw):
    return factories.user(role, **kw)


def to_state(state: str, complaint=None, today=TODAY):
    """A complaint walked through the steps up to `state` by a planner, an investigator and an
    approver; returns (complaint, people)."""
    complaint = complaint or receive(today=today)
    people = {"planner": staff(), "investigator": staff("auditor"), "approver": staff("committee")}
    planner, investigator = people["planner"], people["investigator"]
    steps = [
        lambda: handling.acknowledge(planner, complaint, "Thank you.", today),
        lambda: assess(planner, complaint, severity="medium", notes="Punctuality.", today=today),
        lambda: handling.assign(planner, complaint, investigator, today),
        lambda: handling.propose(investigator, complaint, "Late.", "We apologise.", today),
        lambda: handling.approve(people["approver"], complaint, "", today),
        lambda: handling.respond(planner, complaint, today),
    ]
    for step in steps:
        if complaint.state == state:
            break
        step()
    assert complaint.state == state
    return complaint, people


# -- receipt --------------------------------------------------------------------------------------


def test_receipt_numbers_the_complaint_and_fixes_its_time_limits(db):
    settings.put("holidays", ["2026-04-23"])
    complaint = receive(files=[("evidence.pdf", PDF)])
    assert complaint.number == "CMP-2026-0001"
    assert len(complaint.token) >= 40 and complaint.state == "received"
    assert complaint.acknowledge_by == date(2026, 4, 28)  # 5 working days, 23 April skipped
    assert complaint.answer_by == date(2026, 5, 12)  # 15 working days (1 May is no holiday here)
    assert complaint.complainant_key == "ayse@example.com"
    assert [a.original_name for a in complaint.attachments] == ["evidence.pdf"]
    assert receive().number == "CMP-2026-0002"
    log = _db.session.scalars(
        select(ActivityLog).where(ActivityLog.action == "complaint_received")
    ).all()
    assert len(log) == 2 and all("Ayşe" not in row.reason for row in log)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"complainant_name": " "}, "complainant_name"),
        ({"email": "", "phone": ""}, "email"),
        ({"subject": ""}, "subject"),
        ({"description": "  "}, "description"),
        ({"about": "client", "named_organisation": ""}, "named_organisation"),
        ({"category": "gossip"}, "category"),
    ],
)
def test_a_bad_filing_is_refused_and_stores_nothing(db, changes, field):
    before = snapshot(_db)
    with pytest.raises(services.ComplaintError) as refused:
        receive(**changes)
    assert refused.value.field == field
    assert snapshot(_db) == before


def test_a_bad_file_refuses_the_whole_complaint(db, app):
    before = snapshot(_db)
    with pytest.raises(services.uploads.UploadError):
        receive(files=[("fine.pdf", PDF), ("virus.exe", b"MZ...")])
    assert snapshot(_db) == before


def test_staff_cannot_date_a_complaint_in_the_future_or_long_ago(db):
    with pytest.raises(services.ComplaintError):
        services.receive_complaint(
            None, filing(), channel="letter", today=TODAY, received_on=TODAY + timedelta(days=1)
        )
    with pytest.raises(services.ComplaintError):
        services.receive_complaint(
            None, filing(), channel="letter", today=TODAY, received_on=TODAY - timedelta(days=90)
        )
    letter = services.receive_complaint(
        None, filing(), channel="letter", today=TODAY, received_on=date(2026, 4, 13)
    )
    assert letter.acknowledge_by == date(2026, 4, 20)


def test_the_same_form_sent_twice_makes_one_complaint(db):
    first = receive(submission_key="form-key-1")
    with pytest.raises(services.DuplicateSubmission) as again:
        receive(submission_key="form-key-1")
    assert again.value.complaint.id == first.id
    assert _db.session.scalar(select(func.count(Complaint.id))) == 1


def test_a_racing_double_submit_falls_back_on_the_unique_key(db, monkeypatch):
    """Two requests at once: the second did not see the first's row when it looked, so the
    unique index stops it; its number goes back and it finds the first complaint."""
    first = receive(submission_key="race")
    monkeypatch.setattr(services, "by_submission_key", _blind_first_time())
    with pytest.raises(services.DuplicateSubmission) as again:
        receive(submission_key="race")
    assert again.value.complaint.id == first.id
    assert _db.session.scalar(select(func.count(Complaint.id))) == 1
    assert receive().number == "CMP-2026-0002"  # no number was lost to the race


def _blind_first_time():
    calls = {"n": 0}

    def lookup(key):
        calls["n"] += 1
        if calls["n"] == 1:
            return None
        return _db.session.scalar(select(Complaint).where(Complaint.submission_key == key))

    return lookup


# -- the steps -------------------------------------------------------------------------------------


def test_the_whole_handling_until_the_complainant_accepts(db):
    complaint, people = to_state("answered")
    assert complaint.acknowledged_on == TODAY and complaint.answered_on == TODAY
    assert complaint.approver_id == people["approver"].id
    closing.reply(None, complaint, True, "Thank you", TODAY)
    assert complaint.state == "closed" and complaint.closure == "accepted"
    actions = _db.session.scalars(
        select(ActivityLog.action)
        .where(ActivityLog.subject_type == "Complaint")
        .order_by(ActivityLog.id)
    ).all()
    assert actions == [
        "complaint_received",
        "acknowledge",
        "assess",
        "assign",
        "propose",
        "approve",
        "respond",
        "accept",
    ]


def test_an_involved_person_cannot_investigate_and_the_reason_is_given(db):
    complaint, people = to_state("acknowledged")
    auditor = staff("auditor", name="Nino Beridze")
    assess(people["planner"], complaint, "personnel", involved=[(auditor.id, "the one late")])
    before = snapshot(_db)
    with pytest.raises(services.ComplaintError) as refused:
        handling.assign(people["planner"], complaint, auditor, TODAY)
    assert "Nino Beridze is involved in the matter complained about" in refused.value.message
    assert "the one late" in refused.value.message
    assert "17021-1 9.7" in refused.value.message
    assert snapshot(_db) == before


def test_the_audit_team_and_deciders_of_the_audit_concerned_are_involved(db):
    org = factories.organisation()
    cycle = factories.cycle(factories.quote(factories.application(org)))
    audit = factories.audit(cycle, "stage2", state="closed", start_date=TODAY, end_date=TODAY)
    lead = staff("auditor")
    _db.session.add(AuditTeamMember(audit=audit, user=lead, role="lead"))
    complaint, people = to_state("acknowledged", receive(complainant_organisation=org))
    assess(people["planner"], complaint, audit_id=audit.id)
    with pytest.raises(services.ComplaintError) as refused:
        handling.assign(people["planner"], complaint, lead, TODAY)
    assert "on the team of the audit concerned" in refused.value.message


def test_a_conflict_with_the_client_concerned_bars_the_investigator(db):
    org = factories.organisation()
    complaint, people = to_state("acknowledged", receive(about="client", named_organisation="X"))
    assess(people["planner"], complaint, "certified_client", organisation_id=org.id)
    auditor = staff("auditor")
    factories.conflict(auditor, org, kind="other")
    with pytest.raises(services.ComplaintError) as refused:
        handling.assign(people["planner"], complaint, auditor, TODAY)
    assert "conflict of interest" in refused.value.message


def test_the_investigator_cannot_approve_their_own_proposal(db):
    complaint, people = to_state("decision_proposed")
    people["investigator"].role = "committee"
    _db.session.flush()
    before = snapshot(_db)
    with pytest.raises(services.ComplaintError) as refused:
        handling.approve(people["investigator"], complaint, "", TODAY)
    assert "investigated this complaint" in refused.value.message
    assert snapshot(_db) == before


def test_an_involved_approver_is_refused(db):
    complaint, people = to_state("acknowledged")
    member = staff("committee", name="Giorgi Komiteti")
    assess(people["planner"], complaint, "decision", involved=[(member.id, "")])
    handling.assign(people["planner"], complaint, people["investigator"], TODAY)
    handling.propose(people["investigator"], complaint, "Found", "Answer", TODAY)
    before = snapshot(_db)
    with pytest.raises(services.ComplaintError) as refused:
        handling.approve(member, complaint, "", TODAY)
    assert "Giorgi Komiteti is involved" in refused.value.message
    assert snapshot(_db) == before


def test_only_the_investigator_proposes(db):
    complaint, people = to_state("investigating")
    before = snapshot(_db)
    with pytest.raises(services.ComplaintError):
        handling.propose(people["planner"], complaint, "Found", "Answer", TODAY)
    assert snapshot(_db) == before


def test_sent_back_goes_to_the_investigator_again(db):
    complaint, people = to_state("decision_proposed")
    handling.send_back(people["approver"], complaint, "Ask the auditor too.", TODAY)
    assert complaint.state == "investigating"


@pytest.mark.parametrize(
    "state, step",
    [
        ("received", lambda c, p: handling.respond(p["planner"], c, TODAY)),
        ("received", lambda c, p: handling.assign(p["planner"], c, p["investigator"], TODAY)),
        ("acknowledged", lambda c, p: handling.acknowledge(p["planner"], c, "Again", TODAY)),
        ("answered", lambda c, p: handling.dismiss(p["planner"], c, "No", TODAY)),
        ("decision_approved", lambda c, p: closing.close(p["planner"], c, "no_reply", "x", TODAY)),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(db, state, step):
    complaint, people = to_state(state)
    before = snapshot(_db)
    with pytest.raises(services.ComplaintError) as refused:
        step(complaint, people)
    assert "This cannot be done now" in refused.value.message
    assert snapshot(_db) == before


def test_only_complaint_handlers_run_the_process(db):
    complaint, auditor = receive(), staff("auditor")
    before = snapshot(_db)
    with pytest.raises(services.ComplaintError):
        handling.acknowledge(auditor, complaint, "Hello", TODAY)
    assert snapshot(_db) == before


def test_not_a_complaint_is_answered_and_closed(db):
    complaint, people = to_state("acknowledged")
    handling.dismiss(people["planner"], complaint, "This is a request for a quote.", TODAY)
    assert (complaint.state, complaint.closure) == ("dismissed", "not_a_complaint")
    assert complaint.closed_on == TODAY


def test_not_accepting_keeps_the_complaint_open_with_the_recourse_explained(db):
    complaint, people = to_state("answered")
    with pytest.raises(services.ComplaintError):
        closing.reply(None, complaint, False, "", TODAY)  # why not, please
    closing.reply(None, complaint, False, "The apology is not enough.", TODAY)
    assert complaint.state == "in_recourse" and complaint.closed_on is None
    assert "internal appeal" in complaint.recourse_note
    assert "accreditation body" in complaint.recourse_note
    with pytest.raises(services.ComplaintError):  # no_reply does not fit any more
        closing.close(people["planner"], complaint, "no_reply", "x", TODAY)
    closing.close(people["planner"], complaint, "recourse_exhausted", "Appeal rejected.", TODAY)
    assert complaint.state == "closed"


def test_a_complaint_without_reply_closes_only_after_the_reply_time(db):
    complaint, people = to_state("answered")
    before = snapshot(_db)
    with pytest.raises(services.ComplaintError) as refused:
        closing.close(people["planner"], complaint, "no_reply", "No word.", date(2026, 5, 4))
    assert "10 working days" in refused.value.message
    assert snapshot(_db) == before
    closing.close(people["planner"], complaint, "no_reply", "No word.", date(2026, 5, 5))
    assert complaint.state == "closed" and complaint.closure == "no_reply"


def test_the_handling_is_rated_once_after_closing(db):
    complaint, _people = to_state("answered")
    with pytest.raises(services.ComplaintError):
        closing.rate(complaint, 5, "")
    closing.reply(None, complaint, True, "", TODAY)
    with pytest.raises(services.ComplaintError):
        closing.rate(complaint, 7, "")
    closing.rate(complaint, 4, "Quick and fair.")
    assert (complaint.satisfaction_score, complaint.satisfaction_comment) == (4, "Quick and fair.")
    before = snapshot(_db)
    with pytest.raises(services.ComplaintError) as again:
        closing.rate(complaint, 1, "Changed my mind")
    assert "already rated" in again.value.message
    assert snapshot(_db) == before


def test_the_guarded_update_refuses_a_second_rating_that_raced(db):
    complaint, _people = to_state("answered")
    closing.reply(None, complaint, True, "", TODAY)
    _db.session.execute(
        Complaint.__table__.update()
        .where(Complaint.id == complaint.id)
        .values(satisfaction_score=5)
    )
    # this request loaded the complaint before the other rating landed
    set_committed_value(complaint, "satisfaction_score", None)
    with pytest.raises(services.ComplaintError):
        closing.rate(complaint, 1, "")
    _db.session.expire_all()
    assert _db.session.get(Complaint, complaint.id).satisfaction_score == 5


# -- confidentiality and the certified client ------------------------------------------------------


def test_identity_is_for_those_handling_it(db):
    complaint, people = to_state("investigating")
    assert handling.can_see_identity(people["planner"], complaint)
    assert handling.can_see_identity(people["investigator"], complaint)
    assert not handling.can_see_identity(staff("auditor"), complaint)
    assert not handling.can_see_identity(staff("committee"), complaint)
    complaint.identity_shared = True
    assert handling.can_see_identity(staff("auditor"), complaint)


def test_the_certified_client_is_told_and_answers_once(db):
    org = factories.organisation()
    client = factories.user("client", organisation=org)
    other = factories.user("client")
    complaint, people = to_state(
        "acknowledged", receive(about="client", named_organisation="Their shop")
    )
    with pytest.raises(services.ComplaintError):  # the organisation must be chosen
        assess(people["planner"], complaint, "certified_client")
    assess(people["planner"], complaint, "certified_client", organisation_id=org.id)
    informed = _db.session.scalars(
        select(ActivityLog).where(ActivityLog.action == "complaint_client_informed")
    ).one()
    assert informed.organisation_id == org.id
    with pytest.raises(services.ComplaintError):
        closing.client_respond(other, complaint, "Not us", TODAY)
    closing.client_respond(client, complaint, "We refunded the customer.", TODAY)
    assert complaint.client_response == "We refunded the customer."
    with pytest.raises(services.ComplaintError):
        closing.client_respond(client, complaint, "Again", TODAY)


def test_files_are_stored_under_random_names(db, app):
    complaint = receive(files=[("photo of the queue.pdf", PDF)])
    row = _db.session.scalars(select(ComplaintAttachment)).one()
    assert row.original_name == "photo of the queue.pdf" and row.stored_name != row.original_name
    _db.session.commit()  # the file takes its place when its row commits
    assert services.attachment_path(row).read_bytes() == PDF
    assert row.complaint_id == complaint.id
