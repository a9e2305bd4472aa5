"""The public answer of each certificate, kept ready in `public_answers` and read in one step.

Every flush that changes a certificate, its sites, its organisation or an audit of its cycle
(the next surveillance due) rewrites the answers of the certificates concerned in the same
transaction, so a look-up never shows what the database no longer says: a suspension is public
the moment it is committed, in every worker, and gone with a rollback. No cache, no staleness
window. The look-up itself reads one row by a unique key and sends its JSON as it is (only a
certificate past its expiry date, not yet swept, has its status corrected on the way out).
"""

from __future__ import annotations

import json
from datetime import date
from itertools import chain, groupby

from flask import current_app
from sqlalchemy import Connection, Select, bindparam, case, delete, insert, literal, null, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from certification.accreditations.models import Accreditation
from certification.certificates.models import Certificate, CertificateSite
from certification.extensions import db
from certification.organisations.models import Organisation
from certification.programme.models import Audit, AuditKind
from certification.verification.models import PublicAnswer
from certification.verification.reader import reader_for, session_has_work
from certification.verification.services import (
    Lookup,
    for_today,
    public_status,
    public_view,
    site_address,
)
from certification.workflow import AuditState, CertificateState

SURVEILLANCE = (AuditKind.SURVEILLANCE1, AuditKind.SURVEILLANCE2)
# A surveillance audit still to be done: not yet carried out (submitted or later) nor cancelled.
NOT_YET_DONE = (AuditState.PLANNED, AuditState.SCHEDULED, AuditState.IN_PROGRESS)
CHUNK = 500  # certificates per statement when many answers are rewritten

_CERT = Certificate.__table__.c
_ORG = Organisation.__table__.c
_SITE = CertificateSite.__table__.c
_AUDIT = Audit.__table__.c
_ACC = Accreditation.__table__.c
_ANSWER = PublicAnswer.__table__


# -- reading: the hot path ----------------------------------------------------------------------


def _reader(column) -> Select:
    return select(
        _ANSWER.c.number,
        _ANSWER.c.certificate_state.label("state"),
        _ANSWER.c.expires_on,
        _ANSWER.c.answer,
        _ANSWER.c.superseded_by,
    ).where(column == bindparam("key"))


_READERS = {"number": _reader(_ANSWER.c.number), "token": _reader(_ANSWER.c.token)}


def find(kind: str, key: str):
    """The answer row (number, state, expires_on, answer, superseded_by) of the certificate with
    this number ("number") or verification token ("token"), exactly as given (surrounding
    spaces ignored); None if there is none."""
    key = (key or "").strip()
    if not key or len(key) > 64:
        return None
    reader = reader_for(current_app)
    if reader is not None and not session_has_work():
        return reader.find(kind, key)
    return db.session.execute(_READERS[kind], {"key": key}).first()


def json_for_today(found, today: date) -> str:
    """The stored JSON, untouched unless the certificate has lapsed since it was written."""
    if public_status(found.state, found.expires_on, today).value == found.state:
        return found.answer
    return dumps(view_for_today(found, today))


def view_for_today(found, today: date) -> dict:
    view = json.loads(found.answer)
    return for_today(view, found.state, found.expires_on, today) or view


def dumps(view: dict) -> str:
    return json.dumps(view, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# -- writing ------------------------------------------------------------------------------------


def _lookup_statement() -> Select:
    """The certificates with their organisation, one row per certified site, and as scalar
    subqueries the next surveillance due and the number of the revision that superseded it."""
    successor = Certificate.__table__.alias("successor")
    next_due = (
        select(_AUDIT.due_by)
        .where(
            _AUDIT.cycle_id == _CERT.cycle_id,
            _AUDIT.kind.in_([literal(kind.value) for kind in SURVEILLANCE]),
            _AUDIT.state.in_([literal(state.value) for state in NOT_YET_DONE]),
            _AUDIT.due_by.is_not(None),
        )
        .order_by(_AUDIT.due_by)
        .limit(1)
        .scalar_subquery()
    )
    superseded_by = (
        select(successor.c.number)
        .where(successor.c.supersedes_id == _CERT.id)
        .order_by(successor.c.revision.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            _CERT.id,
            _CERT.number,
            _CERT.token,
            _CERT.state,
            _CERT.confidential,
            _CERT.scheme,
            _CERT.edition,
            _CERT.scope,
            _CERT.issued_on,
            _CERT.original_issued_on,
            _CERT.expires_on,
            _CERT.revision,
            _ORG.legal_name,
            _ORG.english_name,
            _ORG.city,
            _ORG.country,
            next_due.label("next_surveillance_due"),
            case(
                (_CERT.state == literal(CertificateState.SUPERSEDED.value), superseded_by),
                else_=null(),
            ).label("superseded_by"),
            _ACC.accreditation_body.label("accreditation_body"),
            _ACC.number.label("accreditation_number"),
            _SITE.name.label("site_name"),
            _SITE.address.label("site_address"),
            _SITE.city.label("site_city"),
            _SITE.country.label("site_country"),
            _SITE.scope.label("site_scope"),
        )
        .select_from(
            Certificate.__table__.join(Organisation.__table__, _ORG.id == _CERT.organisation_id)
            .outerjoin(Accreditation.__table__, _ACC.id == _CERT.accreditation_id)
            .outerjoin(CertificateSite.__table__, _SITE.certificate_id == _CERT.id)
        )
        .order_by(_CERT.id, _SITE.id)
    )


_LOOKUP = _lookup_statement()


def _lookup(rows) -> Lookup:
    """One certificate's rows (one per site) as the public finds it."""
    row = rows[0]
    return Lookup(
        number=row.number,
        state=row.state,
        confidential=row.confidential,
        scheme=row.scheme,
        edition=row.edition,
        scope=row.scope,
        issued_on=row.issued_on,
        original_issued_on=row.original_issued_on,
        expires_on=row.expires_on,
        revision=row.revision,
        organisation={
            "name": row.legal_name,
            "english_name": row.english_name or None,
            "city": row.city or None,
            "country": row.country or None,
        },
        sites=[
            {
                "name": site.site_name,
                "address": site_address(site.site_address, site.site_city, site.site_country)
                or None,
                "scope": site.site_scope or None,
            }
            for site in rows
            if site.site_name is not None
        ],
        next_surveillance_due=row.next_surveillance_due,
        superseded_by=row.superseded_by,
        accreditation=(
            {"body": row.accreditation_body, "number": row.accreditation_number}
            if row.accreditation_body is not None
            else None
        ),
    )


def _answers(connection: Connection, statement: Select) -> list[dict]:
    rows = connection.execute(statement).all()
    answers = []
    for certificate_id, group in groupby(rows, key=lambda row: row.id):
        group = list(group)
        found = _lookup(group)
        answers.append(
            {
                "certificate_id": certificate_id,
                "number": found.number,
                "token": group[0].token,
                "certificate_state": found.state,
                "expires_on": found.expires_on,
                "superseded_by": found.superseded_by,
                "answer": dumps(public_view(found, None)),
            }
        )
    return answers


def refresh(connection: Connection, certificate_ids) -> None:
    """Rewrite the answers of these certificates from what the database says now.

    The certificates' rows are locked first (PostgreSQL), so two transactions changing the same
    certificate (a suspension, a rename of its organisation) write its answer one after the
    other, the second from what the first committed.
    """
    ids = sorted({i for i in certificate_ids if i is not None})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        connection.execute(select(_CERT.id).where(_CERT.id.in_(chunk)).with_for_update())
        answers = _answers(connection, _LOOKUP.where(_CERT.id.in_(chunk)))
        connection.execute(delete(_ANSWER).where(_ANSWER.c.certificate_id.in_(chunk)))
        if answers:
            connection.execute(insert(_ANSWER), answers)


def rebuild_all(connection: Connection) -> int:
    """Every answer rewritten (after a bulk load, or by the migration that made the table)."""
    ids = connection.execute(select(_CERT.id).order_by(_CERT.id)).scalars().all()
    refresh(connection, ids)
    return len(ids)


# -- keeping the answers in step with every change ----------------------------------------------


def _concerned(session: Session) -> set[int]:
    """Certificates whose public answer a flush may have changed."""
    certificates: set[int] = set()
    organisations: set[int] = set()
    cycles: set[int] = set()
    accreditations: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Certificate):
            certificates.update((obj.id, obj.supersedes_id))  # its predecessor's successor
        elif isinstance(obj, CertificateSite):
            certificates.add(obj.certificate_id)
        elif isinstance(obj, Organisation) and session.is_modified(obj):
            organisations.add(obj.id)
        elif isinstance(obj, Audit):
            cycles.add(obj.cycle_id)
        elif isinstance(obj, Accreditation) and obj.id is not None:
            accreditations.add(obj.id)
    if organisations or cycles or accreditations:
        connection = session.connection()
        certificates.update(
            connection.execute(
                select(_CERT.id).where(
                    _CERT.organisation_id.in_(organisations)
                    | _CERT.cycle_id.in_(cycles)
                    | _CERT.accreditation_id.in_(accreditations)
                )
            ).scalars()
        )
    return certificates


@sa_event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    concerned = _concerned(session)
    if concerned:
        refresh(session.connection(), concerned)


@sa_event.listens_for(Session, "do_orm_execute")
def _after_bulk_change(orm_execute_state):
    """An UPDATE or DELETE statement on a watched table changes rows without a flush: run it,
    then rewrite the answers it may change: those of one row when the statement names it in the
    `row_id` execution option (a state transition), else every answer (a one-off script)."""
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return None
    mapper = orm_execute_state.bind_mapper
    watched = (Certificate, CertificateSite, Organisation, Audit)
    if mapper is None or not issubclass(mapper.class_, watched):
        return None
    result = orm_execute_state.invoke_statement()
    connection = orm_execute_state.session.connection()
    row_id = orm_execute_state.execution_options.get("row_id")
    if row_id is None:
        rebuild_all(connection)
    else:  # one row by its key (activity.services.transition): only the answers it touches
        refresh(connection, _concerned_by_row(connection, mapper.class_, row_id))
    return result


def _concerned_by_row(connection: Connection, model, row_id: int) -> set[int]:
    if model is Certificate:
        return {row_id}
    column = {Audit: Audit.cycle_id, CertificateSite: CertificateSite.certificate_id}.get(model)
    if column is None:  # an organisation
        return set(
            connection.execute(select(_CERT.id).where(_CERT.organisation_id == row_id)).scalars()
        )
    owner = connection.execute(select(column).where(model.id == row_id)).scalar()
    if model is CertificateSite:
        return {owner}
    return set(connection.execute(select(_CERT.id).where(_CERT.cycle_id == owner)).scalars())
