"""HTTP views of the applications domain: the planner's desk and document downloads."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from certification.access import (
    PLANNING,
    can_read_application,
    can_review_application,
    can_submit_application,
    can_view_application,
    can_view_document,
    get_visible_or_404,
    roles_required,
    visible_or_404,
)
from certification.accounts.models import Role
from certification.applications import schemes, services, uploads
from certification.applications.forms import ApplicationForm, ReviewForm
from certification.applications.models import Application, Document
from certification.edge import database_int
from certification.extensions import db
from certification.forms_kit import refuse
from certification.i18n.local_time import body_today
from certification.organisations.models import Organisation
from certification.organisations.services import by_name
from certification.submissions.forms import made, sent_before
from certification.workflow import ApplicationState

bp = Blueprint("applications", __name__, url_prefix="/applications")


@bp.app_template_global()
def scheme_title(scheme: str, edition: str) -> str:
    return schemes.scheme_title(scheme, edition)


@bp.app_template_global()
def object_url(endpoint: str, object_id: int) -> str | None:
    """URL of another domain's one-argument page (e.g. quotes.detail), or None if absent."""
    rules = (
        current_app.url_map.iter_rules(endpoint) if endpoint in current_app.view_functions else []
    )
    for rule in rules:
        if len(rule.arguments) == 1:
            return url_for(endpoint, **{next(iter(rule.arguments)): object_id})
    return None


@bp.route("/")
@roles_required(*PLANNING)
def index():
    state = request.args.get("state", "")
    if state not in {s.value for s in ApplicationState}:
        state = ""
    chosen = services.list_listing(request.args, get_locale(), {"state": state})
    page = services.list_page(state, request.args, current_app.config["PAGE_SIZE"], chosen)
    return render_template(
        "applications/index.html",
        page=page,
        state=state,
        states=list(ApplicationState),
        listing=chosen,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*PLANNING)
def new():
    organisation_id = request.args.get("organisation_id", type=database_int)
    if organisation_id is None:
        organisations = by_name(db.session.scalars(select(Organisation)))
        return render_template("applications/pick_organisation.html", organisations=organisations)
    organisation = db.get_or_404(Organisation, organisation_id)
    visible_or_404(can_submit_application(current_user, organisation))
    form = ApplicationForm().for_organisation(organisation)
    if form.validate_on_submit():
        if earlier := sent_before(form, "application", application_url):
            return earlier
        application = submit_from_form(form, organisation)
        if application is not None:
            db.session.commit()
            flash(_("The application was recorded."), "success")
            return redirect(url_for("applications.detail", application_id=application.id))
    return render_template("applications/new.html", form=form, organisation=organisation)


def submit_from_form(form: ApplicationForm, organisation) -> Application | None:
    """Hand the form's values to the service; a refusal lands on the field it concerns."""
    scheme, edition = schemes.parse_choice(form.scheme.data)
    limit = uploads.max_bytes()
    # Read one byte over the limit so that the size check sees the real size.
    files = [uploads.Upload(f.filename or "", f.read(limit + 1)) for f in form.documents.data or []]
    try:
        return made(
            services.submit_application(
                current_user,
                organisation,
                scheme,
                edition,
                form.scope.data,
                form.sites.data,
                files,
                today=body_today(),
            )
        )
    except uploads.UploadError as error:
        db.session.rollback()
        refuse(form, error.message, "documents")
    except services.ApplicationError as error:
        db.session.rollback()
        refuse(form, error.message, error.field)
    return None


def application_url(application_id: int) -> str:
    """Staff read it on the desk; a client is sent on to the portal's page of it."""
    return url_for("applications.detail", application_id=application_id)


@bp.route("/<int:application_id>")
@login_required
def detail(application_id: int):
    application = db.get_or_404(Application, application_id)
    if current_user.role == Role.CLIENT:
        # Clients read their own applications in the portal; never another organisation's.
        visible_or_404(can_view_application(current_user, application))
        return redirect(url_for("portal.application", application_id=application.id))
    if not can_read_application(current_user, application):
        abort(403)
    return render_detail(application, ReviewForm())


@bp.route("/<int:application_id>/review", methods=["POST"])
@roles_required(*PLANNING)
def review(application_id: int):
    application = db.get_or_404(Application, application_id)
    if not can_review_application(current_user, application):
        abort(403)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.review_application(
                current_user,
                application,
                approve=form.outcome.data == "approve",
                competence_confirmed=form.competence_confirmed.data,
                notes=form.notes.data,
                today=body_today(),
            )
        except services.ApplicationError as error:
            db.session.rollback()
            refuse(form, error.message, error.field)
        else:
            db.session.commit()
            flash(_("The review was recorded."), "success")
            return redirect(url_for("applications.detail", application_id=application.id))
    return render_detail(application, form)


def render_detail(application: Application, review_form: ReviewForm):
    qualified = reviewer_problem = None
    if application.state == ApplicationState.SUBMITTED:
        qualified = services.qualified_auditor_count(
            application.scheme, application.organisation.sector_code, body_today()
        )
        reviewer_problem = services.reviewer_competence_problem(
            current_user, application, body_today()
        )
    return render_template(
        "applications/detail.html",
        application=application,
        review_form=review_form,
        qualified=qualified,
        reviewer_problem=reviewer_problem,
        timeline=services.application_timeline(application),
        can_review=can_review_application(current_user, application),
    )


@bp.route("/documents/<int:doc_id>")
@login_required
def document(doc_id: int):
    doc = get_visible_or_404(Document, doc_id, can_view_document)
    path = uploads.document_path(doc)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=uploads.safe_content_type(doc),
        as_attachment=True,
        download_name=doc.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
