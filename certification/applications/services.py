"""Applications: a client (or staff for it) submits, the body reviews, the client may withdraw."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from certification import listing
from certification.accounts.competence import CompetenceRole, competence_problem
from certification.accounts.models import AuditorQualification, Role, User
from certification.activity.models import ActivityLog
from certification.activity.services import lock, record, transition
from certification.applications import schemes, uploads
from certification.applications.models import Application
from certification.extensions import db
from certification.listing import Listing
from certification.models_base import utcnow
from certification.organisations.models import Site
from certification.paging import Page, Segment, page_of
from certification.workflow import Action, ApplicationState, next_state

MIN_SCOPE_LENGTH = 10
KINDS = ("initial", "recertification", "transfer")  # transfer: IAF MD 2, see transfers/


class ApplicationError(ValueError):
    """A refused application or review; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def submit_application(
    actor,
    organisation,
    scheme: str,
    edition: str,
    scope: str,
    site_ids,
    files,
    kind: str = "initial",
    today: date | None = None,
) -> Application:
    """Record an application with its sites and documents; nothing is stored if anything is bad.

    `files` are `uploads.Upload(name, data)` pairs (plain tuples work too).
    """
    scope = (scope or "").strip()
    if kind not in KINDS:
        raise ValueError(f"unknown application kind {kind!r}")
    _check_request(scheme, edition, scope)
    sites = _chosen_sites(organisation, site_ids)
    checked = uploads.check_all(files)  # every file checked before any is written
    if actor is not None and actor.role == Role.CLIENT and not checked:
        raise ApplicationError(
            _("Attach at least one document that describes your complaints-handling system."),
            field="documents",
        )
    application = Application(
        organisation=organisation,
        scheme=scheme,
        edition=edition,
        kind=kind,
        scope=scope,
        sites=sites,
        submitted_by_id=getattr(actor, "id", None),
        submitted_at=moment(today),
    )
    db.session.add(application)
    db.session.flush()
    # The log keeps the scheme's title, not a sentence in the actor's language.
    record(actor, application, "created", reason=schemes.scheme_title(scheme, edition))
    uploads.store_documents(actor, organisation, application, checked)
    return application


def _check_request(scheme: str, edition: str, scope: str) -> None:
    if not schemes.is_known(scheme, edition):
        raise ApplicationError(_("Choose one of the offered schemes."), field="scheme")
    if len(scope) < MIN_SCOPE_LENGTH:
        raise ApplicationError(
            ngettext(
                "Describe the scope in at least %(num)d character.",
                "Describe the scope in at least %(num)d characters.",
                MIN_SCOPE_LENGTH,
            ),
            field="scope",
        )


def _chosen_sites(organisation, site_ids) -> list[Site]:
    """The chosen sites of this organisation; the head office is always included (IAF MD 1)."""
    wanted = {int(i) for i in site_ids or ()}
    own = {site.id for site in organisation.sites}
    if wanted - own:
        raise ApplicationError(
            _("A chosen site does not belong to this organisation."), field="sites"
        )
    sites = [s for s in organisation.sites if s.id in wanted or s.is_head_office]
    if not sites:
        raise ApplicationError(_("Choose at least one site."), field="sites")
    return sites


def review_application(
    actor,
    application: Application,
    *,
    approve: bool,
    competence_confirmed: bool,
    notes: str,
    today: date | None = None,
) -> Application:
    """Record the application review and its outcome (17021-1 9.1.2)."""
    notes = (notes or "").strip()
    action = Action.APPROVE if approve else Action.REJECT
    lock(application)
    next_state(application.state_enum, action)  # refuse early, before anything changes
    if approve and not competence_confirmed:
        raise ApplicationError(
            _("17021-1 9.1.2: the body confirms it can cover the scope and sector."),
            field="competence_confirmed",
        )
    if not approve and not notes:
        raise ApplicationError(_("Give the reason for rejecting the application."), field="notes")
    application.competence_confirmed = competence_confirmed
    application.review_notes = notes
    application.reviewed_by_id = actor.id
    application.reviewed_at = moment(today)
    transition(actor, application, action, reason=notes)
    return application


def withdraw_application(actor, application: Application, *, reason: str) -> Application:
    """The client takes its application back, with a reason for the record."""
    reason = (reason or "").strip()
    lock(application)
    if not reason:
        raise ApplicationError(_("Give a reason for withdrawing the application."), field="reason")
    transition(actor, application, Action.WITHDRAW, reason=reason)
    return application


def qualified_auditor_count(scheme: str, sector_code: str, today: date) -> int:
    """Active auditors with a valid qualification for this scheme and sector (17021-1 7.1.2)."""
    query = (
        select(func.count(func.distinct(User.id)))
        .join(AuditorQualification, AuditorQualification.auditor_id == User.id)
        .where(
            User.role == Role.AUDITOR.value,
            User.active.is_(True),
            AuditorQualification.scheme == scheme,
            AuditorQualification.sector_code == sector_code,
            or_(
                AuditorQualification.valid_until.is_(None),
                AuditorQualification.valid_until >= today,
            ),
        )
    )
    return db.session.scalar(query) or 0


def reviewer_competence_problem(reviewer, application: Application, today: date) -> str | None:
    """Why the reviewer holds no valid application-reviewer record for this scheme and sector
    today (17021-1 7.1.2: the body defines and records the competence of those who review
    applications): "missing", "expired", "not_yet_valid"; None when one covers it."""
    return competence_problem(
        reviewer.qualifications,
        CompetenceRole.REVIEWER,
        application.scheme,
        application.organisation.sector_code,
        today,
    )


def application_timeline(application: Application) -> list[ActivityLog]:
    """Log lines about this application and the documents sent with it, oldest first."""
    document_ids = [d.id for d in application.documents]
    about_documents = and_(
        ActivityLog.subject_type == "Document", ActivityLog.subject_id.in_(document_ids)
    )
    about_application = and_(
        ActivityLog.subject_type == "Application", ActivityLog.subject_id == application.id
    )
    query = (
        select(ActivityLog)
        .where(or_(about_application, about_documents) if document_ids else about_application)
        .options(selectinload(ActivityLog.actor))
        .order_by(ActivityLog.at, ActivityLog.id)
    )
    return list(db.session.scalars(query))


def moment(today: date | None) -> datetime:
    """Now, or midday of a past `today` (so seeds can date a submission in the past).

    A one-day tolerance keeps a server's local date, a little off UTC, meaning "now".
    """
    now = utcnow()
    if today is None or (now.date() - today).days <= 1:
        return now
    return datetime.combine(today, time(12, 0), tzinfo=UTC)


# -- the planner's list -----------------------------------------------------------------------

# Waiting applications first, they need a review (17021-1 9.1.2); then the rest; newest first.
WAITING = ApplicationState.SUBMITTED.value
LIST_SEGMENTS = (
    Segment(key=(Application.id,), where=Application.state == WAITING, descending=True),
    Segment(key=(Application.id,), where=Application.state != WAITING, descending=True),
)


def list_page(
    state: str, args: Mapping[str, str], per_page: int, chosen: Listing | None = None
) -> Page:
    chosen = chosen or Listing(segments=LIST_SEGMENTS)
    query = select(Application).options(
        selectinload(Application.organisation), selectinload(Application.reviewed_by)
    )
    if state:
        query = query.where(Application.state == state)
    if chosen.chosen.get("q"):
        query = query.where(listing.matching(chosen.chosen["q"], Application.organisation_id))
    return page_of(listing.joined(query, chosen, Application), chosen.segments, args, per_page)


def list_listing(args: Mapping[str, str], locale, kept: Mapping[str, object]) -> Listing:
    """The planner's list: a search (organisation) and a sort as in the address; by default
    the waiting ones first, then the rest, newest first."""
    orders = {
        "received": (Segment(key=(Application.id,), descending=True),),  # newest first
        "organisation": listing.by_organisation(Application, locale),
        "state": (Segment(key=(Application.state, Application.id)),),
    }
    return listing.read(args, orders, LIST_SEGMENTS, {**kept, "q": listing.text(args)})
