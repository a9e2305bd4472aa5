"""Writing the activity log. Every state change goes through `record`."""

from __future__ import annotations

from enum import StrEnum

from certification.activity.models import ActivityLog
from certification.extensions import db
from certification.workflow import Action, next_state


def record(
    actor,
    subject,
    action: str,
    *,
    organisation_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str = "",
) -> ActivityLog:
    """Append one log row; `subject` is any model instance with an id."""
    entry = ActivityLog(
        actor_id=getattr(actor, "id", None),
        organisation_id=organisation_id
        if organisation_id is not None
        else _organisation_of(subject),
        subject_type=type(subject).__name__,
        subject_id=subject.id,
        action=str(action),
        from_state=None if from_state is None else str(from_state),
        to_state=None if to_state is None else str(to_state),
        reason=reason or "",
    )
    db.session.add(entry)
    return entry


def _organisation_of(subject) -> int | None:
    """The organisation a row belongs to on its timeline: the subject's own, or the subject
    itself when it is an organisation (so one indexed column finds the whole timeline)."""
    if type(subject).__name__ == "Organisation":
        return subject.id
    return getattr(subject, "organisation_id", None)


def transition(actor, subject, action: Action, *, reason: str = "", **log) -> StrEnum:
    """Move `subject.state` through the transition table and log it; raises TransitionError.

    The subject's class names its lifecycle enum in `STATE` (e.g. `Quote.STATE = QuoteState`).
    """
    before = subject.STATE(subject.state)
    after = next_state(before, action)
    subject.state = after.value
    db.session.flush()
    record(actor, subject, action, from_state=before, to_state=after, reason=reason, **log)
    return after
