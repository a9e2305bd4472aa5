"""The audit programme: created on acceptance, dated by the decision, scheduled with a team."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from certification.activity.models import ActivityLog
from certification.extensions import db
from certification.programme import services
from certification.programme.models import AuditTeamMember
from certification.programme.services import AssignmentRefused, ProgrammeError
from certification.workflow import TransitionError
from tests import factories

TODAY = factories.today()
START = TODAY + timedelta(days=10)
END = START + timedelta(days=1)


@pytest.fixture(autouse=True)
def request_context(app, db):
    """Messages are translated for the person asking, so services run inside a request."""
    with app.test_request_context():
        yield


def new_programme(org=None):
    quote = factories.quote(factories.application(org or factories.organisation()))
    return services.create_programme(quote, factories.user("planner"), TODAY)


def auditor(sector="29", **kw):
    person = factories.user("auditor", **kw)
    if sector:
        factories.qualification(person, sector_code=sector)
    return person


def log(action: str) -> list[ActivityLog]:
    return list(db.session.scalars(select(ActivityLog).where(ActivityLog.action == action)))


def by_kind(cycle):
    return {audit.kind: audit for audit in cycle.audits}


def schedule(audit, lead, team=(), overrides=None, start=START, end=END, today=TODAY):
    planner = factories.user("planner")
    return services.schedule_audit(
        planner, audit, start, end, lead.id, list(team), overrides or {}, today=today
    )


# -- creating the programme -------------------------------------------------------------------


def test_programme_has_five_audits_with_the_quoted_days():
    cycle = new_programme()

    audits = by_kind(cycle)
    assert [a.kind for a in cycle.audits] == [
        "stage1",
        "stage2",
        "surveillance1",
        "surveillance2",
        "recertification",
    ]
    # The factory quote: stage 1 1.5, stage 2 2.5, surveillance 1.5, recertification 2.5 days.
    assert {k: a.planned_days for k, a in audits.items()} == {
        "stage1": 1.5,
        "stage2": 2.5,
        "surveillance1": 1.5,
        "surveillance2": 1.5,
        "recertification": 2.5,
    }
    assert all(a.state == "planned" for a in cycle.audits)
    assert (cycle.number, cycle.scheme, cycle.edition) == (1, "iso10002", "2018")
    [entry] = log("programme_created")
    assert entry.subject_id == cycle.id and cycle.quote.number in entry.text


def test_dates_hang_on_the_decision_until_it_is_taken():
    cycle = new_programme()

    assert all(a.due_by is None and a.window_start is None for a in cycle.audits)

    cycle.decision_date = date(2026, 3, 15)
    services.refresh_programme_dates(cycle)

    audits = by_kind(cycle)
    assert (audits["surveillance1"].window_start, audits["surveillance1"].due_by) == (
        date(2026, 3, 15),
        date(2027, 3, 15),
    )
    assert audits["surveillance2"].due_by == date(2028, 3, 15)
    # Expires 2029-03-14; recertification must be decided before expiry.
    assert audits["recertification"].due_by == date(2029, 3, 13)
    assert audits["stage1"].due_by is None


def test_a_second_cycle_of_the_organisation_is_numbered_two():
    org = factories.organisation()
    new_programme(org)
    assert new_programme(org).number == 2


# -- scheduling -------------------------------------------------------------------------------


def test_scheduling_a_qualified_team():
    cycle = new_programme()
    lead, member = auditor(), auditor()
    stage1 = cycle.audits[0]

    schedule(stage1, lead, [(member.id, "auditor")])

    assert stage1.state == "scheduled"
    assert (stage1.start_date, stage1.end_date) == (START, END)
    assert [(m.user_id, m.role, m.overridden) for m in stage1.team] == [
        (lead.id, "lead", False),
        (member.id, "auditor", False),
    ]
    [entry] = log("schedule")
    assert (entry.from_state, entry.to_state) == ("planned", "scheduled")
    assert lead.name in entry.text
    # Stage 2 now has a window: after stage 1, at most 6 months later (policy).
    assert by_kind(cycle)["stage2"].window_start == END


def test_unqualified_auditor_is_refused_and_nothing_changes():
    cycle = new_programme()
    lead, outsider = auditor(), auditor(sector="32", name="Deniz Kaya")
    stage1 = cycle.audits[0]

    with pytest.raises(AssignmentRefused) as refused:
        schedule(stage1, lead, [(outsider.id, "auditor")])

    assert set(refused.value.refusals) == {outsider.id}
    assert "Deniz Kaya is not qualified for ISO 10002:2018 in sector 29" in refused.value.message
    assert stage1.state == "planned" and stage1.start_date is None and stage1.team == []
    assert log("schedule") == []


def test_a_technical_experts_record_covers_an_expert_seat_but_not_an_auditors():
    """17021-1 7.2.5: a technical expert brings sector knowledge to the team; their own record
    qualifies them for an expert seat, not for auditing."""
    cycle = new_programme()
    lead, expert = auditor(), auditor(sector=None, name="Teknik Uzman")
    factories.qualification(expert, role="technical_expert", valid_until=END)
    stage1 = cycle.audits[0]

    with pytest.raises(AssignmentRefused) as refused:
        schedule(stage1, lead, [(expert.id, "auditor")])
    assert "Teknik Uzman is not qualified" in refused.value.message
    assert stage1.state == "planned" and stage1.team == []

    schedule(stage1, lead, [(expert.id, "expert")])
    assert [(m.role, m.overridden) for m in stage1.team] == [("lead", False), ("expert", False)]


def test_expired_qualification_is_refused():
    cycle = new_programme()
    lead = auditor(sector=None)
    factories.qualification(lead, valid_until=START)  # lapses before the last audit day

    with pytest.raises(AssignmentRefused):
        schedule(cycle.audits[0], lead)


def test_conflicted_auditor_is_refused():
    org = factories.organisation()
    cycle = new_programme(org)
    lead, consultant = auditor(), auditor(name="Elif Şahin")
    # Consulted for the client until a year ago: within the two years of 17021-1 5.2.10.
    factories.conflict(consultant, org, ended_on=TODAY - timedelta(days=365))

    with pytest.raises(AssignmentRefused, match="5.2.10: Elif Şahin gave consultancy"):
        schedule(cycle.audits[0], lead, [(consultant.id, "auditor")])
    # No written reason lifts it (17021-1 5.2.10 has no exception).
    with pytest.raises(AssignmentRefused, match="whatever the reason"):
        schedule(
            cycle.audits[0],
            lead,
            [(consultant.id, "auditor")],
            overrides={consultant.id: "Only observes."},
        )
    assert cycle.audits[0].state == "planned" and cycle.audits[0].team == []
    assert log("assignment_override") == []


def test_conflict_that_ended_two_years_ago_does_not_block():
    org = factories.organisation()
    cycle = new_programme(org)
    lead = auditor()
    factories.conflict(lead, org, ended_on=START - timedelta(days=2 * 365 + 1))

    schedule(cycle.audits[0], lead)
    assert cycle.audits[0].state == "scheduled"


def test_override_with_a_written_reason_is_stored_and_logged():
    org = factories.organisation()
    cycle = new_programme(org)
    lead, expert = auditor(), auditor()
    factories.conflict(expert, org, kind="other", started_on=date(2020, 1, 1))  # a family tie
    why = "Technical expert on the complaints IT system only; does not judge conformity."

    schedule(cycle.audits[0], lead, [(expert.id, "expert")], {expert.id: why})

    seat = db.session.scalar(select(AuditTeamMember).where(AuditTeamMember.user_id == expert.id))
    assert seat.overridden and seat.override_reason == why and seat.role == "expert"
    [entry] = log("assignment_override")
    assert (
        entry.reason == why
        and "conflict of interest" in entry.text
        and entry.text.endswith(f"Reason: {why}")
    )


def test_blank_override_reason_is_refused():
    org = factories.organisation()
    cycle = new_programme(org)
    lead = auditor()
    factories.conflict(lead, org, kind="other", started_on=date(2020, 1, 1))

    with pytest.raises(AssignmentRefused, match="write the reason"):
        schedule(cycle.audits[0], lead, overrides={lead.id: "   "})
    assert cycle.audits[0].state == "planned"


@pytest.mark.parametrize(
    ("seat", "qualification"),
    [
        ("lead", {"sector_code": "32"}),  # another sector
        ("lead", {"valid_until": START}),  # lapses before the last day
        ("lead", {"valid_from": END}),  # not valid yet on the first day
        ("auditor", {"sector_code": "32"}),
        ("expert", {"sector_code": "32"}),  # neither an auditor's nor an expert's record
    ],
)
def test_no_reason_puts_an_unqualified_person_on_the_team(seat, qualification):
    """17021-1 7.1, 7.2: every seat needs a qualification for the scheme and sector valid on
    every day of the audit; unlike a family tie, no written reason lifts it."""
    cycle = new_programme()
    stage1 = cycle.audits[0]
    person = auditor(sector=None, name="Deniz Kaya")
    factories.qualification(person, **qualification)
    lead = person if seat == "lead" else auditor()
    team = [] if seat == "lead" else [(person.id, seat)]

    with pytest.raises(AssignmentRefused) as refused:
        schedule(stage1, lead, team, {person.id: "Nobody else speaks the language."})

    assert set(refused.value.refusals) == {person.id}
    message = refused.value.refusals[person.id]
    assert message.startswith("ISO/IEC 17021-1 7.1, 7.2: Deniz Kaya")
    assert "no written reason lets them take this seat" in message
    assert stage1.state == "planned" and stage1.start_date is None and stage1.team == []
    assert log("schedule") == [] and log("assignment_override") == []


def test_consultancy_bars_whatever_else_is_recorded():
    """17021-1 5.2.10: consultancy within 2 years bars with no override, even when another tie
    with the client (a family one, overridable on its own) was recorded first."""
    org = factories.organisation()
    cycle = new_programme(org)
    lead = auditor(name="Elif Şahin")
    factories.conflict(lead, org, kind="other", started_on=date(2020, 1, 1))
    factories.conflict(
        lead, org, kind="consultancy", started_on=date(2024, 1, 1), ended_on=TODAY - timedelta(200)
    )

    with pytest.raises(AssignmentRefused, match="5.2.10: Elif Şahin gave consultancy"):
        schedule(cycle.audits[0], lead, overrides={lead.id: "The family tie is distant."})
    assert cycle.audits[0].state == "planned" and cycle.audits[0].team == []
    assert log("assignment_override") == []


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (TODAY - timedelta(days=1), TODAY, "cannot start in the past"),
        (START, START - timedelta(days=1), "cannot be before its first day"),
        (None, None, "Give the first and the last day"),
    ],
)
def test_bad_dates_are_refused(start, end, message):
    cycle = new_programme()
    with pytest.raises(ProgrammeError, match=message):
        schedule(cycle.audits[0], auditor(), start=start, end=end)
    assert cycle.audits[0].state == "planned"


@pytest.mark.parametrize("role", ["planner", "client"])
def test_lead_must_be_an_active_auditor(role):
    cycle = new_programme()
    with pytest.raises(ProgrammeError, match="lead must be an active auditor") as refused:
        schedule(cycle.audits[0], factories.user(role))
    assert refused.value.field == "lead_id"


def test_inactive_lead_is_refused():
    cycle = new_programme()
    with pytest.raises(ProgrammeError, match="lead must be an active auditor"):
        schedule(cycle.audits[0], auditor(active=False))


def test_one_seat_per_person():
    cycle = new_programme()
    lead = auditor()
    with pytest.raises(ProgrammeError, match="only one seat"):
        schedule(cycle.audits[0], lead, [(lead.id, "auditor")])


def test_rescheduling_replaces_dates_and_team():
    cycle = new_programme()
    first, second = auditor(), auditor()
    stage1 = cycle.audits[0]
    schedule(stage1, first, [(second.id, "auditor")])

    later = START + timedelta(days=7)
    schedule(stage1, second, [(first.id, "expert")], start=later, end=later)

    assert stage1.state == "scheduled" and stage1.start_date == later
    assert [(m.user_id, m.role) for m in stage1.team] == [(second.id, "lead"), (first.id, "expert")]
    [entry] = log("reschedule")
    assert (entry.from_state, entry.to_state) == ("scheduled", "scheduled")


def test_an_audit_under_way_cannot_be_rescheduled():
    cycle = new_programme()
    stage1 = cycle.audits[0]
    stage1.state, stage1.start_date, stage1.end_date = "in_progress", START, END

    with pytest.raises(ProgrammeError, match="cannot be done now"):
        schedule(stage1, auditor())


def test_cancel_needs_a_reason_and_is_logged():
    cycle = new_programme()
    stage1 = cycle.audits[0]
    planner = factories.user("planner")

    with pytest.raises(ProgrammeError, match="reason"):
        services.cancel_audit(planner, stage1, " ", TODAY)
    assert stage1.state == "planned"

    services.cancel_audit(planner, stage1, "Client postponed certification.", TODAY)
    assert stage1.state == "cancelled"
    [entry] = log("cancel")
    assert "Client postponed certification." in entry.reason
    with pytest.raises(TransitionError) as again:  # "Already done", said app-wide
        services.cancel_audit(planner, stage1, "again", TODAY)
    assert again.value.already_done


def test_my_audits_lists_only_the_auditors_own():
    mine, other = new_programme(), new_programme()
    me, someone = auditor(), auditor()
    schedule(mine.audits[0], me)
    schedule(other.audits[0], someone)

    found = db.session.scalars(services.my_audits_query(me)).all()
    assert [a.id for a in found] == [mine.audits[0].id]


def test_overdue_list_keeps_only_late_audits():
    cycle = new_programme()
    cycle.decision_date = TODAY - timedelta(days=400)  # surveillance 1 was due 35 days ago
    services.refresh_programme_dates(cycle)

    late = db.session.scalars(services.open_audits_query("overdue", TODAY)).all()
    assert [a.kind for a in late] == ["surveillance1"]
