"""A realistic demo data set: organisations in five scripts at different points of the cycle.

Built through the same services the UI uses, so every state has its activity-log trail.
`flask --app app demo` calls `rebuild_database()`, then `build(today)` and prints the logins.

Where things go (helpers first; stories import helpers, never the reverse):
- people.py: staff, logins, auditors' qualifications, conflicts of interest;
- documents.py: the stand-in PDFs clients send;
- organisations.py: the organisations that stop before any audit starts, and `advance`, which
  takes one through application, review, quote, contract and the audit programme;
- notes.py: what auditors write (a client's facts, findings, routine notes);
- onsite.py: on-site work: schedule and start an audit, answer it, findings, answers, report;
- lifecycle.py: a certificate's cycle in a few calls (certified, audited, maintained, decided);
- stories/: one module per story that goes beyond the contract, with its organisations and
  what happens to them: neva.py, caucasus.py, mekong.py (audits under way), certificates.py
  (one function per certificate status), daily.py (leave, an extra e-mail recipient,
  sign-ins, a lapsing qualification, a refused e-mail, everyone's calendar feed),
  documents.py (signed PDFs, the signatory) and competence.py (training, witnessed audits,
  yearly evaluations, one overdue).

A new story (a complaint, an appeal, an audit plan for Neva) is a function in the story module of
its organisation, or a new module in stories/ called from `build()` below. A new organisation that
stops before the audits is one more entry in `organisations.ORGANISATIONS`.
"""

from __future__ import annotations

from datetime import date

from certification.demo.organisations import ORGANISATIONS, advance, enrol
from certification.demo.people import DEMO_PASSWORD, add_conflicts, create_staff, logins_by_role
from certification.demo.stories import (
    caucasus,
    certificates,
    competence,
    complaints,
    daily,
    documents,
    duties,
    mekong,
    neva,
)
from certification.extensions import db

__all__ = ["DEMO_PASSWORD", "build", "calendar_urls", "rebuild_database"]

calendar_urls = daily.calendar_urls

# Audits under way, in the order their organisations are registered (after ORGANISATIONS).
AUDIT_STORIES = (neva, caucasus, mekong)


def build(today: date | None = None) -> dict[str, list[tuple[str, str]]]:
    """Fill an empty database; returns the demo logins by role."""
    today = today or date.today()
    staff = create_staff(today)
    documents.prepare(staff)  # signatory and signing key before the first certificate
    logins = logins_by_role()
    planner = staff["planner@demo.test"]
    orgs: dict = {}
    for spec in ORGANISATIONS:
        org, client = enrol(planner, spec, orgs, logins)
        advance(spec, org, client, staff, today)
    for story in AUDIT_STORIES:
        org, client = enrol(planner, story.ORGANISATION, orgs, logins)
        advance(story.ORGANISATION, org, client, staff, today)
        story.audits(story.ORGANISATION, org, client, staff, today)
    add_conflicts(staff, orgs, today)
    certificates.certify(staff, orgs, logins, today)
    complaints.tell(staff, orgs, today)
    duties.tell(staff, orgs, logins, today)
    competence.tell(staff, today)
    db.session.flush()
    daily.daily(staff, orgs, today)
    return logins


def rebuild_database() -> None:
    """Drop everything and build the schema through the migrations, as production does."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect, text

    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        if inspect(connection).has_table("alembic_version"):
            connection.execute(text("DROP TABLE alembic_version"))
    upgrade()
