"""Small builders with sensible defaults; each adds to the session and flushes."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from certification.accounts.models import AuditorQualification, ConflictOfInterest, Role, User
from certification.applications.models import Application
from certification.extensions import db
from certification.findings.models import Finding
from certification.organisations.models import Organisation, Site
from certification.programme.models import Audit, Cycle
from certification.quotes.models import Quote

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def organisation(**kw) -> Organisation:
    n = next(_seq)
    org = Organisation(
        legal_name=kw.pop("legal_name", f"Örnek Hizmet A.Ş. {n}"),
        english_name=kw.pop("english_name", f"Example Services {n}"),
        country=kw.pop("country", "TR"),
        city=kw.pop("city", "İstanbul"),
        address=kw.pop("address", "Atatürk Cad. 1"),
        sector_code=kw.pop("sector_code", "29"),
        effective_personnel=kw.pop("effective_personnel", 40),
        currency=kw.pop("currency", "EUR"),
        **kw,
    )
    org.sites.append(
        Site(name="Head office", address=org.address, city=org.city, country=org.country,
             personnel=org.effective_personnel, scope="Retail services", is_head_office=True)
    )
    return _add(org)


def user(role: str | Role = Role.PLANNER, **kw) -> User:
    n = next(_seq)
    role = Role(role)
    if role == Role.CLIENT and "organisation" not in kw and "organisation_id" not in kw:
        kw["organisation"] = organisation()
    u = User(
        email=kw.pop("email", f"{role.value}{n}@example.test"),
        name=kw.pop("name", f"{role.value.title()} {n}"),
        role=role.value,
        **kw,
    )
    u.set_password(PASSWORD)
    return _add(u)


def qualification(auditor: User, scheme="iso10002", sector_code="29", **kw):
    return _add(AuditorQualification(auditor=auditor, scheme=scheme, sector_code=sector_code, **kw))


def competence(person: User, scheme="iso10002", sector_code="", **kw):
    """A certification committee member's recorded competence (17021-1 7.2), all sectors."""
    return qualification(person, scheme=scheme, sector_code=sector_code, role="committee_member",
                         **kw)


def committee_member(**kw) -> User:
    """A committee member competent to decide on every scheme the body runs."""
    member = user("committee", **kw)
    for scheme in ("iso10002", "ts-iso10002", "csat-star"):
        competence(member, scheme=scheme)
    return member


def conflict(person: User, org: Organisation, kind="consultancy", **kw):
    return _add(ConflictOfInterest(user=person, organisation=org, kind=kind, **kw))


def application(org: Organisation | None = None, **kw) -> Application:
    org = org or organisation()
    app = Application(
        organisation=org,
        scheme=kw.pop("scheme", "iso10002"),
        edition=kw.pop("edition", "2018"),
        scope=kw.pop("scope", "Handling of customer complaints for retail services"),
        **kw,
    )
    app.sites = list(org.sites)
    return _add(app)


def quote(app: Application | None = None, **kw) -> Quote:
    app = app or application()
    q = Quote(
        number=kw.pop("number", f"Q-T-{next(_seq):05d}"),
        organisation=app.organisation,
        application=app,
        employees=kw.pop("employees", 40),
        sites=kw.pop("sites", 1),
        table_days=Decimal("4"),
        initial_days=Decimal("4"),
        stage1_days=Decimal("1.5"),
        stage2_days=Decimal("2.5"),
        surveillance_days=Decimal("1.5"),
        recertification_days=Decimal("2.5"),
        currency=kw.pop("currency", "EUR"),
        day_rate=Decimal("950"),
        total=kw.pop("total", Decimal("4350")),
        **kw,
    )
    return _add(q)


def cycle(q: Quote | None = None, **kw) -> Cycle:
    q = q or quote()
    return _add(
        Cycle(organisation=q.organisation, application=q.application, quote=q,
              scheme=q.application.scheme, edition=q.application.edition, **kw)
    )


SEQUENCE = {"stage1": 1, "stage2": 2, "surveillance1": 3, "surveillance2": 4, "recertification": 5}


def audit(c: Cycle | None = None, kind="stage1", **kw) -> Audit:
    c = c or cycle()
    kw.setdefault("sequence", SEQUENCE.get(kind, 0))
    return _add(Audit(cycle=c, organisation=c.organisation, kind=kind, **kw))


def concluded_stage1(c: Cycle, last_day: date | None = None, readiness="ready", **kw) -> Audit:
    """A stage 1 closed with the lead auditor's conclusion (17021-1 9.3.1), ended `last_day`."""
    from certification.reports.models import AuditReport

    last_day = last_day or today()
    stage1 = audit(c, kind="stage1", state="closed", start_date=last_day,
                   end_date=last_day, **kw)
    _add(AuditReport(audit_id=stage1.id, computed_recommendation="recommended",
                     recommendation="recommended", readiness=readiness, summary="Ready."))
    return stage1


def sent_plan(a: Audit, by: User | None = None, on: date | None = None, answer: str = ""):
    """The audit's plan prepared from its present dates and team and sent to the client, through
    the plan services (17021-1 9.2.3: an audit starts only once the client has its plan).
    `answer` "confirm" or "change": the client's answer to it."""
    from certification.plans import services as plans

    on = on or today()
    db.session.flush()
    db.session.expire(a, ["team"])  # seats added by id since the audit was loaded
    by = by or user(Role.PLANNER)
    plan = plans.prepare_plan(by, a, on, seed=1)
    plan.representative = plan.representative or "Quality manager"
    plans.send_plan(by, plan, on)
    if answer:
        client = next((u for u in a.organisation.users), None) or user(
            Role.CLIENT, organisation=a.organisation
        )
        if answer == "confirm":
            plans.confirm_plan(client, plan, on)
        else:
            plans.request_change(client, plan, "Another day, please.", on)
    return plan


def finding(a: Audit, grade="major", state="open", number=None, **kw) -> Finding:
    """A finding on question 7.2-a of the audit, as the checklist would raise it (numbered next
    in the audit's cycle unless `number` is given)."""
    from certification.findings.rules import finding_reference
    from certification.findings.services import next_number

    number = number or next_number(a.cycle_id)
    return _add(
        Finding(
            audit_id=a.id,
            organisation_id=a.organisation_id,
            cycle_id=a.cycle_id,
            number=number,
            reference=finding_reference(a.kind, number),
            question_id=kw.pop("question_id", "7.2-a"),
            clause=kw.pop("clause", "7.2"),
            grade=grade,
            state=state,
            statement=kw.pop("statement", "Complaints received by phone are not recorded."),
            raised_on=kw.pop("raised_on", today()),
            **kw,
        )
    )


def today() -> date:
    return date(2026, 11, 24)


def agreement(org: Organisation, by: User | None = None):
    """The client's acceptance of the certification agreement in force (17021-1 5.1.2)."""
    from certification.agreements.models import AgreementAcceptance
    from certification.agreements.services import acceptance_in_force, current_version

    existing = acceptance_in_force(org.id)
    if existing is not None:
        return existing
    if by is None:
        by = next((u for u in org.users), None) or user(Role.CLIENT, organisation=org)
    return _add(
        AgreementAcceptance(organisation_id=org.id, version_id=current_version().id,
                            accepted_by_id=by.id, address="192.0.2.1")
    )


def next_number() -> int:
    """A number no other factory row has used yet (for unique names and numbers)."""
    return next(_seq)


def now():
    from certification.models_base import utcnow

    return utcnow()
