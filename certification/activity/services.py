"""Writing the activity log, and the one place every state change passes (`transition`).

Two requests at once (a double click, two committee members) never both apply a move: a
transition writes only if the row is still in the state it was read in, and a service that does
work before its transition first takes the subject's row with `lock`, so the second request waits,
sees the first one's result and is refused, changing nothing.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from certification.activity.models import ActivityLog
from certification.extensions import db
from certification.workflow import Action, TransitionError, next_state


class StaleState(TransitionError):
    """Another request moved the subject between this request's read and its write."""


def record(
    actor,
    subject,
    action: str,
    *,
    organisation_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str = "",
    note: dict | None = None,
    group_key: str | None = None,
) -> ActivityLog:
    """Append one log row; `subject` is any model instance with an id. `reason` is text a person
    typed; what the system adds goes in `note` (activity.notes.note), worded when read."""
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
        params=note,
        group_key=group_key,
    )
    db.session.add(entry)
    return entry


def _organisation_of(subject) -> int | None:
    """The organisation a row belongs to on its timeline: the subject's own, or the subject
    itself when it is an organisation (so one indexed column finds the whole timeline)."""
    if type(subject).__name__ == "Organisation":
        return subject.id
    return getattr(subject, "organisation_id", None)


def lock(subject, *, rows_may_point_here: bool = False):
    """Re-read `subject` and hold its row until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE, so a concurrent request waits here until this one commits
    and then reads the new state. SQLite: a request that may write already holds the database's
    write lock from its first statement (BEGIN IMMEDIATE, see certification/__init__.py).
    Call it at the top of a service, before its checks and before it creates anything.

    `rows_may_point_here`: FOR NO KEY UPDATE instead, for a row that other requests only point
    to (an organisation): their inserts go on, only another lock of this row waits.
    """
    db.session.flush()
    db.session.refresh(subject, with_for_update={"key_share": rows_may_point_here})
    return subject


def transition(actor, subject, action: Action, *, reason: str = "", **log) -> StrEnum:
    """Move `subject.state` through the transition table and log it; raises TransitionError.

    The subject's class names its lifecycle enum in `STATE` (e.g. `Quote.STATE = QuoteState`).
    The row is written only if it is still in the state this request read (UPDATE ... WHERE
    state = before); otherwise StaleState, and the caller's transaction is rolled back.
    """
    before = subject.STATE(subject.state)
    after = next_state(before, action)
    db.session.flush()
    model = type(subject)
    moved = db.session.execute(
        update(model)
        .where(model.id == subject.id, model.state == before.value)
        .values(state=after.value),
        # row_id: listeners (verification/answers.py) know which one row this UPDATE touched.
        execution_options={"synchronize_session": False, "row_id": subject.id},
    ).rowcount
    if moved != 1:
        db.session.refresh(subject)
        raise StaleState(subject.STATE(subject.state), action)
    set_committed_value(subject, "state", after.value)
    record(actor, subject, action, from_state=before, to_state=after, reason=reason, **log)
    return after


def refused_again(error: TransitionError) -> bool:
    """The move was done already (a second click, a colleague) or the row changed meanwhile.

    A service that words its own refusals lets these through, so the app-wide handler
    (certification/errors.py) tells the user so on the page they came from.
    """
    return error.already_done or isinstance(error, StaleState)


def refusal_message(error: TransitionError, not_now: str | None = None) -> str:
    """What the user reads when a move is refused: done already, changed meanwhile, or not now
    (`not_now`: the domain's own words for the last case)."""
    state = getattr(error.state, "label", error.state)
    if error.already_done:
        return _(
            "Already done: it is %(state)s now (a second click, or a colleague a moment ago). "
            "Nothing was changed.",
            state=state,
        )
    if isinstance(error, StaleState):
        return _(
            "Someone else changed this a moment ago: it is %(state)s now. Nothing was changed; "
            "check it and try again.",
            state=state,
        )
    return not_now or _("This cannot be done now: the item is %(state)s.", state=state)
