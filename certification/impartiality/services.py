"""Impartiality records: the risk register and its reviews, the yearly committee review with its
minutes, the yearly declarations. Each verb checks first, then changes, logs and flushes."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from certification.accounts.models import User
from certification.activity.notes import Coded, log_note
from certification.activity.services import record
from certification.applications import uploads
from certification.extensions import db
from certification.impartiality import rules
from certification.impartiality.models import Declaration, ImpartialityReview, ImpartialityRisk


class ImpartialityError(ValueError):
    """A refused record; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


RISK_MESSAGES = {
    "threat": lambda: _("Choose the kind of threat."),
    "source_kind": lambda: _("Choose where the threat comes from."),
    "organisation_id": lambda: _("Choose the client the threat comes from."),
    "person_id": lambda: _("Choose the person the threat comes from."),
    "relation": lambda: _("Describe the relation."),
    "description": lambda: _("Describe the threat."),
    "action_taken": lambda: _("ISO/IEC 17021-1 5.2.3: record the action taken against the threat."),
    "review_on": lambda: _("Give the next review day: later than today, within a year."),
}


def _check_admin(actor) -> None:
    if getattr(actor, "role", None) != "admin":
        raise ImpartialityError(_("Only an administrator keeps the impartiality records."))


def save_risk(
    actor, values: dict, today: date, risk: ImpartialityRisk | None = None
) -> ImpartialityRisk:
    """Record a new risk, or change one (its review recorded when `reviewed` is set)."""
    _check_admin(actor)
    fields = _risk_fields(values, today)
    if fields["source_kind"] != "client":
        fields["organisation_id"] = None
    if fields["source_kind"] != "person":
        fields["person_id"] = None
    new = risk is None
    risk = risk or ImpartialityRisk(identified_on=today, recorded_by_id=actor.id)
    for name, value in fields.items():
        setattr(risk, name, value)
    if not new and values.get("reviewed"):
        risk.last_reviewed_on = today
    if values.get("closed") and risk.closed_on is None:
        risk.closed_on = today
    db.session.add(risk)
    db.session.flush()
    action = (
        "risk_recorded" if new else ("risk_reviewed" if values.get("reviewed") else "risk_changed")
    )
    record(
        actor,
        risk,
        action,
        reason=risk.description[:200],
        note=log_note("labelled_reason", label=Coded("threat", risk.threat)),
    )
    db.session.flush()
    return risk


def _risk_fields(values: dict, today: date) -> dict:
    """The entry's values, checked (17021-1 5.2.3: with the action taken, reviewed on a date)."""
    fields = {
        "threat": values.get("threat") or "",
        "source_kind": values.get("source_kind") or "",
        "organisation_id": values.get("organisation_id") or None,
        "person_id": values.get("person_id") or None,
        "relation": (values.get("relation") or "").strip(),
        "description": (values.get("description") or "").strip(),
        "action_taken": (values.get("action_taken") or "").strip(),
        "review_on": values.get("review_on"),
    }
    problem = rules.risk_problem(*fields.values(), today)
    if problem:
        raise ImpartialityError(RISK_MESSAGES[problem](), problem)
    fields["level"] = values.get("level") if values.get("level") in rules.LEVELS else "medium"
    return fields


def record_committee_review(
    actor, held_on, members, conclusions, minutes, today: date
) -> ImpartialityReview:
    """The impartiality committee's yearly review, with its minutes as a document."""
    _check_admin(actor)
    if held_on is None or held_on > today:
        raise ImpartialityError(_("Give the day of the meeting (not in the future)."), "held_on")
    if not (members or "").strip():
        raise ImpartialityError(_("Name the members present."), "members")
    if not (conclusions or "").strip():
        raise ImpartialityError(_("Write the committee's conclusions."), "conclusions")
    if not minutes:
        raise ImpartialityError(_("Attach the minutes of the meeting."), "minutes")
    checked = uploads.check_all(minutes[:1])
    rows = uploads.store_files(
        checked,
        lambda upload, stored_name: ImpartialityReview(
            held_on=held_on,
            members=members.strip(),
            conclusions=conclusions.strip(),
            minutes_name=upload.display_name,
            minutes_stored=stored_name,
            minutes_type=upload.content_type,
            minutes_size=len(upload.data),
            recorded_by_id=actor.id,
        ),
    )
    record(actor, rows[0], "impartiality_review_recorded", reason=rows[0].minutes_name)
    db.session.flush()
    return rows[0]


def last_committee_review() -> ImpartialityReview | None:
    return db.session.scalar(
        select(ImpartialityReview).order_by(ImpartialityReview.held_on.desc()).limit(1)
    )


def declaration_text() -> str:
    """The declaration as each person signs it (17021-1 5.2.13, 8.4)."""
    return _(
        "I will keep confidential all information I obtain about clients in the course of the "
        "certification activities, unless the client or the law allows otherwise. I will act "
        "impartially: I declare every relation with a client (consultancy, employment, family, "
        "commercial) before taking part in its audit or decision, and I will not audit or decide "
        "where such a relation, or any pressure, could affect my judgement."
    )


def sign_declaration(actor, person: User, year: int, interests: str, today: date) -> Declaration:
    """A person signs this year's declaration themselves, or the admin records a signed paper."""
    if person.id != actor.id:
        _check_admin(actor)
    if person.role not in rules.DECLARING_ROLES:
        raise ImpartialityError(_("Only the people of the body sign the declaration."))
    if year != today.year:
        raise ImpartialityError(_("The declaration is signed for the current year."))
    declaration = Declaration(
        user_id=person.id,
        year=year,
        signed_on=today,
        statement=declaration_text(),
        interests=(interests or "").strip(),
        recorded_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(declaration)
            db.session.flush()
    except IntegrityError:
        raise ImpartialityError(
            _(
                "%(name)s has already signed the declaration for %(year)d.",
                name=person.name,
                year=year,
            )
        ) from None
    record(actor, declaration, "declaration_signed", reason=f"{person.name}, {year}")
    db.session.flush()
    return declaration


def declaration_of(user_id: int, year: int) -> Declaration | None:
    return db.session.scalar(
        select(Declaration).where(Declaration.user_id == user_id, Declaration.year == year)
    )


def declarations_overview(year: int) -> tuple[list[Declaration], list[User]]:
    """This year's signed declarations, and the active people of the body who have not signed."""
    signed = db.session.scalars(
        select(Declaration).where(Declaration.year == year).order_by(Declaration.signed_on)
    ).all()
    people = db.session.scalars(
        select(User).where(User.role.in_(rules.DECLARING_ROLES), User.active.is_(True))
    ).all()
    return list(signed), rules.missing_declarations(people, [d.user_id for d in signed])


def open_risks_due(today: date) -> int:
    return db.session.scalar(
        select(func.count(ImpartialityRisk.id)).where(
            ImpartialityRisk.closed_on.is_(None), ImpartialityRisk.review_on < today
        )
    )
