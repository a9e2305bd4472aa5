"""HTTP views of certificates: the staff register, a certificate's page with its lifecycle
actions, the PDF, and panels on the organisation page and the client portal."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from certification import listing
from certification.access import (
    STAFF,
    can_decide,
    can_manage_certificate,
    can_view_certificate,
    can_view_organisation,
    get_visible_or_404,
    roles_required,
)
from certification.certificates import queries, services
from certification.certificates.forms import ConfidentialityForm
from certification.certificates.issued import issue_pdf
from certification.certificates.models import Certificate
from certification.decisions.forms import CertificateDecisionForm
from certification.decisions.services import (
    certificate_decider_reason,
    unavailable_on_certificate,
)
from certification.extensions import db
from certification.i18n.local_time import body_today
from certification.programme.models import Audit
from certification.quotes.models import Quote
from certification.templating import register_panel
from certification.workflow import AuditState, CertificateState, QuoteState

bp = Blueprint("certificates", __name__, url_prefix="/certificates")

ACTIONS = {
    "confidentiality": (
        services.toggle_confidentiality,
        ConfidentialityForm,
        _l("The certificate's public visibility was changed."),
    ),
}
# 17021-1 9.6.5: suspension, restoration and withdrawal are the committee's decisions
# (decisions.certificate_decision); the page's earlier addresses for them answer with the rule.
COMMITTEE_ACTIONS = ("suspend", "restore", "withdraw")
REPORTED = (AuditState.SUBMITTED.value, AuditState.CLOSED.value)


@bp.route("/")
@roles_required(*STAFF)
def index():
    q = listing.text(request.args)
    state = request.args.get("state", "")
    state = state if state in {s.value for s in CertificateState} else ""
    due = {name: listing.days(request.args, name) for name in ("expiring", "limit")}
    flagged = request.args.get("flagged") == "1"
    kept = {"state": state, "flagged": 1 if flagged else None, **due}
    chosen = queries.certificates_listing(request.args, get_locale(), kept)
    page = queries.list_page(
        q,
        state,
        request.args,
        current_app.config["PAGE_SIZE"],
        where=queries.home_filters(due, flagged, body_today()),
        chosen=chosen,
    )
    return render_template(
        "certificates/index.html",
        page=page,
        listing=chosen,
        q=q,
        state=state,
        states=list(CertificateState),
        due=due,
        flagged=flagged,
    )


def load_visible(certificate_id: int) -> Certificate:
    return get_visible_or_404(Certificate, certificate_id, can_view_certificate)


@bp.route("/<int:certificate_id>")
@login_required
def detail(certificate_id: int):
    return render_detail(load_visible(certificate_id))


def render_detail(
    certificate: Certificate, forms: dict | None = None, status: int = 200, refusal: str = ""
):
    offered = {name: form(formdata=None) for name, (_v, form, _m) in ACTIONS.items()}
    offered["confidentiality"].make_confidential.data = "0" if certificate.confidential else "1"
    forms = offered | (forms or {})
    deciding = can_decide(current_user)
    page = render_template(
        "certificates/detail.html",
        certificate=certificate,
        forms=forms,
        can_manage=can_manage_certificate(current_user, certificate),
        can_decide=deciding,
        decision_form=CertificateDecisionForm(formdata=None, back="certificate"),
        not_impartial=_decider_reason(certificate) if deciding else None,
        unavailable=unavailable_on_certificate(certificate, body_today()) if deciding else {},
        refusal=refusal,
        history=queries.history_page(certificate, request.args) if current_user.is_staff else None,
        revisions=queries.revisions(certificate),
    )
    return page, status


def _decider_reason(certificate: Certificate) -> str | None:
    """Why the member looking may not decide on this certificate (impartiality, competence)."""
    return certificate_decider_reason(current_user, certificate, body_today())


@bp.route(
    "/<int:certificate_id>/<any(suspend, restore, withdraw, confidentiality):action>",
    methods=["POST"],
)
@login_required
def change(certificate_id: int, action: str):
    certificate = load_visible(certificate_id)
    if action in COMMITTEE_ACTIONS:
        if not current_user.is_staff:
            abort(403)
        return render_detail(certificate, status=403, refusal=committee_only())
    if not can_manage_certificate(current_user, certificate):
        abort(403)
    verb, form_class, done = ACTIONS[action]
    form = form_class()
    if not form.validate_on_submit():
        return render_detail(certificate, {action: form}, status=400)
    try:
        verb(current_user, certificate, form.reason.data, body_today(), form.wanted())
    except services.CertificateError as error:
        db.session.rollback()
        field = getattr(form, error.field or "", None)
        (field.errors if field is not None else form.form_errors).append(error.message)
        return render_detail(db.session.get(Certificate, certificate_id), {action: form}, 400)
    db.session.commit()
    flash(str(done), "success")
    return redirect(url_for("certificates.detail", certificate_id=certificate.id))


def committee_only() -> str:
    return _(
        "ISO/IEC 17021-1 9.6.5: suspending, restoring and withdrawing a certificate are decisions "
        "of the certification committee, taken by a member who took no part in the audits and "
        "is competent for the scheme, with the reasons recorded. Nothing was changed; ask the "
        "committee to decide."
    )


@bp.route("/<int:certificate_id>.pdf")
@login_required
def pdf(certificate_id: int):
    certificate = load_visible(certificate_id)
    issued = issue_pdf(certificate)  # stored at issue; made now for one issued before that
    db.session.commit()
    response = Response(issued.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- panels on other domains' pages -----------------------------------------------------------


def organisation_panel(organisation) -> str:
    if not current_user.is_staff or not can_view_organisation(current_user, organisation):
        return ""
    return render_template(
        "certificates/_organisation_panel.html",
        certificates=queries.organisation_certificates(organisation.id),
    )


def portal_panel(organisation) -> str:
    """The client's certificates with their validity and audit dates, and every document."""
    certificates = [
        c
        for c in queries.organisation_certificates(organisation.id)
        if c.state != CertificateState.SUPERSEDED
    ]
    audits = db.session.scalars(
        select(Audit)
        .where(Audit.organisation_id == organisation.id)
        .order_by(Audit.cycle_id, Audit.sequence, Audit.id)
    ).all()
    quotes = db.session.scalars(
        select(Quote)
        .where(Quote.organisation_id == organisation.id, Quote.state != QuoteState.DRAFT.value)
        .order_by(Quote.id.desc())
    ).all()
    return render_template(
        "certificates/_portal_panel.html",
        certificates=certificates,
        next_surveillance={c.id: _next_surveillance(c, audits) for c in certificates},
        planned={c.id: _planned(c, audits) for c in certificates},
        reports=[a for a in audits if a.state in REPORTED],
        quotes=quotes,
    )


def _next_surveillance(certificate: Certificate, audits) -> date | None:
    dues = [
        a.due_by
        for a in audits
        if a.cycle_id == certificate.cycle_id
        and a.kind in ("surveillance1", "surveillance2")
        and a.state in ("planned", "scheduled")
        and a.due_by
    ]
    return min(dues, default=None)


def _planned(certificate: Certificate, audits) -> list[Audit]:
    return [
        a
        for a in audits
        if a.cycle_id == certificate.cycle_id and a.state == AuditState.SCHEDULED.value
    ]


register_panel("organisation", organisation_panel)
register_panel("portal", portal_panel)
