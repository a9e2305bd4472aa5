"""Every role against every route, with the objects of an organisation B.

A client of another organisation A guesses B's ids in every URL: it must never get a page of B's
data, and none of its POSTs may change anything. Every route of the app is listed here, so a new
route without a decision about who may use it fails this test.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from certification.applications.services import submit_application
from certification.audits.models import Attachment
from certification.audits.services import (
    add_attachments,
    checklist_of,
    save_answer,
    start_audit,
)
from certification.certificates.models import Certificate
from certification.findings.models import Finding
from certification.findings.services import answer_finding
from certification.programme.models import AuditTeamMember
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
    "admin.users": {"admin"},
    "admin.new_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.profile": {"admin"},
    "admin.settings": {"admin"},
    "applications.index": PLANNING,
    "applications.new": PLANNING,
    "applications.detail": PLANNING,  # clients are sent to the portal's page of it
    "applications.document": STAFF | {"client_b"},
    "portal.index": {"client_a", "client_b"},
    "portal.apply": {"client_a", "client_b"},
    "portal.application": {"client_b"},
    "quotes.index": PLANNING,
    "quotes.new": PLANNING,
    "quotes.detail": PLANNING | {"committee", "client_b"},
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
    "findings.index": PLANNING | {"committee"},
    "findings.detail": PLANNING | {"committee", "lead"},
    "findings.attachment": PLANNING | {"committee", "lead", "client_b"},
    "findings.edit": {"lead"},
    "findings.answer": {"client_b"},
    "reports.report": PLANNING | {"committee", "lead"},
    "reports.pdf": PLANNING | {"committee", "lead"},
    "workbooks.download": PLANNING | {"lead"},
    "workbooks.upload": {"lead"},
    # the decision and the certificate; verification is public
    "decisions.queue": {"admin", "committee"},
    "decisions.file": {"admin", "committee"},
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
    "security.two_factor": STAFF,
}

# endpoint -> roles sent elsewhere (not to the login page) instead of getting the page.
REDIRECTED = {
    "applications.detail": {"client_b"},
    "organisations.detail": {"client_b"},
    "findings.detail": {"client_b"},  # to the page where it answers the finding
}

# Pages that answer every visitor by a redirect or a form of their own.
NOT_OBJECT_PAGES = {
    "static",
    "accounts.login",
    "accounts.home",
    "security.second_step",  # without a pending sign-in: back to the login page
    "security.forgot_password",
    "security.set_password",  # a wrong or spent token: 404 for everyone
}

# endpoint -> the roles that may POST (the others get 403/404/login and nothing changes).
POST_ALLOWED: dict[str, set[str]] = {
    "accounts.account": LOGGED_IN,
    "accounts.language": set(ROLES),
    "accounts.login": set(ROLES),
    "accounts.logout": set(ROLES),
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
    "admin.settings": {"admin"},
    "applications.new": PLANNING,
    "applications.review": PLANNING,
    "portal.apply": {"client_a", "client_b"},
    "portal.withdraw": {"client_b"},
    "quotes.new": PLANNING,
    "quotes.issue": PLANNING,
    "quotes.accept": PLANNING | {"client_b"},
    "quotes.reject": PLANNING | {"client_b"},
    "quotes.withdraw": PLANNING,
    "programme.schedule": PLANNING,
    "programme.cancel": PLANNING,
    "organisations.new": PLANNING,
    "organisations.edit": PLANNING,
    "audits.start": {"lead"},
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
    "workbooks.upload": {"lead"},
    "decisions.decide": {"admin", "committee"},
    "decisions.certificate_decision": {"admin", "committee"},
    "certificates.change": PLANNING,
}


@pytest.fixture
def world(db, app):
    today = date.today()
    org_a = factories.organisation(legal_name="Açık Müşteri A Ltd.")
    org_b = factories.organisation(legal_name=SECRET)
    people = {
        "admin": factories.user("admin"),
        "planner": factories.user("planner"),
        "committee": factories.user("committee"),
        "auditor": factories.user("auditor"),
        "lead": factories.user("auditor"),
        "client_a": factories.user("client", organisation=org_a),
        "client_b": factories.user("client", organisation=org_b),
    }
    application = submit_application(
        people["client_b"], org_b, "iso10002", "2018", "Complaints handling",
        [s.id for s in org_b.sites], [("manual.pdf", PDF)], today=today,
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
    conflict = factories.conflict(people["lead"], org_b, started_on=today - timedelta(days=900))
    db.session.flush()
    # On site: the audit is under way, a question graded major with a photo, the client answered.
    start_audit(people["lead"], audit, today)
    question = checklist_of(audit).questions()[0].id
    save_answer(people["lead"], audit, question, grade="major", points=None,
                evidence="No complaints register kept at the branch.", expected_version=0,
                today=today)
    photo = add_attachments(people["lead"], audit, question, [("board.png", PNG)])[0]
    finding = db.session.scalars(select(Finding).where(Finding.audit_id == audit.id)).one()
    answer_finding(people["client_b"], finding, "Register opened", "No procedure at branches",
                   "Procedure rolled out to all branches", today + timedelta(days=20),
                   [("register.pdf", PDF)], today=today)
    evidence = db.session.scalars(
        select(Attachment).where(Attachment.corrective_action_id.is_not(None))
    ).one()
    # A confidential certificate: the public pages show only its number and status.
    certificate = Certificate(
        number="CB-TEST-0001", token="t0k3n-for-the-matrix", organisation=org_b, cycle=cycle,
        scheme="iso10002", edition="2018", scope="Complaints handling", confidential=True,
        issued_on=today, original_issued_on=today, expires_on=today + timedelta(days=1000),
    )
    db.session.add(certificate)
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
        "finding_id": finding.id,
        "certificate_id": certificate.id,
        "action": "suspend",
        "token": certificate.token,
        "number": certificate.number,
        "filename": "app.css",
    }
    attachments = {"audits": photo.id, "findings": evidence.id}
    return people, ids, attachments


def missing(ids, attachments) -> tuple[dict, dict]:
    """The same ids, every number replaced by one that no row has."""
    gone = 987654321
    return (
        {k: gone if isinstance(v, int) else v for k, v in ids.items()},
        dict.fromkeys(attachments, gone),
    )


def routes(app, method: str):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if method in rule.methods),
        key=lambda rule: rule.endpoint,
    )


def url(rule, ids, attachments) -> str:
    # each domain serves its own attachments: the photo of an answer, the client's evidence
    ids = {**ids, "attachment_id": attachments.get(rule.endpoint.split(".")[0])}
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
