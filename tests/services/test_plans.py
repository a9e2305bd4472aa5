"""Audit plans: prepared with the MD 1 sample, edited as a draft, sent, answered, versioned."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from certification.activity.models import ActivityLog
from certification.extensions import db
from certification.organisations.models import Site
from certification.plans import services, texts
from certification.plans.models import AuditPlan
from certification.plans.services import PlanError
from certification.programme.models import AuditTeamMember
from tests import factories

TODAY = factories.today()


@pytest.fixture(autouse=True)
def request_context(app, db):
    with app.test_request_context():
        yield


def multi_site_audit(others: int = 8, kind: str = "stage2", cycle=None, days: float = 2):
    """A scheduled audit of an organisation with a head office and `others` branches."""
    if cycle is None:
        org = factories.organisation(contact_name="Ayşe Kaya", preferred_language="tr")
        for i in range(others):
            org.sites.append(
                Site(name=f"Şube {i + 1}", city="İzmir", country="TR", personnel=10 + i)
            )
        db.session.flush()
        cycle = factories.cycle(factories.quote(factories.application(org)))
    audit = factories.audit(
        cycle,
        kind=kind,
        state="scheduled",
        planned_days=days,
        start_date=TODAY + timedelta(days=10),
        end_date=TODAY + timedelta(days=11),
    )
    lead, member = factories.user("auditor", name="Elif Lead"), factories.user("auditor")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    audit.team.append(AuditTeamMember(user_id=member.id, role="auditor"))
    db.session.flush()
    return audit, lead


def test_a_prepared_plan_holds_every_9_2_3_item_in_the_clients_language(db):
    audit, lead = multi_site_audit()
    plan = services.prepare_plan(lead, audit, TODAY, seed=42)
    assert plan.version == 1 and plan.state == "draft"
    assert plan.language == "tr" and plan.representative == "Ayşe Kaya"
    assert plan.objectives == texts.objectives("stage2", "tr") != texts.objectives("stage2", "en")
    assert "9.3.1.3" in plan.objectives
    assert plan.scope == audit.cycle.application.scope
    assert plan.criteria == "ISO 10002:2018"
    assert (plan.start_date, plan.end_date) == (audit.start_date, audit.end_date)
    # MD 1 for the initial audit of 1 + 8 sites: central + ceil(sqrt(8)) (or what audit_time says)
    from certification.audit_time import sample_size

    assert len(plan.sites) == sample_size(9, "initial")
    assert plan.sites[0].reason == "central" and plan.sites[0].name == "Head office"
    assert "42" in plan.sampling_statement
    assert [(s.name, s.role) for s in plan.team] == [
        ("Elif Lead", "lead"),
        (audit.team[1].user.name, "auditor"),
    ]
    assert plan.auditor_hours == 16.0
    assert services.rules.missing_items(plan) == []
    logged = db.session.scalar(
        select(ActivityLog.action).where(ActivityLog.subject_type == "AuditPlan")
    )
    assert logged == "plan_prepared"


def test_a_plan_is_prepared_once_and_only_for_a_scheduled_audit(db):
    audit, lead = multi_site_audit()
    services.prepare_plan(lead, audit, TODAY)
    with pytest.raises(PlanError, match="already"):
        services.prepare_plan(lead, audit, TODAY)
    planned, _lead = multi_site_audit(cycle=audit.cycle, kind="surveillance1")
    planned.state = "planned"
    with pytest.raises(PlanError, match="scheduled"):
        services.prepare_plan(lead, planned, TODAY)
    assert db.session.scalar(select(func.count(AuditPlan.id))) == 1


def test_without_a_head_office_the_refusal_names_md_1(db):
    audit, lead = multi_site_audit()
    for site in audit.organisation.sites:
        site.is_head_office = False
    with pytest.raises(PlanError, match="IAF MD 1"):
        services.prepare_plan(lead, audit, TODAY)


def values_of(plan, **changes) -> services.PlanInput:
    lines = [
        services.LineInput(
            a.day, a.starts, a.ends, a.activity, a.clauses, a.auditors, a.auditor_hours
        )
        for a in plan.activities
    ]
    base = dict(
        objectives=plan.objectives,
        scope=plan.scope,
        criteria=plan.criteria,
        client_documents=plan.client_documents,
        representative=plan.representative,
        language=plan.language,
        confidentiality=plan.confidentiality,
        extra_seats=[("Nino Tercüman", "interpreter"), ("", "observer")],
        lines=lines,
    )
    base.update(changes)
    return services.PlanInput(**base)


def test_hours_that_do_not_add_up_are_refused_naming_md_5_and_nothing_changes(db):
    audit, lead = multi_site_audit()
    plan = services.prepare_plan(lead, audit, TODAY)
    before = [(a.activity, a.auditor_hours) for a in plan.activities]
    values = values_of(plan)
    values.lines[0].auditor_hours = Decimal("9")
    with pytest.raises(PlanError, match="IAF MD 5") as refused:
        services.update_plan(lead, plan, values)
    assert "16" in refused.value.message
    db.session.flush()
    db.session.expire_all()
    assert [(a.activity, a.auditor_hours) for a in plan.activities] == before


def test_a_draft_is_edited_with_an_interpreter_and_a_line_outside_the_dates_is_refused(db):
    audit, lead = multi_site_audit()
    plan = services.prepare_plan(lead, audit, TODAY)
    services.update_plan(lead, plan, values_of(plan, representative="Mehmet Demir"))
    assert plan.representative == "Mehmet Demir"
    assert ("Nino Tercüman", "interpreter") in [(s.name, s.role) for s in plan.team]
    values = values_of(plan)
    values.lines[0].day = audit.end_date + timedelta(days=1)
    with pytest.raises(PlanError, match="Line 1"):
        services.update_plan(lead, plan, values)


def test_send_confirm_and_the_report_refers_to_the_plan(db):
    audit, lead = multi_site_audit()
    plan = services.prepare_plan(lead, audit, TODAY)
    client = factories.user("client", organisation=audit.organisation)
    services.send_plan(lead, plan, TODAY)
    assert plan.state == "sent" and plan.sent_at is not None
    services.confirm_plan(client, plan, TODAY)
    assert plan.state == "confirmed" and plan.answered_by_id == client.id
    with pytest.raises(PlanError):
        services.confirm_plan(client, plan, TODAY)
    assert services.plan_in_force(audit) == plan


def test_a_change_request_needs_words_and_a_new_version_supersedes_when_sent(db):
    audit, lead = multi_site_audit()
    client = factories.user("client", organisation=audit.organisation)
    first = services.prepare_plan(lead, audit, TODAY)
    services.send_plan(lead, first, TODAY)
    with pytest.raises(PlanError, match="change"):
        services.request_change(client, first, "  ", TODAY)
    assert first.state == "sent"
    services.request_change(client, first, "Our quality manager is away on day 1.", TODAY)
    assert first.state == "change_requested"
    second = services.revise_plan(lead, first, TODAY)
    assert (second.version, second.state) == (2, "draft")
    assert [s.name for s in second.sites] == [s.name for s in first.sites]
    assert first.state == "change_requested"  # still the one in force until the new is sent
    with pytest.raises(PlanError, match="newest"):
        services.revise_plan(lead, first, TODAY)
    services.send_plan(lead, second, TODAY)
    assert (first.state, second.state) == ("superseded", "sent")
    assert services.plan_in_force(audit) == second


def test_a_sent_plan_is_not_edited(db):
    audit, lead = multi_site_audit()
    plan = services.prepare_plan(lead, audit, TODAY)
    services.send_plan(lead, plan, TODAY)
    with pytest.raises(PlanError, match="new version"):
        services.update_plan(lead, plan, values_of(plan))


def test_an_incomplete_plan_is_not_sent_and_the_refusal_names_9_2_3(db):
    audit, lead = multi_site_audit()
    plan = services.prepare_plan(lead, audit, TODAY)
    plan.representative = ""
    plan.confidentiality = ""
    with pytest.raises(PlanError, match="9.2.3") as refused:
        services.send_plan(lead, plan, TODAY)
    assert "representative" in refused.value.message
    assert "confidentiality" in refused.value.message
    assert plan.state == "draft"


def test_later_audits_of_the_cycle_prefer_sites_not_yet_visited(db):
    stage2, lead = multi_site_audit(others=15)
    first = services.prepare_plan(lead, stage2, TODAY, seed=1)
    services.send_plan(lead, first, TODAY)
    surveillance, lead2 = multi_site_audit(cycle=stage2.cycle, kind="surveillance1")
    second = services.prepare_plan(lead2, surveillance, TODAY, seed=1)
    seen = {s.site_id for s in first.sites if s.reason != "central"}
    now = {s.site_id for s in second.sites if s.reason != "central"}
    assert seen and now and not seen & now


def test_the_submitted_report_names_the_plan_version_the_audit_followed(db):
    from certification.reports.services import submit_report
    from tests.services.test_reports import answer_all, audit_in_progress

    audit = audit_in_progress("iso10002")
    audit.organisation.contact_name = "Ayşe Kaya"
    lead = audit.team[0].user
    plan = services.prepare_plan(lead, audit, TODAY)
    services.send_plan(lead, plan, TODAY)
    second = services.revise_plan(lead, plan, TODAY)
    services.send_plan(lead, second, TODAY)
    answer_all(audit)
    report = submit_report(lead, audit, recommendation="recommended", override_reason="",
                           summary="", today=TODAY)
    assert report.plan_id == second.id and report.plan.version == 2
