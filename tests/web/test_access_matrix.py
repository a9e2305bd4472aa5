"""Every role against every route, with the objects of an organisation B.

A client of another organisation A guesses B's ids in every URL: it must never get a page of B's
data, and none of its POSTs may change anything. Every route of the app is listed here, so a new
route without a decision about who may use it fails this test.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from certification.accreditations.services import AccreditationInput, save_accreditation
from certification.agreements.services import add_mark_file
from certification.appeals.services import lodge_appeal
from certification.applications.services import submit_application
from certification.applications.uploads import write_file
from certification.audits.attachments import add_attachments
from certification.audits.models import Attachment
from certification.audits.services import (
    checklist_of,
    save_answer,
    start_audit,
)
from certification.calendar.models import Unavailability
from certification.certificates.models import Certificate
from certification.competence import services as competence
from certification.complaints import handling as complaint_handling
from certification.complaints.services import Filing, receive_complaint
from certification.decisions.models import Decision
from certification.extensions import db as _db
from certification.findings.models import Finding
from certification.findings.services import answer_finding
from certification.impartiality import services as impartiality
from certification.notifications.models import ExtraRecipient, Notification, OutboxMessage
from certification.plans.services import prepare_plan, send_plan
from certification.programme.models import AuditTeamMember
from certification.settings import services as settings
from certification.transfers.services import OtherCertificate, apply_for_transfer
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SECRET = "Gizli Müşteri B Hizmetleri A.Ş."

ROLES = ("anonymous", "admin", "planner", "committee", "auditor", "lead", "client_a", "client_b")
STAFF = {"admin", "planner", "committee", "auditor", "lead"}
LOGGED_IN = set(ROLES) - {"anonymous"}
PLANNING = {"admin", "planner"}

# endpoint -> the roles that get the page (200) for organisation B's objects. Everyone else gets
# 403 or 404 (signed in) or is sent to the login page (anonymous).
GET_ALLOWED: dict[str, set[str]] = {
    "accounts.account": LOGGED_IN,
    "home.index": LOGGED_IN,
    "home.co_signed": {"admin", "committee"},
    "charts.index": PLANNING | {"committee"},
    "notifications.index": LOGGED_IN,
    "notifications.outbox": {"admin"},
    "notifications.recipients": {"client_a", "client_b"},  # each its own organisation's
    "calendar.audit_file": PLANNING | {"committee", "lead", "client_b"},
    "calendar.month": PLANNING,
    "admin.users": {"admin"},
    "admin.new_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.profile": {"admin"},
    "admin.settings": {"admin"},
    "letterhead.image": {"admin"},  # the stored logo, previewed on the settings page
    "applications.index": PLANNING,
    "applications.new": PLANNING,
    # clients are sent to the portal's page of it; the committee reads it (17021-1 9.5.2 c)
    "applications.detail": PLANNING | {"committee"},
    "applications.document": STAFF | {"client_b"},
    "portal.index": {"client_a", "client_b"},
    "portal.apply": {"client_a", "client_b"},
    "portal.application": {"client_b"},
    "quotes.index": PLANNING,
    "quotes.new": PLANNING,
    "quotes.detail": PLANNING | {"committee", "client_b"},
    "quotes.edit": set(),  # planners, but only a draft: the world's quote is sent (see REDIRECTED)
    "quotes.pdf": PLANNING | {"committee", "client_b"},
    "programme.index": PLANNING | {"committee"},
    "programme.my_audits": {"auditor", "lead"},
    "programme.cycle": PLANNING | {"committee", "lead", "client_b"},
    "programme.audit": PLANNING | {"committee", "lead", "client_b"},
    "programme.schedule": PLANNING,
    "organisations.index": STAFF,
    "organisations.new": PLANNING,
    "organisations.detail": STAFF,  # its own client is sent to the portal
    "organisations.edit": PLANNING,
    # on-site work: working papers are for staff; the client sees findings and, once submitted,
    # the report
    "audits.checklist": PLANNING | {"committee", "lead"},
    "audits.attachment": PLANNING | {"committee", "lead"},
    "audits.session_token": LOGGED_IN,
    "audits.next_question": PLANNING | {"committee", "lead"},  # sent on to the question
    "findings.index": PLANNING | {"committee", "auditor", "lead"},  # auditors: their own
    "findings.detail": PLANNING | {"committee", "lead"},
    "findings.attachment": PLANNING | {"committee", "lead", "client_b"},
    "findings.photo": PLANNING | {"committee", "lead", "client_b"},  # the answer's photo
    "findings.edit": {"lead"},
    "findings.answer": {"client_b"},
    "reports.report": PLANNING | {"committee", "lead"},
    "reports.pdf": PLANNING | {"committee", "lead"},
    "workbooks.download": PLANNING | {"lead"},
    "workbooks.upload": {"lead"},
    # the decision and the certificate; verification is public
    # 17021-1 9.5.1.2: the committee decides; an administrator is not a decider by role.
    "decisions.queue": {"committee"},
    "decisions.file": {"committee"},
    "certificates.index": STAFF,
    "certificates.detail": STAFF | {"client_b"},
    "certificates.pdf": STAFF | {"client_b"},
    "exports.register": PLANNING | {"committee"},
    "exports.certsearch": PLANNING | {"committee"},
    "verification.lookup": set(ROLES),
    "verification.verify": set(ROLES),
    "verification.api_certificate": set(ROLES),
    "verification.register": set(ROLES),
    "health.healthz": set(ROLES),  # load balancers ask it, without a login
    "stale_forms.csrf_token": set(ROLES),  # a fresh form token for an open page (app.js)
    "security.two_factor": STAFF,
    # audit plans: the client sees the versions sent to it
    "plans.for_audit": PLANNING | {"committee", "lead", "client_b"},
    "plans.detail": PLANNING | {"committee", "lead", "client_b"},
    "plans.pdf": PLANNING | {"committee", "lead", "client_b"},
    "plans.edit": PLANNING | {"lead"},
    # the certification agreement and the marks (mark files: certified clients only)
    "agreements.portal": {"client_a", "client_b"},
    "agreements.pdf": LOGGED_IN,
    "agreements.mark_svg": STAFF | {"client_b"},
    "agreements.mark_file": STAFF | {"client_b"},
    "agreements.admin": {"admin"},
    "accreditations.index": {"admin"},
    "accreditations.edit": {"admin"},
    "accreditations.mark": {"admin"},
    # complaints: anyone files one and follows it by its private link; staff handle them
    "complaints_public.new": set(ROLES),
    "complaints_public.track": set(ROLES),
    "complaints.index": STAFF,
    "complaints.overdue": STAFF,
    "complaints.record": PLANNING,
    "complaints.detail": PLANNING | {"committee", "auditor"},  # the auditor investigates it
    "complaints.attachment": PLANNING | {"committee", "auditor"},
    "complaints.client_new": {"client_a", "client_b"},
    "complaints.client_view": {"client_b"},  # the complaint is about organisation B
    "complaints_review.page": PLANNING | {"committee"},
    "complaints_review.pdf": PLANNING | {"committee"},
    # appeals: the client appeals B's decision; staff who oversee appeals see them
    "appeals.index": PLANNING | {"committee"},
    "appeals.new": {"client_b"},
    "appeals.detail": PLANNING | {"committee", "client_b"},
    "appeals.attachment": PLANNING | {"committee", "client_b"},
    "appeals.answer_pdf": set(),  # only once the panel has decided: the world's appeal waits
    # transfers: B applies to transfer a certificate of another body
    "transfers.index": STAFF,
    "transfers.new": PLANNING,
    "transfers.apply": {"client_a", "client_b"},
    "transfers.detail": STAFF | {"client_b"},
    # impartiality: everyone of the body signs; the admin keeps the records, others read them
    "impartiality.index": STAFF,
    # competence records: the admin keeps them; each person reads their own ("lead" is user_id)
    "competence.overview": {"admin"},
    "competence.person": {"admin", "lead"},
    "impartiality.declarations": PLANNING | {"committee"},
    "impartiality.risks": PLANNING | {"committee"},
    "impartiality.risk": {"admin"},
    "impartiality.reviews": PLANNING | {"committee"},
    "impartiality.minutes": PLANNING | {"committee"},
}

# endpoint -> roles sent elsewhere (not to the login page) instead of getting the page.
REDIRECTED = {
    "applications.detail": {"client_b"},
    "organisations.detail": {"client_b"},
    "findings.detail": {"client_b"},  # to the page where it answers the finding
    "plans.for_audit": PLANNING | {"committee", "lead", "client_b"},  # to the newest version
    "plans.edit": PLANNING | {"lead"},  # a plan once sent is not edited: to its page
    "audits.next_question": PLANNING | {"committee", "lead"},
    "quotes.edit": PLANNING,  # a sent quote is not changed: back to its page
}

# Pages that answer every visitor by a redirect or a form of their own.
# The calendar feed answers by its secret token, whoever asks (tests/web/test_calendar.py).
NOT_OBJECT_PAGES = {
    "static",
    "accounts.login",
    "accounts.home",
    "security.second_step",  # without a pending sign-in: back to the login page
    "security.forgot_password",
    "security.set_password",  # a wrong or spent token: 404 for everyone
    "calendar.feed",
}

# endpoint -> the roles that may POST (the others get 403/404/login and nothing changes).
POST_ALLOWED: dict[str, set[str]] = {
    "accounts.account": LOGGED_IN,
    "accounts.language": set(ROLES),
    "accounts.login": set(ROLES),
    "accounts.logout": set(ROLES),
    "notifications.open_one": {"client_b"},  # a notification of client B's user
    "notifications.read_all": LOGGED_IN,
    "notifications.reminders": LOGGED_IN,
    "notifications.retry": {"admin"},
    "notifications.recipients": {"client_a", "client_b"},
    "notifications.remove_recipient": {"client_b"},
    "calendar.new_feed": LOGGED_IN,
    "calendar.revoke_feed": LOGGED_IN,
    "calendar.add_leave": {"auditor", "lead"},
    "calendar.remove_leave": {"lead"},
    "admin.new_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.password_link": {"admin"},
    "admin.reset_two_factor": {"admin"},
    "security.second_step": set(ROLES),  # nothing happens without a pending sign-in
    "security.two_factor": STAFF,
    "security.two_factor_off": STAFF,
    "security.forgot_password": set(ROLES),  # a neutral answer, whoever asks
    "security.set_password": set(ROLES),  # the token is the key: a wrong one gets 404
    "admin.add_conflict": {"admin"},
    "admin.add_qualification": {"admin"},
    "admin.remove_conflict": {"admin"},
    "admin.remove_qualification": {"admin"},
    "admin.renew_qualification": {"admin"},
    "admin.settings": {"admin"},
    "letterhead.save": {"admin"},
    "applications.new": PLANNING,
    "applications.review": PLANNING,
    "portal.apply": {"client_a", "client_b"},
    "portal.withdraw": {"client_b"},
    "quotes.new": PLANNING,
    "quotes.issue": PLANNING,
    "quotes.edit": PLANNING,
    "quotes.accept": PLANNING | {"client_b"},
    "quotes.reject": PLANNING | {"client_b"},
    "quotes.withdraw": PLANNING,
    "programme.schedule": PLANNING,
    "programme.cancel": PLANNING,
    "programme.repeat": PLANNING,
    "programme.declare_personnel": PLANNING,
    "organisations.new": PLANNING,
    "organisations.edit": PLANNING,
    "audits.start": {"lead"},
    "audits.choose_checklist_language": PLANNING | {"committee", "lead"},  # session only
    "audits.save_answer": {"lead"},
    "audits.add_attachment": {"lead"},
    "audits.delete_attachment": {"lead"},
    "findings.edit": {"lead"},
    "findings.accept": {"lead"},
    "findings.reject": {"lead"},
    "findings.verify": {"lead"},
    "findings.answer": {"client_b"},
    "reports.figures": {"lead"},
    "reports.submit": {"lead"},
    "reports.conclude": {"lead"},
    "workbooks.upload": {"lead"},
    "decisions.decide": {"committee"},
    "decisions.certificate_decision": {"committee"},
    "certificates.change": PLANNING,
    "plans.prepare": PLANNING | {"lead"},
    "plans.edit": PLANNING | {"lead"},
    "plans.staff_action": PLANNING | {"lead"},
    "plans.confirm": {"client_b"},
    "plans.change": {"client_b"},
    "agreements.accept": {"client_a", "client_b"},
    "agreements.admin": {"admin"},
    "agreements.add_mark": {"admin"},
    "agreements.remove_mark": {"admin"},
    "accreditations.edit": {"admin"},
    # the public checks an uploaded certificate file (no login, changes nothing)
    "verification.document": set(ROLES),
    "verification.api_document": set(ROLES),
    "complaints_public.new": set(ROLES),
    "complaints_public.reply": set(ROLES),
    "complaints_public.rate": set(ROLES),
    "complaints.record": PLANNING,
    "complaints.step": PLANNING | {"committee", "auditor"},
    "complaints.client_new": {"client_a", "client_b"},
    "complaints.client_view": {"client_b"},
    "appeals.new": {"client_b"},
    "appeals.panel": PLANNING,
    "appeals.decide": set(),  # panel members only, and the world's appeal has no panel yet
    "appeals.stay": set(),
    "appeals.withdraw": {"client_b"},
    "transfers.new": PLANNING,
    "transfers.apply": {"client_a", "client_b"},
    "transfers.review": PLANNING | {"auditor", "lead"},  # a competent person of the body
    "transfers.decide": {"admin", "committee"},
    "transfers.withdraw": PLANNING | {"client_b"},
    "impartiality.index": STAFF,  # each signs their own declaration
    "competence.add_training": {"admin"},
    "competence.add_witnessed": {"admin"},
    "competence.add_evaluation": {"admin"},
    "competence.edit_evaluation": {"admin"},
    "competence.remove_training": {"admin"},
    "competence.remove_witnessed": {"admin"},
    "impartiality.declarations": {"admin"},
    "impartiality.risks": {"admin"},
    "impartiality.risk": {"admin"},
    "impartiality.reviews": {"admin"},
}


@pytest.fixture
def world(db, app):
    today = date.today()
    org_a = factories.organisation(legal_name="Açık Müşteri A Ltd.")
    org_b = factories.organisation(legal_name=SECRET, contact_name="Deniz B")
    people = {
        "admin": factories.user("admin"),
        "planner": factories.user("planner"),
        "committee": factories.committee_member(),
        "auditor": factories.user("auditor"),
        "lead": factories.user("auditor"),
        "client_a": factories.user("client", organisation=org_a),
        "client_b": factories.user("client", organisation=org_b),
    }
    application = submit_application(
        people["client_b"],
        org_b,
        "iso10002",
        "2018",
        "Complaints handling",
        [s.id for s in org_b.sites],
        [("manual.pdf", PDF)],
        today=today,
    )
    quote = factories.quote(
        application, state="issued", issued_on=today, valid_until=today + timedelta(days=30)
    )
    cycle = factories.cycle(quote)
    audit = factories.audit(
        cycle, kind="stage1", state="scheduled", start_date=today, end_date=today
    )
    db.session.add(AuditTeamMember(audit=audit, user=people["lead"], role="lead"))
    qualification = factories.qualification(people["lead"])
    # A tie that the lead's seat was justified over (a consultancy would keep them off: 5.2.10).
    conflict = factories.conflict(
        people["lead"], org_b, kind="other", started_on=today - timedelta(days=900)
    )
    db.session.flush()
    plan = prepare_plan(people["lead"], audit, today)
    send_plan(people["lead"], plan, today)  # 17021-1 9.2.3: before the audit starts
    # On site: the audit is under way, a question graded major with a photo, the client answered.
    start_audit(people["lead"], audit, today)
    question = checklist_of(audit).questions()[0].id
    save_answer(
        people["lead"],
        audit,
        question,
        grade="major",
        points=None,
        evidence="No complaints register kept at the branch.",
        expected_version=0,
        today=today,
    )
    photo = add_attachments(people["lead"], audit, question, [("board.png", PNG)])[0]
    finding = db.session.scalars(select(Finding).where(Finding.audit_id == audit.id)).one()
    answer_finding(
        people["client_b"],
        finding,
        "Register opened",
        "No procedure at branches",
        "Procedure rolled out to all branches",
        today + timedelta(days=20),
        [("register.pdf", PDF)],
        today=today,
    )
    evidence = db.session.scalars(
        select(Attachment).where(Attachment.corrective_action_id.is_not(None))
    ).one()
    # A confidential certificate: the public pages show only its number and status.
    certificate = Certificate(
        number="CB-TEST-0001",
        token="t0k3n-for-the-matrix",
        organisation=org_b,
        cycle=cycle,
        scheme="iso10002",
        edition="2018",
        scope="Complaints handling",
        confidential=True,
        issued_on=today,
        original_issued_on=today,
        expires_on=today + timedelta(days=1000),
    )
    db.session.add(certificate)
    mark = add_mark_file(people["admin"], ("mark.png", PNG))
    settings.put("body_logo", {"stored": write_file(real_png()), "type": "image/png"})
    accreditation = save_accreditation(
        people["admin"],
        None,
        AccreditationInput("TÜRKAK", "AB-1", ["iso10002:2018"], "29", today, None),
        ("turkak.png", PNG),
    )
    complaint = complaint_about(org_b, people, today)
    appeal = appeal_of_b(certificate, people, today)
    transfer = transfer_of_b(org_b, people, today)
    risk, review = impartiality_records(org_b, people, today)
    training, witnessed, evaluation = competence_evidence(people, today)
    extra = ExtraRecipient(organisation=org_b, email="quality@b.example.test")
    db.session.add(extra)
    leave = Unavailability(
        user=people["lead"],
        start_date=today + timedelta(days=60),
        end_date=today + timedelta(days=61),
    )
    db.session.add(leave)
    db.session.commit()  # the finding raised and answered are announced now
    notification = db.session.scalars(
        select(Notification).where(Notification.user_id == people["client_b"].id)
    ).first()
    failed = db.session.scalars(select(OutboxMessage)).first()
    failed.state = "failed"
    db.session.commit()
    ids = {
        "organisation_id": org_b.id,
        "application_id": application.id,
        "doc_id": application.documents[0].id,
        "quote_id": quote.id,
        "cycle_id": cycle.id,
        "audit_id": audit.id,
        "user_id": people["lead"].id,
        "qualification_id": qualification.id,
        "conflict_id": conflict.id,
        "site_id": org_b.sites[0].id,
        "question_id": question,
        "photo_id": photo.id,
        "finding_id": finding.id,
        "certificate_id": certificate.id,
        "plan_id": plan.id,
        "mark_id": mark.id,
        "accreditation_id": accreditation.id,
        "action": "suspend",
        "kind": "stage2",
        "token": certificate.token,
        "number": certificate.number,
        "filename": "app.css",
        "notification_id": notification.id,
        "message_id": failed.id,
        "recipient_id": extra.id,
        "leave_id": leave.id,
        "complaint_id": complaint.id,
        "complaint_token": complaint.token,
        "decision_id": appeal.decision_id,
        "appeal_id": appeal.id,
        "transfer_id": transfer.id,
        "risk_id": risk.id,
        "review_id": review.id,
        "year": today.year,
        "training_id": training.id,
        "witnessed_id": witnessed.id,
        "evaluation_id": evaluation.id,
        "image_key": "body_logo",
    }
    attachments = {
        "audits": photo.id,
        "findings": evidence.id,
        "complaints": complaint.attachments[0].id,
        "appeals": appeal.attachments[0].id,
    }
    return people, ids, attachments


def real_png() -> bytes:
    """A PNG that opens (the body's logo is drawn on every certificate)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (30, 60, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def missing(ids, attachments) -> tuple[dict, dict]:
    """The same ids, every number replaced by one that no row has."""
    gone = 987654321
    return (
        {k: gone if isinstance(v, int) else v for k, v in ids.items()},
        dict.fromkeys(attachments, gone),
    )


def complaint_about(org_b, people, today):
    """A complaint about B from the public, assessed, and investigated by the auditor."""
    filing = Filing(
        complainant_name="Public Person",
        email="p@example.test",
        subject="Rude staff",
        description="At the counter.",
        about="client",
        named_organisation=SECRET,
        category="certified_client",
        files=[("queue.pdf", PDF)],
    )
    complaint = receive_complaint(None, filing, channel="web", today=today)
    complaint_handling.acknowledge(people["planner"], complaint, "Received.", today)
    complaint_handling.assess(
        people["planner"],
        complaint,
        category="certified_client",
        severity="low",
        urgency="normal",
        notes="",
        today=today,
        organisation_id=org_b.id,
    )
    complaint_handling.assign(people["planner"], complaint, people["auditor"], today)
    return complaint


def appeal_of_b(certificate, people, today):
    """B appeals a suspension of its certificate, with a file; no panel yet."""
    decision = Decision(
        organisation_id=certificate.organisation_id,
        cycle_id=certificate.cycle_id,
        certificate_id=certificate.id,
        outcome="suspend",
        decided_on=today,
        reasons="Surveillance refused.",
    )
    _db.session.add(decision)
    _db.session.flush()
    return lodge_appeal(people["client_b"], decision, "Agreed date", [("a.pdf", PDF)], today)


def transfer_of_b(org_b, people, today):
    """B applies to transfer a certificate of another body (nothing reviewed yet)."""
    other = OtherCertificate(
        issuing_body="Another Body",
        accreditation_body="TURKAK",
        accreditation_number="AB-1",
        certificate_number="X-1",
        certificate_status="active",
        issued_on=today - timedelta(days=400),
        original_issued_on=today - timedelta(days=400),
        expires_on=today + timedelta(days=600),
        last_audit_kind="stage2",
        last_audit_on=today - timedelta(days=410),
    )
    return apply_for_transfer(
        people["planner"],
        org_b,
        other,
        scheme="iso10002",
        edition="2018",
        scope="Complaints handling",
        site_ids=[s.id for s in org_b.sites],
        files=[],
        today=today,
    )


def impartiality_records(org_b, people, today):
    """A risk about B in the register and a committee review with its minutes."""
    values = {
        "threat": "familiarity",
        "source_kind": "client",
        "organisation_id": org_b.id,
        "description": "Same lead auditor for years",
        "action_taken": "Rotation",
        "review_on": today + timedelta(days=100),
    }
    risk = impartiality.save_risk(people["admin"], values, today)
    minutes = [("minutes.pdf", PDF)]
    review = impartiality.record_committee_review(
        people["admin"], today, "A, B", "Fine", minutes, today
    )
    return risk, review


def competence_evidence(people, today):
    """The lead auditor's training, a witnessed audit and this year's evaluation."""
    admin, lead = people["admin"], people["lead"]
    training = competence.add_training(
        admin, lead, competence.TrainingDetails("ISO 10002 lead auditor", "IRCA", today), today
    )
    witnessed = competence.add_witnessed_audit(
        admin,
        lead,
        competence.WitnessDetails("Technical manager", today, "B, stage 2", "satisfactory"),
        today,
    )
    evaluation = competence.record_evaluation(
        admin, lead, competence.EvaluationDetails(today, "satisfactory"), today
    )
    return training, witnessed, evaluation


def routes(app, method: str):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if method in rule.methods),
        key=lambda rule: rule.endpoint,
    )


STEPS = {"plans": "revise", "complaints": "propose"}


def url(rule, ids, attachments) -> str:
    # each domain serves its own attachments: the photo of an answer, the client's evidence;
    # and names its own steps: a plan is revised, a complaint's decision proposed
    domain = rule.endpoint.split(".")[0]
    ids = {**ids, "attachment_id": attachments.get(domain), "step": STEPS.get(domain)}
    missing = {name for name in rule.arguments if ids.get(name) is None}
    assert not missing, f"the matrix has no id for {missing} of {rule.endpoint}"
    return rule.build({name: ids[name] for name in rule.arguments})[1]


def sign_in(client, login_as, people, role) -> None:
    with client.session_transaction() as session:
        session.clear()
    if role != "anonymous":
        login_as(people[role])


def snapshot(db) -> dict[str, object]:
    """Row counts of every table and the state of every stateful row."""
    db.session.expire_all()
    seen: dict[str, object] = {}
    for table in db.metadata.sorted_tables:
        count = db.session.execute(select(func.count()).select_from(table)).scalar_one()
        seen[table.name] = count
        if "state" in table.c:
            states = db.session.execute(select(table.c.id, table.c.state).order_by(table.c.id))
            seen[f"{table.name}.state"] = [tuple(row) for row in states]
    return seen


def test_every_route_has_a_decision(app):
    get_routes = {r.endpoint for r in routes(app, "GET")} - NOT_OBJECT_PAGES
    post_routes = {r.endpoint for r in routes(app, "POST")}
    assert get_routes - set(GET_ALLOWED) == set()
    assert post_routes - set(POST_ALLOWED) == set()
    # and no decision about a route that no longer exists
    assert set(GET_ALLOWED) - get_routes == set()
    assert set(POST_ALLOWED) - post_routes == set()


@pytest.mark.parametrize("role", ROLES)
def test_who_gets_each_page(app, client, db, login_as, world, role):
    people, ids, attachments = world
    wrong = []
    for rule in routes(app, "GET"):
        if rule.endpoint in NOT_OBJECT_PAGES or rule.endpoint not in GET_ALLOWED:
            continue
        sign_in(client, login_as, people, role)
        response = client.get(url(rule, ids, attachments))
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        response.close()
        if role in REDIRECTED.get(rule.endpoint, ()):
            ok = response.status_code == 302 and "/login" not in response.headers["Location"]
        elif role in GET_ALLOWED[rule.endpoint]:
            ok = response.status_code == 200
        elif role == "anonymous":
            ok = response.status_code == 302 and "/login" in response.headers["Location"]
        elif role == "client_a" and rule.arguments:
            # another organisation's object answers exactly like a missing one (a 403 only where
            # the role alone is refused, so that a missing id gets the same 403)
            ok = response.status_code == 404 or (
                response.status_code == 403
                and client.get(url(rule, *missing(ids, attachments))).status_code == 403
            )
        else:
            ok = response.status_code in (403, 404)
        if role == "client_a" and SECRET in body:
            ok = False
        if not ok:
            wrong.append(f"{rule.endpoint} -> {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize("role", ["anonymous", "auditor", "lead", "committee", "client_a"])
def test_forbidden_posts_change_nothing(app, client, db, login_as, world, role):
    people, ids, attachments = world
    before = snapshot(db)
    wrong = []
    for rule in routes(app, "POST"):
        if role in POST_ALLOWED.get(rule.endpoint, set()):
            continue
        sign_in(client, login_as, people, role)
        data = {"reason": "x", "note": "x", "notes": "x"}
        response = client.post(url(rule, ids, attachments), data=data)
        response.close()
        if role == "anonymous":
            ok = response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            ok = response.status_code in (403, 404)
        if not ok:
            wrong.append(f"{rule.endpoint} -> {response.status_code}")
    assert wrong == []
    assert snapshot(db) == before
