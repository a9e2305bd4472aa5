"""Calendar feeds and files read back with the icalendar library; leave that refuses a schedule;
the planner's month."""

from __future__ import annotations

import re
from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select

from certification.calendar.models import CalendarFeed, Unavailability
from certification.notifications.models import OutboxMessage
from certification.programme.models import AuditTeamMember
from certification.programme.services import ProgrammeError, schedule_audit
from tests import factories

TODAY = date.today()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def two_clients(db):
    """Two organisations, each with a scheduled audit; the auditor is on the first one only."""
    auditor = factories.user("auditor", name="Deniz Denetçi")
    audits = []
    for name in ("Takvim Bir A.Ş.", "Takvim İki A.Ş."):
        org = factories.organisation(legal_name=name)
        cycle = factories.cycle(factories.quote(factories.application(org)))
        audits.append(
            factories.audit(
                cycle, kind="stage1", state="scheduled", start_date=days(10), end_date=days(11)
            )
        )
        factories.audit(cycle, kind="stage2", state="planned", due_by=days(80))
    db.session.add(AuditTeamMember(audit=audits[0], user=auditor, role="lead"))
    factories.finding(audits[1], grade="minor", plan_due_on=days(30))
    db.session.commit()
    return auditor, audits


def feed_url(client) -> str:
    client.post("/calendar/feed")
    page = client.get("/account").get_data(as_text=True)
    return re.search(r'value="(http[^"]+\.ics)"', page).group(1)


def test_an_auditor_feed_shows_their_own_audits_only(client, db, login_as):
    auditor, audits = two_clients(db)
    login_as(auditor)
    url = feed_url(client)
    assert url.startswith("http://127.0.0.1:5000/calendar/")
    response = client.get(url.replace("http://127.0.0.1:5000", ""))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    found = events(response.data)
    assert list(found) == ["Stage 1 · Takvim Bir A.Ş."]
    event = found["Stage 1 · Takvim Bir A.Ş."]
    assert event.decoded("dtstart") == days(10)
    assert event.decoded("dtend") == days(12)  # RFC 5545: the day after the last day
    assert "Deniz Denetçi" in str(event["description"])
    assert str(event["uid"]) == f"audit-{audits[0].id}@127.0.0.1"


def test_a_client_feed_shows_its_audits_and_deadlines(client, db, login_as):
    _auditor, audits = two_clients(db)
    login_as(factories.user("client", organisation=audits[1].organisation))
    found = events(client.get(feed_url(client).replace("http://127.0.0.1:5000", "")).data)
    assert set(found) == {
        "Stage 1 · Takvim İki A.Ş.",
        "Stage 2 of Takvim İki A.Ş. due by this day",
        "Answer to finding S1-1 (clause 7.2) due",
    }
    assert found["Answer to finding S1-1 (clause 7.2) due"].decoded("dtstart") == days(30)


def test_a_planner_feed_shows_everything(client, db, login_as):
    two_clients(db)
    login_as("planner")
    found = events(client.get(feed_url(client).replace("http://127.0.0.1:5000", "")).data)
    assert {"Stage 1 · Takvim Bir A.Ş.", "Stage 1 · Takvim İki A.Ş."} <= set(found)
    assert len([s for s in found if s.startswith("Stage 2 of")]) == 2


def test_a_feed_address_can_be_revoked_and_made_anew(client, db, login_as):
    user = login_as("planner")
    old = feed_url(client).replace("http://127.0.0.1:5000", "")
    client.post("/calendar/feed")
    new = db.session.scalar(select(CalendarFeed.token).where(CalendarFeed.user_id == user.id))
    assert client.get(old).status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    client.post("/calendar/feed/revoke")
    assert client.get(f"/calendar/{new}.ics").status_code == 404
    assert "Make my calendar address" in client.get("/account").get_data(as_text=True)


def test_one_audit_downloads_as_an_ics_file(client, db, login_as):
    _auditor, audits = two_clients(db)
    login_as("planner")
    response = client.get(f"/calendar/audits/{audits[0].id}.ics")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert event.decoded("dtstart") == days(10)
    # a client of another organisation gets nothing: not even that the audit exists
    login_as(factories.user("client", organisation=audits[1].organisation))
    assert client.get(f"/calendar/audits/{audits[0].id}.ics").status_code == 404


def test_the_scheduled_audit_email_carries_the_calendar_file(db):
    auditor = factories.user("auditor")
    factories.qualification(auditor)
    audit = factories.audit()
    factories.user("client", organisation=audit.organisation)
    schedule_audit(
        factories.user("planner"), audit, days(5), days(6), auditor.id, [], {}, today=TODAY
    )
    db.session.commit()
    message = db.session.scalars(select(OutboxMessage)).first()
    assert message.attachment_name == f"audit-{audit.id}.ics"
    (event,) = Calendar.from_ical(message.attachment_body).walk("VEVENT")
    assert event.decoded("dtstart") == days(5) and int(event["sequence"]) == 0


def test_an_auditor_records_leave_and_scheduling_on_it_is_refused(client, db, login_as):
    auditor = login_as("auditor", name="Ece Yılmaz")
    factories.qualification(auditor)
    audit = factories.audit()
    db.session.commit()
    response = client.post(
        "/calendar/leave",
        data={"start": days(20).isoformat(), "end": days(24).isoformat(), "note": "Annual leave"},
    )
    assert response.status_code == 302
    (leave,) = db.session.scalars(select(Unavailability)).all()
    assert (leave.start_date, leave.end_date) == (days(20), days(24))
    assert "Annual leave" in client.get("/home/").get_data(as_text=True)
    planner = factories.user("planner")
    db.session.commit()
    try:
        schedule_audit(planner, audit, days(23), days(25), auditor.id, [], {}, today=TODAY)
    except ProgrammeError as error:
        message = error.message
    else:  # pragma: no cover - the refusal is the point
        raise AssertionError("scheduling on leave was not refused")
    db.session.rollback()
    assert "Ece Yılmaz is unavailable from" in message
    assert db.session.get(type(audit), audit.id).state == "planned"
    assert db.session.scalars(select(AuditTeamMember)).all() == []
    audit, planner = (
        db.session.get(type(audit), audit.id),
        db.session.get(type(planner), planner.id),
    )
    schedule_audit(planner, audit, days(25), days(26), auditor.id, [], {}, today=TODAY)


def test_the_schedule_form_shows_the_leave_refusal(client, db, login_as):
    auditor = factories.user("auditor", name="Ece Yılmaz")
    factories.qualification(auditor)
    db.session.add(Unavailability(user=auditor, start_date=days(3), end_date=days(4)))
    audit = factories.audit()
    login_as("planner")
    response = client.post(
        f"/programme/audits/{audit.id}/schedule",
        data={"start": days(4).isoformat(), "end": days(5).isoformat(), "lead_id": auditor.id},
    )
    assert response.status_code == 400
    assert "Ece Yılmaz is unavailable from" in response.get_data(as_text=True)


def test_leave_in_the_past_or_upside_down_is_refused(client, db, login_as):
    login_as("auditor")
    client.post(
        "/calendar/leave", data={"start": days(-5).isoformat(), "end": days(-2).isoformat()}
    )
    client.post("/calendar/leave", data={"start": days(5).isoformat(), "end": days(2).isoformat()})
    assert db.session.scalars(select(Unavailability)).all() == []


def test_the_planners_month_shows_audits_teams_and_leave(client, db, login_as):
    auditor, _audits = two_clients(db)
    db.session.add(Unavailability(user=auditor, start_date=days(10), end_date=days(10)))
    db.session.commit()
    login_as("planner")
    month = days(10).strftime("%Y-%m")
    page = re.sub(r"\s+", " ", client.get(f"/calendar/month?month={month}").get_data(as_text=True))
    assert "Takvim Bir A.Ş. · Stage 1" in page and "Deniz Denetçi" in page
    assert "Deniz Denetçi unavailable" in page
    assert days(10).strftime("%Y") in page
