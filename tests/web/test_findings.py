"""Findings over HTTP: the client answers in the portal, the auditor reviews, lists show badges,
and nobody reaches another organisation's findings by guessing a URL."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from certification import access
from certification.audits.models import Answer
from certification.findings import queries, services
from certification.findings.models import Finding
from certification.programme.models import AuditTeamMember
from tests import factories
from tests.sql_counting import counting_queries

TODAY = date.today()


def led_audit(cycle, kind: str, state: str, start: date = TODAY, days: int = 1, **lead):
    """An audit of `cycle` (of a new one when None) from `start`, `days` long, with a lead
    auditor of its own (`lead`: the user's fields); (audit, lead)."""
    audit = factories.audit(
        cycle, kind=kind, state=state, start_date=start, end_date=start + timedelta(days=days - 1)
    )
    person = factories.user("auditor", **lead)
    audit.team.append(AuditTeamMember(user_id=person.id, role="lead"))
    return audit, person


PDF = b"%PDF-1.4 the new procedure"


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def raise_finding(app, db):
    """raise_finding(grade, kind="surveillance1", raised_on=TODAY) -> (finding, lead auditor)."""

    def build(grade="minor", kind="surveillance1", raised_on=TODAY, audit=None, lead=None):
        if audit is None:
            audit = factories.audit(
                kind=kind, state="in_progress", start_date=raised_on, end_date=raised_on
            )
            lead = factories.user("auditor")
            audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
        question = f"7.{len(queries.audit_findings(audit.id)) + 1}-a"
        answer = Answer(
            audit_id=audit.id,
            question_id=question,
            clause=question.split("-")[0],
            grade=grade,
            evidence="No acknowledgement letters for March.",
        )
        db.session.add(answer)
        db.session.flush()
        with app.test_request_context():
            finding = services.sync_finding(lead, answer, raised_on)
        db.session.commit()
        return finding, lead

    return build


def answer_form(**overrides):
    data = {
        "correction": "Wrote to the 12 complainants.",
        "root_cause": "Nobody owned acknowledgements.",
        "action": "Front desk acknowledges within 2 days; procedure updated.",
        "target": (TODAY + timedelta(days=20)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_client_answers_sees_the_rejection_and_answers_again(
    client, login_as, raise_finding, db
):
    finding, lead = raise_finding("major")
    me = login_as(factories.user("client", organisation_id=finding.organisation_id))

    home = text(client.get("/portal/"))
    assert "Findings waiting for your answer" in home
    assert f"/findings/{finding.id}/answer" in home

    page = client.get(f"/findings/{finding.id}/answer")
    assert page.status_code == 200 and "No acknowledgement letters for March." in text(page)
    sent = client.post(
        f"/findings/{finding.id}/answer",
        data={**answer_form(), "files": [(io.BytesIO(PDF), "procedure.pdf")]},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Your answer was sent to the auditor." in text(sent)
    assert "procedure.pdf" in text(sent)
    db.session.refresh(finding)
    assert finding.state == "answered"
    assert finding.actions[0].submitted_by_id == me.id

    login_as(lead)
    review = text(client.get(f"/findings/{finding.id}"))
    assert "Accept the action plan" in review and "Wrote to the 12 complainants." in review
    client.post(f"/findings/{finding.id}/reject", data={"comment": "Attach the updated procedure."})
    db.session.refresh(finding)
    assert finding.state == "answer_rejected"

    login_as(me)
    page = text(client.get(f"/findings/{finding.id}/answer"))
    assert "Attach the updated procedure." in page and "Answer again" in page
    client.post(f"/findings/{finding.id}/answer", data=answer_form(correction="Done again."))
    db.session.refresh(finding)
    assert finding.state == "answered" and len(finding.actions) == 2


def test_the_auditor_accepts_and_verifies(client, login_as, raise_finding, db):
    finding, lead = raise_finding("minor")
    with client.application.test_request_context():
        services.answer_finding(
            factories.user("client", organisation_id=finding.organisation_id),
            finding,
            "c",
            "r",
            "a",
            TODAY + timedelta(days=3),
            [],
            today=TODAY,
        )
    db.session.commit()
    login_as(lead)
    accepted = client.post(f"/findings/{finding.id}/accept", data={}, follow_redirects=True)
    assert "The action plan was accepted." in text(accepted)
    refused = client.post(f"/findings/{finding.id}/verify", data={"note": ""})
    assert refused.status_code == 400 and "Say how the action was verified" in text(refused)
    client.post(f"/findings/{finding.id}/verify", data={"note": "Seen at the next audit."})
    db.session.refresh(finding)
    assert finding.state == "closed"
    assert "Seen at the next audit." in text(client.get(f"/findings/{finding.id}"))


def test_bad_answers_are_refused_with_a_message_and_nothing_saved(
    client, login_as, raise_finding, db
):
    finding, _lead = raise_finding("minor")
    login_as(factories.user("client", organisation_id=finding.organisation_id))
    past = client.post(
        f"/findings/{finding.id}/answer",
        data=answer_form(target=(TODAY - timedelta(days=1)).isoformat()),
    )
    assert past.status_code == 400 and "The target date cannot be in the past." in text(past)
    empty = client.post(f"/findings/{finding.id}/answer", data=answer_form(root_cause=""))
    assert empty.status_code == 400 and "Give the root cause" in text(empty)
    bad_file = client.post(
        f"/findings/{finding.id}/answer",
        data={**answer_form(), "files": [(io.BytesIO(b"MZ"), "tool.exe")]},
        content_type="multipart/form-data",
    )
    assert bad_file.status_code == 400 and "tool.exe" in text(bad_file)
    db.session.refresh(finding)
    assert finding.state == "open" and not finding.actions


def test_observations_are_shown_read_only(client, login_as, raise_finding):
    finding, _lead = raise_finding("ofi")
    login_as(factories.user("client", organisation_id=finding.organisation_id))
    page = text(client.get(f"/findings/{finding.id}/answer"))
    assert "need no answer" in page and "Send to the auditor" not in page
    refused = client.post(f"/findings/{finding.id}/answer", data=answer_form())
    assert refused.status_code == 403


def test_url_guessing_gets_404_or_403(client, login_as, raise_finding, db):
    finding, lead = raise_finding("minor")
    login_as(factories.user("client"))  # another organisation
    assert client.get(f"/findings/{finding.id}/answer").status_code == 404
    assert client.post(f"/findings/{finding.id}/answer", data=answer_form()).status_code == 404
    assert client.get(f"/findings/{finding.id}").status_code == 404
    assert client.get("/findings/999999/answer").status_code == 404
    assert client.get("/findings/files/999999").status_code == 404
    assert client.get("/findings/").status_code == 403

    login_as(factories.user("auditor"))  # not on the team
    assert client.get(f"/findings/{finding.id}").status_code == 404
    assert client.post(f"/findings/{finding.id}/accept").status_code == 404
    assert client.get(f"/findings/{finding.id}/edit").status_code == 404

    login_as(factories.user("planner"))  # sees, but does not review or answer
    assert client.get(f"/findings/{finding.id}").status_code == 200
    assert client.post(f"/findings/{finding.id}/verify").status_code == 403
    assert client.get(f"/findings/{finding.id}/answer").status_code == 403
    db.session.refresh(finding)
    assert finding.state == "open"


def test_a_client_opening_the_staff_page_lands_on_its_answer_page(client, login_as, raise_finding):
    finding, _lead = raise_finding("minor")
    login_as(factories.user("client", organisation_id=finding.organisation_id))
    response = client.get(f"/findings/{finding.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/findings/{finding.id}/answer")


def test_the_team_edits_the_write_up(client, login_as, raise_finding, db):
    finding, lead = raise_finding("major")
    login_as(lead)
    assert "No acknowledgement letters" in text(client.get(f"/findings/{finding.id}/edit"))
    client.post(
        f"/findings/{finding.id}/edit",
        data={
            "statement": "Complaints are not acknowledged.",
            "evidence": "Log.",
            "requirement": "7.4",
        },
    )
    db.session.refresh(finding)
    assert finding.statement == "Complaints are not acknowledged."


def test_lists_show_overdue_badges(client, login_as, raise_finding, db):
    late, lead = raise_finding("minor", raised_on=TODAY - timedelta(days=45))
    fresh, _ = raise_finding("major", audit=late.audit, lead=lead)
    login_as(factories.user("planner"))

    everything = text(client.get("/findings/"))
    assert "Overdue" in everything and "Due within 30 days" in everything
    overdue = text(client.get("/findings/?show=overdue"))
    assert f'/findings/{late.id}"' in overdue and f'/findings/{fresh.id}"' not in overdue

    audit_page = text(client.get(f"/programme/audits/{late.audit_id}"))
    assert f"Finding {late.reference}" in audit_page and f"Finding {fresh.reference}" in audit_page
    assert "Overdue" in audit_page
    org_page = text(client.get(f"/organisations/{late.organisation_id}"))
    assert f'/findings/{late.id}"' in org_page and "Overdue" in org_page


def statements_for(client, db, url: str) -> int:
    with counting_queries(db) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", ["/findings/", "/findings/?show=overdue"])
def test_the_staff_list_runs_a_fixed_number_of_queries(client, login_as, raise_finding, db, url):
    finding, lead = raise_finding("minor", raised_on=TODAY - timedelta(days=40))
    login_as(factories.user("planner"))
    few = statements_for(client, db, url)
    for _n in range(4):  # more findings, on other clients' audits too
        raise_finding("major", raised_on=TODAY - timedelta(days=40))
        raise_finding("minor", audit=finding.audit, lead=lead, raised_on=TODAY - timedelta(days=40))
    assert statements_for(client, db, url) == few
    assert len(db.session.scalars(select(Finding)).all()) == 9


def test_the_client_and_the_committee_see_one_number_per_finding_of_the_cycle(
    client, login_as, raise_finding, db
):
    """Stage 1 and surveillance of one cycle each raise a finding: S1-1 and SV1-2, never two
    "Finding 1", in the portal, on the audit page and in the committee's file."""
    first, lead = raise_finding("minor", kind="stage1")
    later = factories.audit(
        first.audit.cycle,
        kind="surveillance1",
        state="in_progress",
        start_date=TODAY,
        end_date=TODAY,
    )
    later.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    second, _ = raise_finding("major", audit=later, lead=lead)
    assert (first.reference, second.reference) == ("S1-1", "SV1-2")

    login_as(factories.user("client", organisation=first.organisation))
    portal = text(client.get("/portal/"))
    assert "Finding S1-1 · clause 7.1" in portal and "Finding SV1-2 · clause 7.1" in portal
    assert "Finding 1" not in portal
    answer_page = text(client.get(f"/findings/{second.id}/answer"))
    assert "<h1>Finding SV1-2" in answer_page

    later.state = "submitted"
    db.session.commit()
    login_as(factories.committee_member())
    committee_file = text(client.get(f"/decisions/audits/{later.id}"))
    assert "Finding SV1-2</a>" in committee_file


def test_the_next_audits_lead_verifies_a_minor_of_surveillance_1_from_their_audit_page(
    client, login_as, raise_finding, db
):
    """A minor is verified at the next audit (domain.md, Findings): surveillance 2's team sees
    surveillance 1's open minor on its audit page and verifies it; others are refused."""
    finding, _s1_lead = raise_finding("minor", kind="surveillance1")
    finding.state = "plan_accepted"
    s1 = finding.audit
    s1.state = "closed"
    s2, s2_lead = led_audit(s1.cycle, "surveillance2", "in_progress", name="Surveillance Two Lead")
    db.session.commit()

    login_as(s2_lead)
    audit_page = text(client.get(f"/programme/audits/{s2.id}"))
    assert "Status of previous findings" in audit_page
    assert f"/findings/{finding.id}" in audit_page
    finding_page = text(client.get(f"/findings/{finding.id}"))
    assert "Verified: close the finding" in finding_page
    assert "Edit the write-up" not in finding_page  # the write-up stays the raising team's
    client.post(f"/findings/{finding.id}/verify", data={"note": "Checked at surveillance 2."})
    db.session.refresh(finding)
    assert finding.state == "closed"


def test_an_auditor_on_no_audit_of_the_cycle_cannot_verify_a_previous_finding(
    client, login_as, raise_finding, db
):
    finding, _lead = raise_finding("minor", kind="surveillance1")
    finding.state = "plan_accepted"
    _other_cycle_audit, outsider = led_audit(None, "surveillance2", "in_progress")
    db.session.commit()
    login_as(outsider)
    assert client.get(f"/findings/{finding.id}").status_code == 404
    assert client.post(f"/findings/{finding.id}/verify", data={"note": "x"}).status_code == 404
    with client.application.test_request_context():
        with pytest.raises(services.FindingError, match="or of a later audit of its cycle"):
            services.verify_finding(outsider, finding, "Seen.", TODAY)
    db.session.refresh(finding)
    assert finding.state == "plan_accepted"


def test_a_later_audit_only_scheduled_gives_its_team_no_say_until_it_starts(
    client, login_as, raise_finding, db
):
    """Surveillance 1 booked months ahead with its lead: before it starts, the lead neither
    sees nor verifies stage 2's major (a minor is verified at the next audit, domain.md); once
    surveillance 1 is under way, the lead may."""
    finding, _stage2_lead = raise_finding("major", kind="stage2")
    finding.state = "plan_accepted"
    stage2 = finding.audit
    stage2.state = "submitted"
    s1, s1_lead = led_audit(
        stage2.cycle, "surveillance1", "scheduled", TODAY + timedelta(days=180), days=2,
        name="Surveillance One Lead",
    )  # fmt: skip
    db.session.commit()

    login_as(s1_lead)
    audit_page = text(client.get(f"/programme/audits/{s1.id}"))
    assert f"/findings/{finding.id}" not in audit_page
    assert client.get(f"/findings/{finding.id}").status_code == 404
    assert client.post(f"/findings/{finding.id}/verify", data={"note": "x"}).status_code == 404
    with client.application.test_request_context():
        with pytest.raises(
            services.FindingError, match="of a later audit of its cycle once that audit has started"
        ):
            services.verify_finding(s1_lead, finding, "Seen.", TODAY)
    db.session.rollback()
    db.session.refresh(finding)
    assert finding.state == "plan_accepted"

    s1.state, s1.start_date, s1.end_date = "in_progress", TODAY, TODAY
    db.session.commit()
    audit_page = text(client.get(f"/programme/audits/{s1.id}"))
    assert f"/findings/{finding.id}" in audit_page
    assert "Verified: close the finding" in text(client.get(f"/findings/{finding.id}"))
    client.post(f"/findings/{finding.id}/verify", data={"note": "Checked at surveillance 1."})
    db.session.refresh(finding)
    assert finding.state == "closed"


def test_a_special_audit_booked_before_but_held_after_a_finding_does_not_verify_it(
    client, login_as, raise_finding, db
):
    """Order is the audits' start dates when a special audit is involved, not the order they
    were entered in: a special audit held before the surveillance raised its finding does not
    review it."""
    s1, s1_lead = led_audit(None, "surveillance1", "in_progress")
    special, special_lead = led_audit(s1.cycle, "special", "submitted", TODAY - timedelta(days=30))
    db.session.commit()
    assert special.id > s1.id  # entered later, held earlier
    finding, _ = raise_finding("minor", audit=s1, lead=s1_lead)

    login_as(special_lead)
    assert client.get(f"/findings/{finding.id}").status_code == 404


def test_the_later_teams_finding_page_links_back_to_its_own_audit_and_to_nothing_refused(
    client, login_as, raise_finding, db
):
    """Surveillance 2's lead reaches surveillance 1's minor from their audit page: "Back to the
    audit" takes them to surveillance 2 (surveillance 1's page is its own team's), and no link on
    the finding's page answers 403 or 404."""
    finding, _s1_lead = raise_finding("minor", kind="surveillance1")
    finding.state = "plan_accepted"
    s1 = finding.audit
    s1.state = "closed"
    s2, s2_lead = led_audit(s1.cycle, "surveillance2", "in_progress")
    db.session.commit()

    login_as(s2_lead)
    page = text(client.get(f"/findings/{finding.id}"))
    assert f'href="/programme/audits/{s2.id}"' in page
    assert f'href="/programme/audits/{s1.id}"' not in page
    links = {
        html.unescape(link)
        for link in re.findall(r'href="(/[^"#]*)"', page)
        if not link.startswith(("/static", "/logout"))
    }
    refused = [link for link in links if client.get(link).status_code in (403, 404)]
    assert refused == []


def test_the_later_teams_list_and_home_show_the_earlier_answer_to_review(
    client, login_as, raise_finding, db
):
    """Surveillance 1's client answered its minor; surveillance 2 is under way: its lead finds
    the answer in their findings list and on their home page, as the raising team does. The lead
    of a surveillance only booked (the recertification) does not."""
    finding, _s1_lead = raise_finding("minor", kind="surveillance1")
    finding.state = "answered"
    s1 = finding.audit
    s1.state = "closed"
    s2, s2_lead = led_audit(s1.cycle, "surveillance2", "in_progress")
    _booked, booked_lead = led_audit(
        s1.cycle, "recertification", "scheduled", TODAY + timedelta(days=300), days=2
    )
    db.session.commit()

    login_as(s2_lead)
    assert f"/findings/{finding.id}" in text(client.get("/findings/?show=answered"))
    home = text(client.get("/home/"))
    assert f"/findings/{finding.id}" in home

    login_as(booked_lead)
    assert f"/findings/{finding.id}" not in text(client.get("/findings/?show=answered"))
    assert f"/findings/{finding.id}" not in text(client.get("/home/"))


@pytest.mark.parametrize(
    "kind, start_offset, state",
    [
        ("surveillance2", 0, "in_progress"),
        ("surveillance2", 0, "scheduled"),
        ("surveillance2", 0, "closed"),
        ("stage1", 0, "in_progress"),
        ("special", 5, "returned"),
        ("special", -5, "submitted"),
        ("special", 0, "in_progress"),
    ],
)
def test_the_lists_filter_agrees_with_the_finding_pages_rule(
    raise_finding, db, kind, start_offset, state
):
    """queries.reviewable_by (SQL, the lists) and access.can_review_finding (the pages) let the
    same auditors review a finding."""
    finding, raising_lead = raise_finding("minor", kind="surveillance1")
    other, other_lead = led_audit(
        finding.audit.cycle, kind, state, TODAY + timedelta(days=start_offset)
    )
    db.session.commit()
    for person in (raising_lead, other_lead):
        listed = db.session.scalar(
            select(Finding.id).where(Finding.id == finding.id, queries.reviewable_by(person.id))
        )
        assert (listed is not None) == access.can_review_finding(person, finding)
