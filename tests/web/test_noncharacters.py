"""Noncharacters and lone surrogates at the edge: stripped from every value submitted, as control
characters are (certification/edge.py), so no stored text holds them.

Before: the forms kept the noncharacters (U+FFFE, U+FFFF, U+FDD0..U+FDEF, U+nFFFE, U+nFFFF; the
PDFs drew a missing-glyph box for each, workbooks broke); a lone surrogate in the checklist's
JSON answer was a 500 on both databases (no driver encodes one), and so was a query string of
raw bytes that are not UTF-8 (Werkzeug's strict decoding), on every page.
"""

from __future__ import annotations

import base64
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from certification.audits import services as audit_services
from certification.checklists.loader import checklist_for
from certification.decisions.models import Decision
from certification.edge import strip_untyped
from certification.extensions import db
from certification.organisations.models import Organisation
from tests import factories, scenarios
from tests.services.test_workbook import edit, set_cells, started_audit
from tests.strategies import typed_text
from tests.web.test_edge import answered_finding
from tests.web.test_organisations import NO_BRANCH, form_data
from tests.web.test_workbook import post_workbook

# Unicode's 66 noncharacters, and lone surrogates from both halves.
NONCHARACTERS = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [
    chr(plane + end) for plane in range(0, 0x110000, 0x10000) for end in (0xFFFE, 0xFFFF)
]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\x7f"]
# A few of each, as a form would carry them (no surrogate: a form cannot; see the JSON tests).
ODD = "\ufffe\uffff\ufdd0\ufdef\U0001fffe\U0010ffff"
# Characters people do use: kept (replacement character, BOM, private use, an emoji family).
KEPT = "\ufffd\ufeff\ue000\U0010fffd\U0001f469\u200d\U0001f467"


def sprinkled(text: str) -> str:
    """The text with noncharacters before, inside and after it."""
    middle = len(text) // 2
    return f"{ODD}{text[:middle]}{ODD}{text[middle:]}{ODD}"


def text(response) -> str:
    return response.get_data(as_text=True)


# -- the edge's own rule -------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    typed=typed_text(300),
    untyped=st.lists(
        st.tuples(st.integers(0, 300), st.sampled_from(NONCHARACTERS + SURROGATES + CONTROLS)),
        min_size=1,
    ),
)
def test_what_no_one_types_is_stripped_and_what_people_type_is_kept(typed, untyped):
    value = typed
    for at, character in untyped:
        value = value[:at] + character + value[at:]
    assert strip_untyped(value) == typed
    assert strip_untyped(typed + KEPT) == typed + KEPT


def test_every_noncharacter_and_surrogate_is_stripped():
    assert strip_untyped("".join(NONCHARACTERS + SURROGATES + CONTROLS)) == ""
    assert strip_untyped("a\tb\nc\r\n") == "a\tb\nc\r\n"


# -- through the real forms ----------------------------------------------------------------------

NAME = "Güneş Müşteri Hizmetleri A.Ş."
SCOPE = "Handling of customer complaints for retail sales"


def registered(client, login_as) -> Organisation:
    """An organisation registered through the planner's form, its texts sprinkled."""
    login_as("planner")
    response = client.post(
        "/organisations/new",
        data=form_data(
            legal_name=sprinkled(NAME),
            english_name="",
            country="TR",
            city=sprinkled("İzmir"),
            address=sprinkled("Kordon Cad. 5"),
            preferred_language="en",
            contact_name=sprinkled("Ayşe Kaya"),
            **{"sites-0-name": sprinkled("Merkez"), "sites-0-city": "İzmir"},
            **{"sites-0-address": sprinkled("Kordon Cad. 5")},
            **{"sites-0-scope": sprinkled(SCOPE)},
            **NO_BRANCH,
        ),
    )
    assert response.status_code == 302, text(response)
    return db.session.scalar(select(Organisation).order_by(Organisation.id.desc()))


def test_a_client_name_with_noncharacters_is_stored_without_them(client, login_as):
    organisation = registered(client, login_as)
    assert (organisation.legal_name, organisation.city) == (NAME, "İzmir")
    assert (organisation.address, organisation.contact_name) == ("Kordon Cad. 5", "Ayşe Kaya")
    (site,) = organisation.sites
    assert (site.name, site.address, site.scope) == ("Merkez", "Kordon Cad. 5", SCOPE)
    page = text(client.get("/organisations/?q=Güneş"))
    assert NAME in page and ODD[0] not in page


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(name=typed_text(300, lines=False, min_size=1), at=st.integers(0, 300))
def test_any_name_typed_with_noncharacters_is_stored_as_typed(client, login_as, name, at):
    login_as("planner")
    sent = name[:at] + ODD + name[at:]
    response = client.post("/organisations/new", data=form_data(legal_name=sent, **NO_BRANCH))
    assert response.status_code == 302
    stored = db.session.scalar(select(Organisation).order_by(Organisation.id.desc()))
    assert stored.legal_name == name.strip()


def test_the_committees_scope_and_reasons_are_stored_without_them(client, login_as):
    stage2 = scenarios.submitted_stage2(db.session, factories.today())
    db.session.commit()
    login_as("committee")
    response = client.post(
        f"/decisions/audits/{stage2.audit.id}/decide",
        data={"outcome": "grant", "reasons": sprinkled("All clauses"), "scope": sprinkled(SCOPE)},
    )
    assert response.status_code == 302
    decision = db.session.scalar(select(Decision))
    assert (decision.reasons, decision.scope) == ("All clauses", SCOPE)
    assert decision.certificate.scope == SCOPE


def answer_url(audit) -> str:
    question = checklist_for("iso10002", "2018").questions()[0]
    return f"/audits/{audit.id}/answers/{question.id}"


def stored_evidence(audit) -> str:
    db.session.expire_all()
    question = checklist_for("iso10002", "2018").questions()[0]
    return audit_services.answers_of(audit)[question.id].evidence


def test_evidence_posted_by_the_form_is_stored_without_them(client, login_as):
    stage2 = scenarios.stage2_on_site(db.session, factories.today())
    db.session.commit()
    login_as(stage2.lead)
    form = {"grade": "conforming", "evidence": sprinkled("Register sampled"), "version": "1"}
    assert client.post(answer_url(stage2.audit), data=form).status_code == 302
    assert stored_evidence(stage2.audit) == "Register sampled"


def test_a_lone_surrogate_in_the_checklists_json_is_stripped_not_a_500(client, login_as):
    stage2 = scenarios.stage2_on_site(db.session, factories.today())
    db.session.commit()
    login_as(stage2.lead)
    escaped = json.dumps({"grade": "conforming", "evidence": "Reg\ud800ister\ufffe", "version": 1})
    response = client.post(answer_url(stage2.audit), data=escaped, content_type="application/json")
    assert response.status_code == 200 and response.get_json()["saved"] is True
    assert stored_evidence(stage2.audit) == "Register"
    # The raw UTF-8 bytes of a surrogate: Python's json reads them as one too.
    raw = b'{"grade": "conforming", "evidence": "Sam\xed\xa0\x80pled", "version": 2}'
    response = client.post(answer_url(stage2.audit), data=raw, content_type="application/json")
    assert response.status_code == 200 and stored_evidence(stage2.audit) == "Sampled"


def test_a_comment_is_stored_without_them_and_one_of_only_them_is_empty(client, login_as):
    finding, lead = answered_finding()
    login_as(lead)
    refused = client.post(f"/findings/{finding.id}/reject", data={"comment": ODD * 3})
    assert refused.status_code == 400 and "Tell the client why" in text(refused)
    db.session.refresh(finding)
    assert finding.state == "answered" and finding.actions[0].accepted is None
    comment = {"comment": sprinkled("The log of March is missing.")}
    assert client.post(f"/findings/{finding.id}/reject", data=comment).status_code == 302
    db.session.refresh(finding)
    assert finding.actions[0].review_comment == "The log of March is missing."


def test_evidence_in_an_uploaded_workbook_is_stored_without_them(client, login_as):
    """Workbook XML can carry U+FDD0..U+FDEF and the higher planes' noncharacters."""
    audit, (lead,) = started_audit()
    login_as(lead)
    sent = "Proce\ufdd0dure\U0001fffe seen.\U0010ffff"
    data = edit(client.get(f"/audits/{audit.id}/workbook.xlsx").data, set_cells(J2=sent))
    assert post_workbook(client, audit, data).status_code == 200
    db.session.expire_all()
    assert audit_services.answers_of(audit)["8.2-a"].evidence == "Procedure seen."


# -- addresses -----------------------------------------------------------------------------------


def test_a_query_string_of_raw_bytes_that_are_not_utf8_is_read_not_a_500(client, login_as):
    """Browsers percent-encode; a hand-made request may send raw bytes (gunicorn answers 400,
    other WSGI servers pass them on). They stay encoded, as Werkzeug leaves percent-encoded
    bytes that are not UTF-8."""
    # WSGI gives the query string as the latin-1 text of its bytes.
    raw = {"QUERY_STRING": (b"q=\xed\xa0\x80" + "Güneş".encode()).decode("latin-1")}
    page = client.get("/register", environ_overrides=raw)
    assert page.status_code == 200 and "%ED%A0%80Güneş" in text(page)
    login_as("planner")
    assert client.get("/organisations/", environ_overrides=raw).status_code == 200


def test_a_page_address_with_a_lone_surrogate_shows_the_first_page(client, login_as):
    """The pager's cursor is JSON: "\\ud800" in it reached the database (a 500 on both)."""
    login_as("planner")
    tampered = base64.urlsafe_b64encode(b'[0,"iss\\ud800ued",7]').decode().rstrip("=")
    assert client.get(f"/quotes/?sort=state&after={tampered}").status_code == 200
