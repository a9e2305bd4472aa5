"""HTTP views of the on-site checklist: start the audit, answer, attach evidence, serve it."""

from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from certification.access import (
    can_edit_checklist,
    can_view_audit,
    can_view_checklist,
    can_view_report,
    visible_or_404,
)
from certification.audits import attachments, language, services
from certification.audits.forms import AnswerForm
from certification.audits.models import GRADE_LABELS, Answer, Attachment, Grade
from certification.audits.navigation import next_unanswered
from certification.checklists import loader
from certification.extensions import db
from certification.i18n.languages import LANGUAGES
from certification.i18n.local_time import body_today
from certification.programme.models import Audit
from certification.submissions.forms import made, new_token, token_sent_before
from certification.templating import register_panel

bp = Blueprint("audits", __name__, url_prefix="/audits")


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def signed_in(view):
    """login_required, but checklist.js gets a 401 it can act on instead of the login page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.is_authenticated:
            return view(*args, **kwargs)
        if wants_json():
            message = _("Your session has ended. Sign in again; your answers are kept.")
            return jsonify(error="signed_out", message=message), 401
        return current_app.login_manager.unauthorized()

    return wrapped


def refuse(status: int, message: str = ""):
    if wants_json():
        return jsonify(error="refused", message=message or _("Access refused")), status
    abort(status)


def load_audit(audit_id: int, allowed) -> Audit:
    audit = services.load_audit(audit_id)
    if audit is None:
        abort(404)
    visible_or_404(can_view_audit(current_user, audit))  # another client's audit: as if missing
    if not allowed(current_user, audit):
        abort(403)
    return audit


# -- the checklist page --------------------------------------------------------------------------


@bp.route("/<int:audit_id>/checklist")
@login_required
def checklist(audit_id: int):
    audit = load_audit(audit_id, can_view_checklist)
    return render_checklist(audit, request.args.get("clause"))


def render_checklist(audit: Audit, clause_number, *, notes=None, status: int = 200):
    """One clause of the checklist; `notes` carries a refused save back to its question."""
    recorded = services.recorded_checklist(audit)
    checklist_ = services.checklist_of(audit, recorded)
    can_edit = can_edit_checklist(current_user, audit)
    if checklist_ is None:
        page = render_template(
            "audits/not_started.html",
            audit=audit,
            can_edit=can_edit,
            refusals=services.start_refusals(audit) if audit.state == "scheduled" else [],
        )
        return page, status
    answers = services.answers_of(audit)
    clauses = checklist_.clauses()
    clause = services.current_clause(checklist_, answers, clause_number)
    index = clauses.index(clause)
    page = render_template(
        "audits/checklist.html",
        audit=audit,
        recorded=recorded,
        checklist=checklist_,
        clause=clause,
        previous=clauses[index - 1] if index > 0 else None,
        next=clauses[index + 1] if index + 1 < len(clauses) else None,
        can_view_report=can_view_report(current_user, audit),
        progress=services.progress(checklist_, answers),
        answers=answers,
        attachments=attachments.attachments_of(audit),
        editable=can_edit and audit.state in services.EDITABLE,
        notes=notes or {},
        grades=[(g.value, GRADE_LABELS[g]) for g in Grade],
        tr=loader.text,
        locale=language.checklist_language(),
        languages=LANGUAGES,
        chosen_language=language.chosen_language(),
    )
    return page, status


@bp.route("/<int:audit_id>/checklist-language", methods=["POST"])
@login_required
def choose_checklist_language(audit_id: int):
    """Show the questions and guidance in another language; "" follows the interface again."""
    audit = load_audit(audit_id, can_view_checklist)
    code = request.form.get("language", "")
    if code and code not in LANGUAGES:
        flash(_("Unknown language: %(code)s.", code=code[:10]), "error")
    else:
        language.choose(code)
    clause = request.form.get("clause") or None
    return redirect(url_for("audits.checklist", audit_id=audit.id, clause=clause))


@bp.route("/<int:audit_id>/checklist/next")
@login_required
def next_question(audit_id: int):
    """The next question without a grade, worked out when asked (answers save as one goes);
    with none left, the way on is the audit report."""
    audit = load_audit(audit_id, can_view_checklist)
    checklist_ = services.checklist_of(audit, services.recorded_checklist(audit))
    found = None
    if checklist_ is not None:
        found = next_unanswered(
            checklist_,
            services.answers_of(audit),
            after=request.args.get("after"),
            clause=request.args.get("clause"),
        )
    if found is not None:
        return redirect(back_to(audit_id, found.clause, found.id))
    if checklist_ is not None:
        flash(_("Every question of the checklist has a grade."), "success")
    if can_view_report(current_user, audit):
        return redirect(url_for("reports.report", audit_id=audit_id))
    return redirect(url_for("audits.checklist", audit_id=audit_id))


@bp.route("/<int:audit_id>/start", methods=["POST"])
@login_required
def start(audit_id: int):
    audit = load_audit(audit_id, can_edit_checklist)
    try:
        services.start_audit(current_user, audit, body_today())
    except services.AuditWorkError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("programme.audit", audit_id=audit_id))
    db.session.commit()
    flash(_("The audit has started. Work through the checklist clause by clause."), "success")
    return redirect(url_for("audits.checklist", audit_id=audit_id))


# -- answers -------------------------------------------------------------------------------------


@bp.route("/<int:audit_id>/answers/<question_id>", methods=["POST"])
@signed_in
def save_answer(audit_id: int, question_id: str):
    """checklist.js posts JSON as the auditor goes; without JavaScript each question posts."""
    audit = services.load_audit(audit_id)
    if audit is None:
        return refuse(404)
    if not can_edit_checklist(current_user, audit):
        return refuse(403, _("Only the audit team can change this checklist."))
    form = AnswerForm.from_json(request.get_json(silent=True)) if request.is_json else AnswerForm()
    clause = question_id.rpartition("-")[0]
    if not form.validate():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return answer_refused(audit, clause, question_id, form, {"message": message}, 400)
    try:
        answer = services.save_answer(
            current_user, audit, question_id, **form.values(), today=body_today()
        )
    except services.StaleAnswer as stale:
        db.session.rollback()
        note = {"message": stale.message, "theirs": stale.theirs}
        return answer_refused(audit, clause, question_id, form, note, 409)
    except services.AuditClosed as closed:
        db.session.rollback()
        note = {"message": closed.message, "closed": True}
        return answer_refused(audit, clause, question_id, form, note, 409)
    except services.AuditWorkError as error:
        db.session.rollback()
        note = {"message": error.message, "field": error.field}
        return answer_refused(audit, clause, question_id, form, note, 400)
    db.session.commit()
    if request.is_json:
        return jsonify(saved=True, **services.answer_values(answer))
    flash(_("Saved."), "success")
    return redirect(back_to(audit_id, answer.clause, question_id))


def answer_refused(audit, clause, question_id, form, note: dict, status: int):
    """JSON for checklist.js; else the clause again, with what was typed and why it was refused."""
    yours = {
        "grade": form.grade.data or None,
        "points": form.points.data,
        "evidence": form.evidence.data or "",
    }
    if request.is_json:
        error = "closed" if note.get("closed") else "stale" if status == 409 else "invalid"
        return jsonify(error=error, yours=yours, **note), status
    return render_checklist(
        services.load_audit(audit.id),
        clause,
        notes={question_id: note | {"yours": yours}},
        status=status,
    )


def back_to(audit_id: int, clause: str, question_id: str) -> str:
    return url_for("audits.checklist", audit_id=audit_id, clause=clause, _anchor=f"q-{question_id}")


@bp.route("/session-token")
@signed_in
def session_token():
    """A fresh CSRF token for checklist.js after a long pause or a new sign-in."""
    return jsonify(csrf_token=generate_csrf())


# -- attachments ---------------------------------------------------------------------------------


@bp.route("/<int:audit_id>/answers/<question_id>/attachments", methods=["POST"])
@login_required
def add_attachment(audit_id: int, question_id: str):
    audit = load_audit(audit_id, can_edit_checklist)
    files = [
        (upload.filename or "", upload.read())
        for field in ("photo", "document")
        for upload in request.files.getlist(field)
        if upload.filename
    ]
    clause = question_id.rpartition("-")[0]
    back = back_to(audit_id, clause, question_id)
    once = request.form.get("once") or new_token()  # a page without it: an unguarded sending
    if earlier := token_sent_before(once, "attachment", lambda _id: back):
        return earlier
    try:
        made(attachments.add_attachments(current_user, audit, question_id, files))
    except services.AuditWorkError as error:
        db.session.rollback()
        return render_checklist(
            services.load_audit(audit_id),
            clause,
            notes={question_id: {"message": error.message, "field": "file"}},
            status=400,
        )
    db.session.commit()
    flash(_("Attached."), "success")
    return redirect(back)


def load_attachment(attachment_id: int, allowed) -> tuple[Attachment, Audit]:
    found = db.get_or_404(Attachment, attachment_id)
    if found.answer_id is None:  # a corrective action's file is the findings domain's
        abort(404)
    return found, load_audit(found.audit_id, allowed)


@bp.route("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    found, _audit = load_attachment(attachment_id, can_view_checklist)
    path = attachments.attachment_path(found)
    if not path.is_file():
        abort(404)
    content_type, inline = attachments.served_type(found)
    response = send_file(
        path,
        mimetype=content_type,
        as_attachment=not inline,
        download_name=found.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_attachment(attachment_id: int):
    found, audit = load_attachment(attachment_id, can_edit_checklist)
    answer = db.session.get(Answer, found.answer_id)
    back = back_to(audit.id, answer.clause, answer.question_id)
    try:
        attachments.delete_attachment(current_user, found, audit)
    except services.AuditWorkError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()  # the file goes with this commit, once its row is gone for good
    flash(_("The attachment was removed."), "success")
    return redirect(back)


# -- the panel on the audit page -----------------------------------------------------------------


def audit_panel(audit: Audit) -> str:
    """Start button for the team, the way to the checklist and its progress."""
    if not can_view_checklist(current_user, audit) or audit.state in ("planned", "cancelled"):
        return ""
    recorded = services.recorded_checklist(audit)
    checklist_ = services.checklist_of(audit, recorded)
    progress = services.progress(checklist_, services.answers_of(audit)) if checklist_ else None
    return render_template(
        "audits/_panel.html",
        audit=audit,
        recorded=recorded,
        progress=progress,
        can_edit=can_edit_checklist(current_user, audit),
        may_start_today=audit.start_date is not None and audit.start_date <= body_today(),
        refusals=services.start_refusals(audit) if audit.state == "scheduled" else [],
    )


register_panel("audit", audit_panel)
