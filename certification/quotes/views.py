"""HTTP views of the quotes domain: the planner prepares and sends, the client answers."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

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
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from certification.access import (
    PLANNING,
    can_decide_quote,
    can_view_quote,
    get_visible_or_404,
    roles_required,
)
from certification.accounts.models import Role
from certification.applications.models import Application
from certification.audit_time import table_days
from certification.edge import database_int
from certification.extensions import db
from certification.forms_kit import refuse
from certification.i18n.languages import language_of
from certification.i18n.local_time import body_today
from certification.programme.models import Cycle
from certification.quotes import drafts, queries, services
from certification.quotes.forms import DecisionForm, QuoteForm, WithdrawForm
from certification.quotes.models import Quote
from certification.quotes.pdf import render_quote_pdf
from certification.submissions.forms import made, sent_before
from certification.templating import format_day
from certification.workflow import QuoteState, quote_is_expired

bp = Blueprint("quotes", __name__, url_prefix="/quotes")


@bp.app_template_global()
def quote_expired(quote: Quote, today: date | None = None) -> bool:
    """An issued quote past its validity reads as expired even before the nightly sweep."""
    return (
        quote.state == QuoteState.ISSUED
        and quote.valid_until is not None
        and quote_is_expired(quote.valid_until, today or body_today())
    )


@bp.route("/")
@roles_required(*PLANNING)
def index():
    chosen = queries.quotes_listing(request.args, get_locale())
    page = queries.quotes_page(chosen, body_today(), request.args, current_app.config["PAGE_SIZE"])
    return render_template(
        "quotes/index.html",
        page=page,
        state=chosen.chosen["state"],
        show=chosen.chosen["show"],
        states=list(QuoteState),
        listing=chosen,
    )


@bp.route("/new/<int:application_id>", methods=["GET", "POST"])
@roles_required(*PLANNING)
def new(application_id: int):
    application = db.get_or_404(Application, application_id)
    form = QuoteForm().for_organisation(application.organisation)
    if form.validate_on_submit():
        if earlier := sent_before(form, "quote", _quote_url):
            return earlier
        try:
            quote = services.prepare_quote(
                current_user,
                application,
                form.adjust_percent.data,
                form.justification.data,
                form.currency.data,
                form.notes.data,
                today=body_today(),
                site_reduction_percent=form.site_reduction_percent.data or 0,
            )
            made(quote)
        except services.QuoteError as error:
            db.session.rollback()
            refuse(form, error.message, error.field)
        else:
            db.session.commit()
            flash(_("Quote %(number)s was prepared as a draft.", number=quote.number), "success")
            return redirect(url_for("quotes.detail", quote_id=quote.id))
    return render_template(
        "quotes/new.html",
        form=form,
        application=application,
        table_days=table_days(application.organisation.effective_personnel),
    )


@bp.route("/<int:quote_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNING)
def edit(quote_id: int):
    """A draft is changed in place until it is sent; a sent quote is never changed."""
    quote = db.get_or_404(Quote, quote_id)
    if quote.state != QuoteState.DRAFT:
        flash(_("Only a draft quote can be changed."), "error")
        return redirect(url_for("quotes.detail", quote_id=quote.id))
    form = QuoteForm(obj=None if request.method == "POST" else _form_values(quote))
    form.for_organisation(quote.organisation)
    if form.validate_on_submit():
        try:
            drafts.revise_quote(
                current_user,
                quote,
                form.adjust_percent.data,
                form.justification.data,
                form.currency.data,
                form.notes.data,
                site_reduction_percent=form.site_reduction_percent.data or 0,
            )
        except services.QuoteError as error:
            db.session.rollback()
            refuse(form, error.message, error.field)
        else:
            db.session.commit()
            flash(_("The draft quote %(number)s was changed.", number=quote.number), "success")
            return redirect(url_for("quotes.detail", quote_id=quote.id))
    application = quote.application
    return render_template(
        "quotes/edit.html",
        form=form,
        quote=quote,
        application=application,
        table_days=table_days(application.organisation.effective_personnel),
    )


def _form_values(quote: Quote):
    return SimpleNamespace(
        adjust_percent=quote.adjustment_percent,
        site_reduction_percent=quote.site_reduction_percent,
        justification=quote.adjustment_justification,
        currency=quote.currency,
        notes=quote.notes,
    )


def _quote_url(quote_id: int) -> str:
    return url_for("quotes.detail", quote_id=quote_id)


def load_visible(quote_id: int) -> Quote:
    return get_visible_or_404(Quote, quote_id, can_view_quote)


@bp.route("/<int:quote_id>")
@login_required
def detail(quote_id: int):
    return render_detail(load_visible(quote_id))


def render_detail(quote: Quote, decision_form=None, withdraw_form=None, status: int = 200):
    cycle = db.session.scalar(select(Cycle).where(Cycle.quote_id == quote.id))
    page = render_template(
        "quotes/detail.html",
        quote=quote,
        prices=services.prices(quote),
        cycle=cycle,
        today=body_today(),
        timeline=services.quote_timeline(quote) if current_user.is_staff else [],
        can_decide=can_decide_quote(current_user, quote),
        is_client=current_user.role == Role.CLIENT,
        decision_form=decision_form or DecisionForm(formdata=None),
        withdraw_form=withdraw_form or WithdrawForm(formdata=None),
    )
    return page, status


@bp.route("/<int:quote_id>.pdf")
@login_required
def pdf(quote_id: int):
    quote = load_visible(quote_id)
    language = quote.organisation.preferred_language
    with force_locale(language_of(language)):  # the client's language, English if unknown
        body = render_quote_pdf(
            quote, current_app.config["BODY_NAME"], current_app.config["BODY_ADDRESS"]
        )
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{quote.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:quote_id>/issue", methods=["POST"])
@roles_required(*PLANNING)
def issue(quote_id: int):
    quote = load_visible(quote_id)
    try:
        services.issue_quote(current_user, quote, today=body_today())
    except services.QuoteError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(
            _(
                "Quote %(number)s was sent to the client. It is valid until %(date)s.",
                number=quote.number,
                date=format_day(quote.valid_until),
            ),
            "success",
        )
    return redirect(url_for("quotes.detail", quote_id=quote_id))


@bp.route("/<int:quote_id>/withdraw", methods=["POST"])
@roles_required(*PLANNING)
def withdraw(quote_id: int):
    quote = load_visible(quote_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return render_detail(quote, withdraw_form=form, status=400)
    services.withdraw_quote(current_user, quote, form.reason.data)
    db.session.commit()
    flash(_("Quote %(number)s was withdrawn.", number=quote.number), "success")
    return redirect(url_for("quotes.detail", quote_id=quote_id))


@bp.route("/<int:quote_id>/accept", methods=["POST"])
@login_required
def accept(quote_id: int):
    from functools import partial

    from certification.agreements.views import consent_from_request

    consent = None
    if request.form.get("agreement") == "yes":  # the certification agreement, ticked with it
        consent = consent_from_request(
            request.form.get("agreement_version", type=database_int) or 0
        )
    return answer(
        quote_id,
        partial(services.accept_quote, agreement=consent),
        _("The quote was accepted. The three-year audit programme is ready."),
    )


@bp.route("/<int:quote_id>/reject", methods=["POST"])
@login_required
def reject(quote_id: int):
    return answer(quote_id, services.reject_quote, _("The quote was rejected."))


def answer(quote_id: int, decide, done_message: str):
    """The client's answer, given in the portal or recorded by staff; one shape for both."""
    quote = load_visible(quote_id)
    if not can_decide_quote(current_user, quote):
        abort(403)
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_detail(quote, decision_form=form, status=400)
    try:
        decide(current_user, quote, form.note.data, today=body_today())
    except services.QuoteExpired as error:
        db.session.commit()  # the quote is now marked expired; the answer is refused
        flash(error.message, "error")
    except services.QuoteError as error:
        db.session.rollback()
        refuse(form, error.message, error.field)
        return render_detail(quote, decision_form=form, status=400)
    else:
        db.session.commit()
        flash(done_message, "success")
    return redirect(url_for("quotes.detail", quote_id=quote_id))
