"""HTTP views of the findings domain: the team writes up and reviews, the client answers."""

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

from certification.access import (
    PLANNING,
    can_answer_finding,
    can_edit_finding,
    can_review_finding,
    can_view_audit,
    can_view_finding,
    can_view_organisation,
    get_visible_or_404,
    reviewing_audits,
    roles_required,
    visible_or_404,
)
from certification.accounts.models import Role
from certification.applications import uploads
from certification.audits.models import Attachment
from certification.extensions import db
from certification.findings import evidence, photos, queries, services
from certification.findings.forms import AnswerForm, EditFindingForm, ReviewForm, VerifyForm
from certification.findings.models import CorrectiveAction, Finding
from certification.forms_kit import refuse
from certification.i18n.local_time import body_today
from certification.programme.services import auditor_choices
from certification.templating import register_panel

bp = Blueprint("findings", __name__, url_prefix="/findings")


@bp.route("/")
@roles_required(*PLANNING, Role.COMMITTEE, Role.AUDITOR)
def index():
    show = request.args.get("show", "open")
    show = show if show in queries.SHOW else "open"
    today = body_today()
    where = []
    if current_user.role == Role.AUDITOR:  # an auditor: the findings their audits review
        where.append(queries.reviewable_by(current_user.id))
    kept = {"show": "" if show == "open" else show}
    chosen = queries.findings_listing(request.args, get_locale(), kept)
    page = queries.open_findings_page(
        show, today, request.args, current_app.config["PAGE_SIZE"], where, chosen
    )
    return render_template(
        "findings/index.html",
        page=page,
        show=show,
        badges=services.due_badges(page.items, today),
        listing=chosen,
        auditors=auditor_choices() if current_user.role != Role.AUDITOR else [],
    )


def load_visible(finding_id: int) -> Finding:
    return get_visible_or_404(Finding, finding_id, can_view_finding)


@bp.route("/<int:finding_id>")
@login_required
def detail(finding_id: int):
    finding = load_visible(finding_id)
    if current_user.role == Role.CLIENT:
        return redirect(url_for("findings.answer", finding_id=finding.id))
    return render_detail(finding)


def render_detail(finding: Finding, review_form=None, verify_form=None, status: int = 200):
    page = render_template(
        "findings/detail.html",
        can_review=can_review_finding(current_user, finding),
        can_edit=can_edit_finding(current_user, finding),
        back_to=_back_to(finding),
        review_form=review_form or ReviewForm(formdata=None),
        verify_form=verify_form or VerifyForm(formdata=None),
        timeline=queries.finding_timeline(finding),
        **_context(finding),
    )
    return page, status


def _back_to(finding: Finding):
    """The audit page to go back to that the reader may open: the raising audit's, or else the
    later audit through whose team the reader reviews the finding (None if neither)."""
    return next((a for a in reviewing_audits(finding) if can_view_audit(current_user, a)), None)


def _context(finding: Finding) -> dict:
    today = body_today()
    clause_title, question = queries.question_texts(finding, get_locale())
    return dict(
        finding=finding,
        clause_title=clause_title,
        question=question,
        badge=services.due_status(finding, today),
        verify_by=services.verify_by(finding),
        stage2_redo=services.stage2_redo_required(finding, today),
        files=evidence.action_attachments(finding),
        photos=photos.photos_of([finding])[finding.id],
    )


@bp.route("/<int:finding_id>/edit", methods=["GET", "POST"])
@roles_required(Role.AUDITOR)
def edit(finding_id: int):
    finding = load_visible(finding_id)
    if not can_edit_finding(current_user, finding):
        abort(403)
    form = EditFindingForm(obj=finding if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.edit_finding(
                current_user,
                finding,
                form.statement.data,
                form.evidence.data,
                form.requirement.data,
            )
        except services.FindingError as error:
            db.session.rollback()
            refuse(form, error.message, error.field)
        else:
            db.session.commit()
            flash(_("Finding %(number)s was saved.", number=finding.reference), "success")
            return redirect(url_for("findings.detail", finding_id=finding.id))
    status = 400 if form.errors else 200
    return render_template("findings/edit.html", form=form, **_context(finding)), status


@bp.route("/<int:finding_id>/answer", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def answer(finding_id: int):
    finding = load_visible(finding_id)
    form = AnswerForm()
    if request.method == "POST":
        if not can_answer_finding(current_user, finding):
            abort(403)
        if form.validate_on_submit() and _submit_answer(form, finding):
            db.session.commit()
            flash(_("Your answer was sent to the auditor."), "success")
            return redirect(url_for("findings.answer", finding_id=finding.id))
    status = 400 if form.errors else 200
    page = render_template(
        "findings/answer.html",
        form=form,
        can_answer=can_answer_finding(current_user, finding)
        and finding.state in queries.WAITING_FOR_CLIENT,
        latest_target=services.latest_target_date(finding),
        **_context(finding),
    )
    return page, status


def _submit_answer(form: AnswerForm, finding: Finding) -> bool:
    limit = uploads.max_bytes()
    # Read one byte over the limit so that the size check sees the real size.
    files = [
        uploads.Upload(f.filename or "", f.read(limit + 1))
        for f in form.files.data or []
        if f.filename
    ]
    try:
        services.answer_finding(
            current_user,
            finding,
            form.correction.data,
            form.root_cause.data,
            form.action.data,
            form.target.data,
            files,
            today=body_today(),
        )
    except uploads.UploadError as error:
        db.session.rollback()
        form.files.errors = [*form.files.errors, error.message]
        return False
    except services.FindingError as error:
        db.session.rollback()
        refuse(form, error.message, error.field)
        return False
    return True


@bp.route("/<int:finding_id>/accept", methods=["POST"])
@roles_required(Role.AUDITOR)
def accept(finding_id: int):
    return _review(finding_id, "accept", _("The action plan was accepted."))


@bp.route("/<int:finding_id>/reject", methods=["POST"])
@roles_required(Role.AUDITOR)
def reject(finding_id: int):
    return _review(finding_id, "reject", _("The answer was sent back to the client."))


def _review(finding_id: int, verdict: str, done: str):
    finding = load_visible(finding_id)
    if not can_review_finding(current_user, finding):
        abort(403)
    form = ReviewForm()
    if not form.validate_on_submit():
        return render_detail(finding, review_form=form, status=400)
    try:
        if verdict == "accept":
            services.accept_plan(current_user, finding, form.comment.data)
        else:
            services.reject_answer(current_user, finding, form.comment.data)
    except services.FindingError as error:
        db.session.rollback()
        refuse(form, error.message, error.field)
        return render_detail(finding, review_form=form, status=400)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("findings.detail", finding_id=finding.id))


@bp.route("/<int:finding_id>/verify", methods=["POST"])
@roles_required(Role.AUDITOR)
def verify(finding_id: int):
    finding = load_visible(finding_id)
    if not can_review_finding(current_user, finding):
        abort(403)
    form = VerifyForm()
    if not form.validate_on_submit():
        return render_detail(finding, verify_form=form, status=400)
    try:
        services.verify_finding(current_user, finding, form.note.data, body_today())
    except services.FindingError as error:
        db.session.rollback()
        refuse(form, error.message, error.field)
        return render_detail(finding, verify_form=form, status=400)
    db.session.commit()
    flash(_("Finding %(number)s was verified and closed.", number=finding.reference), "success")
    return redirect(url_for("findings.detail", finding_id=finding.id))


@bp.route("/files/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    """An evidence file of a corrective action, served only to who may see the finding."""
    row = db.get_or_404(Attachment, attachment_id)
    if row.corrective_action_id is None:
        abort(404)
    finding = db.session.get(CorrectiveAction, row.corrective_action_id).finding
    visible_or_404(can_view_finding(current_user, finding))
    path = evidence.attachment_path(row)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=uploads.accepted_types(photos=True).get(
            uploads.extension(row.original_name), "application/octet-stream"
        ),
        as_attachment=True,
        download_name=row.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:finding_id>/photos/<int:photo_id>")
@login_required
def photo(finding_id: int, photo_id: int):
    """A photo or file of the checklist answer the finding was raised from, served to whoever
    may see the finding (the client too); pictures inline, other files as downloads."""
    finding = load_visible(finding_id)
    row = db.get_or_404(Attachment, photo_id)
    if finding.answer_id is None or row.answer_id != finding.answer_id:
        abort(404)
    path = uploads.stored_path(row.stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=photos.content_type(row),
        as_attachment=not photos.is_picture(row),
        download_name=row.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# -- panels on other domains' pages -----------------------------------------------------------


def audit_panel(audit) -> str:
    findings = queries.audit_findings(audit.id)
    previous = queries.previous_open_findings(audit) if current_user.is_staff else []
    return render_template(
        "findings/_audit_panel.html",
        audit=audit,
        findings=findings,
        previous=previous,
        badges=services.due_badges(findings + previous, body_today()),
    )


def organisation_panel(organisation) -> str:
    if not can_view_organisation(current_user, organisation):
        return ""
    findings = [
        f
        for f in queries.organisation_findings(organisation.id)
        if can_view_finding(current_user, f)
    ]
    return render_template(
        "findings/_organisation_panel.html",
        findings=findings,
        badges=services.due_badges(findings, body_today()),
    )


def portal_panel(organisation) -> str:
    findings = queries.organisation_findings(organisation.id)
    waiting = queries.waiting_for_client(findings)
    return render_template(
        "findings/_portal_panel.html",
        waiting=waiting,
        others=[f for f in findings if f not in waiting],
        badges=services.due_badges(findings, body_today()),
    )


register_panel("audit", audit_panel)
register_panel("organisation", organisation_panel)
register_panel("portal", portal_panel)
