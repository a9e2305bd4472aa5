"""Every POST route, its form's fields mutated (empty, huge, control characters, wrong types,
out-of-range numbers, Unicode edge cases): no answer may be a server error.

One world is built (a client in the cycle at every stage the forms act on), then each route gets,
as the person the route is for: every field at once set to each mutation, and each field alone set
to the harshest ones with the others left sensible. A route added later and not listed in ROUTES
is still fuzzed (as an admin and as nobody, with common field names): the list only sharpens it.
Requests change the world as they succeed; that is fine, the point is the absence of 500s.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from certification.certificates.models import Certificate
from certification.extensions import db
from certification.findings.models import CorrectiveAction
from certification.models_base import utcnow
from tests import factories, scenarios

TODAY = date.today()
SOON = (TODAY + timedelta(days=10)).isoformat()

# The same text is sent in every field of a form, then in each field alone.
MUTATIONS = {
    "empty": "",
    "huge": "ø" * 60_000,
    "controls": "\x00\x01\x08\x0b\x1b\x7f a\x00b",
    "digits": "9" * 30,
    "negative": "-1",
    "exponent": "1e309",
    "nan": "NaN",
    "fraction": "2.5",
    "words": "abc",
    "bad date": "2026-02-30",
    "far date": "99999-12-31",
    "last date": "9999-12-31",
    "first date": "0001-01-01",
    "unicode": "\u202eİ̇ß\U0001d518\ufeff\u200b\uffff👩‍👩‍👧 ﷽",
    "markup": "<script>alert(1)</script>{{7*7}}%(x)s",
}
# Each field alone gets these (the others keep sensible values).
ALONE = ("empty", "huge", "controls", "digits", "exponent", "unicode")
GENERIC_FIELDS = ("reason", "note", "name", "email", "password", "comment", "code", "q")


@dataclass
class Route:
    role: str  # who uses it: a key of World.people, or "nobody"
    url: str
    data: dict[str, str] = field(default_factory=dict)
    json: bool = False


@dataclass
class World:
    people: dict[str, object]
    ids: dict[str, int]


def build_world(session) -> World:
    on_site = scenarios.stage2_on_site(session, TODAY)
    decided = scenarios.submitted_stage2(session, TODAY)
    org = on_site.audit.organisation
    people = {
        "admin": factories.user("admin"),
        "planner": on_site.planner,
        "committee": factories.user("committee"),
        "auditor": on_site.lead,
        "client": on_site.client,
        "nobody": None,
    }
    submitted = factories.application(org, state="submitted")
    approved = factories.application(
        org,
        state="approved",
        competence_confirmed=True,
        reviewed_by_id=on_site.planner.id,
        reviewed_at=utcnow(),
    )
    draft = factories.quote(approved, state="draft")
    issued = factories.quote(
        approved, state="issued", issued_on=TODAY, valid_until=TODAY + timedelta(days=30)
    )
    planned = factories.audit(on_site.audit.cycle, kind="surveillance1", state="planned")
    answered = factories.finding(on_site.audit, "minor", "answered", number=90)
    answered.actions.append(
        CorrectiveAction(
            correction="Done.", root_cause="None.", action="A form.", target_date=TODAY
        )
    )
    open_finding = factories.finding(on_site.audit, "major", "open", number=91)
    qualification = factories.qualification(on_site.lead, sector_code="30")
    conflict = factories.conflict(people["committee"], org, kind="family")
    certificate = _certificate(decided.audit)
    session.flush()
    ids = {
        "org": org.id,
        "submitted_application": submitted.id,
        "approved_application": approved.id,
        "draft": draft.id,
        "issued": issued.id,
        "planned": planned.id,
        "on_site": on_site.audit.id,
        "decided": decided.audit.id,
        "answered": answered.id,
        "open": open_finding.id,
        "qualification": qualification.id,
        "conflict": conflict.id,
        "certificate": certificate.id,
        "user": people["planner"].id,
        "lead": on_site.lead.id,
        "site": org.sites[0].id,
    }
    return World(people=people, ids=ids)


def _certificate(audit) -> Certificate:
    certificate = Certificate(
        number="TR-FUZZ-0001",
        token="fuzz-token",
        organisation_id=audit.organisation_id,
        cycle_id=audit.cycle_id,
        scheme="iso10002",
        edition="2018",
        scope="Retail services",
        state="active",
        issued_on=TODAY - timedelta(days=100),
        original_issued_on=TODAY - timedelta(days=100),
        expires_on=TODAY + timedelta(days=900),
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def routes(ids: dict[str, int]) -> dict[str, Route]:
    """Endpoint -> how a person uses it, with sensible values for every field."""
    audit, finding, cert = ids["on_site"], ids["answered"], ids["certificate"]
    organisation = {
        "legal_name": "Güneş A.Ş.",
        "english_name": "Sun Inc.",
        "trading_name": "Sun",
        "country": "TR",
        "city": "İzmir",
        "address": "Kordon 5",
        "sector_code": "29",
        "effective_personnel": "40",
        "preferred_language": "tr",
        "currency": "EUR",
        "contact_name": "Ayşe",
        "contact_email": "ayse@example.test",
        "contact_phone": "+90 232 000 00 00",
        "sites-0-id": str(ids["site"]),
        "sites-0-name": "Merkez",
        "sites-0-address": "Kordon 5",
        "sites-0-city": "İzmir",
        "sites-0-personnel": "40",
        "sites-0-scope": "Retail",
    }
    settings = {
        "currencies-0-code": "EUR",
        "currencies-0-day_rate": "950",
        "currencies-0-application_fee": "250",
        "currencies-0-certificate_fee": "300",
        "new_code": "CHF",
        "new_day_rate": "1000",
        "quote_validity_days": "30",
        "stage1_percent": "33.3",
        "action_plan_days": "30",
        "stage1_warn_days": "90",
        "stage1_void_months": "6",
        "suspension_months": "6",
        "due_windows": "90, 30, 7",
        "certificate_number_format": "TR-10002-{year}-{seq:05d}",
    }
    user = {
        "name": "Deniz",
        "email": "deniz@example.test",
        "role": "planner",
        "organisation_id": "0",
        "locale": "tr",
        "active": "y",
        "password": "a long enough password",
    }
    return {
        "accounts.login": Route("nobody", "/login", {"email": "a@b.test", "password": "x"}),
        "accounts.logout": Route("planner", "/logout"),
        "accounts.language": Route("nobody", "/language", {"locale": "tr"}),
        "accounts.account": Route(
            "planner",
            "/account",
            {"locale": "tr", "current_password": "x", "new_password": "y", "confirm_password": "y"},
        ),
        "admin.new_user": Route("admin", "/admin/users/new", user),
        "admin.edit_user": Route("admin", f"/admin/users/{ids['user']}", user),
        "admin.add_qualification": Route(
            "admin",
            f"/admin/users/{ids['lead']}/qualifications",
            {"scheme": "iso10002", "sector_code": "12", "valid_until": SOON},
        ),
        "admin.remove_qualification": Route(
            "admin", f"/admin/qualifications/{ids['qualification']}/remove", {"reason": "Ended."}
        ),
        "admin.add_conflict": Route(
            "admin",
            f"/admin/users/{ids['lead']}/conflicts",
            {"organisation_id": str(ids["org"]), "kind": "family", "started_on": "2024-01-01"},
        ),
        "admin.remove_conflict": Route(
            "admin", f"/admin/conflicts/{ids['conflict']}/remove", {"reason": "Ended."}
        ),
        "admin.settings": Route("admin", "/admin/settings", settings),
        "applications.new": Route(
            "planner",
            f"/applications/new?organisation_id={ids['org']}",
            {"scheme": "iso10002:2018", "scope": "Retail complaints handling", "confirm": "y"},
        ),
        "applications.review": Route(
            "planner",
            f"/applications/{ids['submitted_application']}/review",
            {"outcome": "approve", "competence_confirmed": "y", "notes": "Fine."},
        ),
        "audits.start": Route("auditor", f"/audits/{ids['planned']}/start"),
        "audits.save_answer": Route(
            "auditor",
            f"/audits/{audit}/answers/7.2-a",
            {"grade": "minor", "points": "", "evidence": "Seen.", "version": "1"},
        ),
        "audits.add_attachment": Route("auditor", f"/audits/{audit}/answers/7.2-a/attachments"),
        "audits.delete_attachment": Route("auditor", "/audits/attachments/1/delete"),
        "decisions.decide": Route(
            "committee",
            f"/decisions/audits/{ids['decided']}/decide",
            {"outcome": "grant", "reasons": "Conforms.", "scope": "Retail", "co_member_id": "0"},
        ),
        "decisions.certificate_decision": Route(
            "committee",
            f"/decisions/certificates/{cert}",
            {"outcome": "suspend", "reasons": "Asked."},
        ),
        "findings.edit": Route(
            "auditor",
            f"/findings/{finding}/edit",
            {"statement": "S.", "evidence": "E.", "requirement": "R."},
        ),
        "findings.answer": Route(
            "client",
            f"/findings/{ids['open']}/answer",
            {"correction": "C.", "root_cause": "R.", "action": "A.", "target": SOON},
        ),
        "findings.accept": Route("auditor", f"/findings/{finding}/accept", {"comment": "Fine."}),
        "findings.reject": Route("auditor", f"/findings/{finding}/reject", {"comment": "More."}),
        "findings.verify": Route("auditor", f"/findings/{finding}/verify", {"note": "Seen."}),
        "organisations.new": Route("planner", "/organisations/new", organisation),
        "organisations.edit": Route("planner", f"/organisations/{ids['org']}/edit", organisation),
        "portal.apply": Route(
            "client",
            "/portal/apply",
            {"scheme": "iso10002:2018", "scope": "Retail", "confirm": "y"},
        ),
        "portal.withdraw": Route(
            "client",
            f"/portal/applications/{ids['submitted_application']}/withdraw",
            {"reason": "Later."},
        ),
        "programme.schedule": Route(
            "planner",
            f"/programme/audits/{ids['planned']}/schedule",
            {
                "start": SOON,
                "end": SOON,
                "lead_id": str(ids["lead"]),
                "lead_override": "",
                "members-0-user_id": "0",
                "members-0-role": "auditor",
                "members-0-override_reason": "",
            },
        ),
        "programme.cancel": Route(
            "planner", f"/programme/audits/{ids['planned']}/cancel", {"reason": "Moved."}
        ),
        "quotes.new": Route(
            "planner",
            f"/quotes/new/{ids['approved_application']}",
            {"adjust_percent": "-10", "justification": "Small site.", "currency": "EUR"},
        ),
        "quotes.edit": Route(
            "planner",
            f"/quotes/{ids['draft']}/edit",
            {"adjust_percent": "-10", "justification": "Small site.", "currency": "EUR"},
        ),
        "quotes.issue": Route("planner", f"/quotes/{ids['draft']}/issue"),
        "quotes.withdraw": Route("planner", f"/quotes/{ids['draft']}/withdraw", {"reason": "No."}),
        "quotes.accept": Route("client", f"/quotes/{ids['issued']}/accept", {"note": "Yes."}),
        "quotes.reject": Route("client", f"/quotes/{ids['issued']}/reject", {"note": "No."}),
        "reports.submit": Route(
            "auditor",
            f"/audits/{audit}/report/submit",
            {
                "recommendation": "recommended",
                "override_reason": "",
                "summary": "Fine.",
                "scope_verdict": "appropriate",
            },
        ),
        "reports.figures": Route(
            "auditor",
            f"/audits/{audit}/figures",
            {
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
                "received": "120",
                "closed": "110",
                "median": "5.5",
                "satisfaction": "80",
            },
        ),
        "workbooks.upload": Route("auditor", f"/audits/{audit}/workbook"),
        **competence_routes(ids["lead"]),
        **{
            f"certificates.change:{action}": Route(
                "planner",
                f"/certificates/{cert}/{action}",
                {"reason": "Asked.", "limit": SOON, "make_confidential": "1"},
            )
            for action in ("suspend", "restore", "withdraw", "confidentiality")
        },
    }


def competence_routes(person: int) -> dict[str, Route]:
    """The admin's competence forms (17021-1 7.1, 7.2.10) for a person's record."""
    day = (TODAY - timedelta(days=30)).isoformat()
    return {
        "competence.add_training": Route(
            "admin",
            f"/competence/people/{person}/training",
            {"course": "ISO 10002", "provider": "TSE", "completed_on": day, "notes": "Passed."},
        ),
        "competence.add_witnessed": Route(
            "admin",
            f"/competence/people/{person}/witnessed",
            {
                "witness_name": "Technical manager",
                "witnessed_on": day,
                "audit_reference": "Güneş A.Ş., stage 2",
                "outcome": "satisfactory",
                "notes": "Good.",
            },
        ),
        "competence.add_evaluation": Route(
            "admin",
            f"/competence/people/{person}/evaluations",
            {"evaluated_on": day, "evaluator_id": "0", "outcome": "satisfactory", "notes": "."},
        ),
    }


def post_routes(app) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and rule.endpoint != "static"
    }


def attempts(route: Route):
    """(label, form data) to send: each mutation in every field, then each field alone."""
    fields = list(route.data) or list(GENERIC_FIELDS)
    for name, value in MUTATIONS.items():
        yield f"all {name}", {key: value for key in fields}
    for key in fields:
        for name in ALONE:
            yield f"{key} {name}", {**route.data, key: MUTATIONS[name]}
    yield "repeated fields", {key: [MUTATIONS["words"], MUTATIONS["digits"]] for key in fields}


JSON_BODIES = [
    {"grade": 5, "points": "x", "evidence": ["a"], "version": "9" * 30},
    {"grade": None, "points": 1e308, "evidence": {"a": 1}, "version": -1},
    {"grade": "minor", "points": None, "evidence": "\x00" * 10, "version": 1},
    [],
    "just a string",
]


def send(client, people, route: Route, label: str, data, failures: list) -> None:
    person = people.get(route.role)
    with client.session_transaction() as session:
        session.clear()
        if person is not None:
            session["_user_id"], session["_fresh"] = person.get_id(), True
    try:
        response = client.post(route.url, data=data, content_type=None)
        status = response.status_code
    except Exception as error:  # noqa: BLE001 - every kind of crash is a finding here
        db.session.rollback()
        failures.append(f"{route.url} [{label}]: {type(error).__name__}: {str(error)[:160]}")
        return
    if status >= 500:
        failures.append(f"{route.url} [{label}]: HTTP {status}")


def test_no_post_route_answers_a_server_error(app, client, db):
    world = build_world(db.session)
    db.session.commit()
    table = routes(world.ids)
    failures: list[str] = []
    endpoints = post_routes(app)
    for endpoint in sorted(endpoints):
        listed = [
            r for key, r in table.items() if key == endpoint or key.startswith(endpoint + ".")
        ]
        if not listed:  # a route this list does not know yet: still fuzzed, as two people
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            url = re.sub(r"<[^>]+>", "1", rule.rule)
            listed = [Route("admin", url), Route("nobody", url)]
        for route in listed:
            for label, data in attempts(route):
                send(client, world.people, route, label, data, failures)
    audit_answers = table["audits.save_answer"]
    for body in JSON_BODIES:
        _send_json(client, world.people, audit_answers, body, failures)
    for name, value in (("file", b"PK\x03\x04 not really"), ("file", b"\x00" * 100)):
        upload = {name: (io.BytesIO(value), "x\x00.xlsx")}
        send(client, world.people, table["workbooks.upload"], "bad file", upload, failures)
    assert not failures, "\n".join(failures[:50])


def _send_json(client, people, route: Route, body, failures: list) -> None:
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = people[route.role].get_id(), True
    try:
        status = client.post(route.url, json=body).status_code
    except Exception as error:  # noqa: BLE001
        db.session.rollback()
        failures.append(f"{route.url} [json {body!r:.60}]: {type(error).__name__}: {error}")
        return
    if status >= 500:
        failures.append(f"{route.url} [json {body!r:.60}]: HTTP {status}")
