"""Create forms sent once: the first sending of a form's one-time token claims it.

Every create form carries a token made when the form was shown (forms.SentOnce). Sending it
inserts (user, token) under a unique key before anything is created: of two identical sendings
at the same moment (a double click, a second tab, a browser's retry), PostgreSQL makes the second
insert wait for the first transaction and then refuses it; on SQLite the second request waits
for the write lock. The second then reads what the first made, and creates nothing.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from certification.extensions import db
from certification.models_base import utcnow
from certification.submissions.models import FormSubmission

# A page's CSRF token expires after an hour (Flask-WTF's default), so no page older than this can
# be sent again: the user's older tokens are removed as a new one is claimed.
KEPT_FOR = timedelta(days=7)


class SentBefore(Exception):
    """This form (its token) was sent already; `earlier` is that sending, as committed."""

    def __init__(self, earlier: FormSubmission | None):
        super().__init__("form sent before")
        self.earlier = earlier


def claim(actor, form: str, token: str) -> FormSubmission:
    """Record this sending of `form`; SentBefore if its token was sent before by `actor`."""
    submission = FormSubmission(user_id=actor.id, token=token, form=form)
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError:
        raise SentBefore(earlier(actor, token)) from None
    db.session.execute(
        delete(FormSubmission).where(
            FormSubmission.user_id == actor.id, FormSubmission.created_at < utcnow() - KEPT_FOR
        )
    )
    return submission


def earlier(actor, token: str) -> FormSubmission | None:
    return db.session.scalar(
        select(FormSubmission).where(
            FormSubmission.user_id == actor.id, FormSubmission.token == token
        )
    )


def made(submission: FormSubmission, result):
    """Note what the sending made (shown to a repeated sending); returns `result`."""
    submission.result_type, submission.result_id = type(result).__name__, result.id
    db.session.flush()
    return result
