"""The body's daily work on top of the other stories, so that every home page shows something:
an auditor's leave, a client's quality manager who gets its e-mails, who signed in when, a
qualification about to lapse, an e-mail the server refused, and a calendar feed for everyone.

Runs last: the other stories have written their messages to the outbox by then.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from certification.accounts.models import AuditorQualification, User
from certification.calendar import services as calendar
from certification.extensions import db
from certification.models_base import utcnow
from certification.notifications.models import ExtraRecipient, OutboxMessage
from certification.notifications.services import absolute, path_for

# The quality manager of a Georgian client gets its e-mails without a sign-in.
QUALITY_MANAGER = (
    "Tbilisi Water LLC",
    "quality.manager@tbilisiwater.example.ge",
    "თამარ გელაშვილი",
)


def daily(staff: dict, orgs: dict, today: date) -> None:
    auditor = staff["elena.petrova@demo.test"]
    calendar.add_leave(
        auditor, today + timedelta(days=12), today + timedelta(days=16), "Annual leave", today
    )
    name, email, person = QUALITY_MANAGER
    db.session.add(ExtraRecipient(organisation_id=orgs[name].id, email=email, name=person))
    _sign_ins(staff)
    _lapsing_qualification(staff, today)
    _refused_message()
    db.session.flush()


def _sign_ins(staff: dict) -> None:
    """Staff signed in today, except one auditor away for four months (a dormant account)."""
    now = utcnow()
    for user in staff.values():
        user.last_login_at = now
    staff["john.carter@demo.test"].last_login_at = now - timedelta(days=120)


def _lapsing_qualification(staff: dict, today: date) -> None:
    first = db.session.scalar(
        select(AuditorQualification)
        .where(AuditorQualification.auditor_id == staff["nino.beridze@demo.test"].id)
        .order_by(AuditorQualification.id)
        .limit(1)
    )
    if first is not None:
        first.valid_until = today + timedelta(days=45)


def _refused_message() -> None:
    """One message the client's server refused (a mistyped address), for the admin's outbox."""
    message = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))
    if message is None:
        return
    message.state, message.attempts = "failed", 1
    message.last_error = "SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable (demo)"


def calendar_urls() -> list[tuple[str, str]]:
    """(email, private feed URL) of every active demo user, making the feeds as needed."""
    found = []
    for user in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)):
        feed = calendar.feed_of(user) or calendar.new_feed(user)
        found.append((user.email, absolute(path_for("calendar.feed", token=feed.token))))
    return found
