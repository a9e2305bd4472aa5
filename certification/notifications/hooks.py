"""Messages are written in the transaction of the change that caused them.

Every change the app makes is logged (activity.services.record). Each new log row is remembered
on its session; just before that session commits, the announcer of the row's (subject, action)
writes the outbox rows, which the commit then saves together with the change. A rollback
forgets them: a change that did not happen tells nobody.
"""

from __future__ import annotations

import logging

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, object_session

from certification.activity.models import ActivityLog

PENDING = "notifications.pending"
log = logging.getLogger(__name__)
# Subject type (ActivityLog.subject_type) -> model class, for loading the subject of a row.
_MODELS: dict[str, type] = {}


def _model(name: str):
    if not _MODELS:
        from certification.extensions import db

        for mapper in db.Model.registry.mappers:
            _MODELS[mapper.class_.__name__] = mapper.class_
    return _MODELS.get(name)


@event.listens_for(ActivityLog, "after_insert")
def _remember(_mapper, _connection, entry: ActivityLog) -> None:
    session = object_session(entry)
    if session is not None:
        session.info.setdefault(PENDING, []).append(entry)


@event.listens_for(Session, "before_commit")
def _announce(session: Session) -> None:
    from certification.notifications.announce import ANNOUNCERS

    session.flush()  # log rows still waiting are inserted, and so remembered, now
    while session.info.get(PENDING):
        entries, session.info[PENDING] = session.info[PENDING], []
        for entry in entries:
            if not inspect(entry).persistent:
                continue  # written inside a savepoint that was rolled back
            announcer = ANNOUNCERS.get((entry.subject_type, entry.action))
            model = _model(entry.subject_type)
            if announcer is None or model is None or entry.subject_id is None:
                continue
            subject = session.get(model, entry.subject_id)
            if subject is not None:
                announcer(entry, subject)
        session.flush()


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous) -> None:
    if not session.in_transaction():
        session.info.pop(PENDING, None)
