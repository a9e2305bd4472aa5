"""HTTP views of the reports domain: the report page, its PDF, the figures, submitting."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from certification.access import (
    can_record_figures,
    can_submit_report,
    can_view_report,
    get_visible_or_404,
)
from certification.audits.models import Grade
from certification.checklists.loader import question_text, text
from certification.extensions import db
from certification.findings.photos import pdf_photos
from certification.i18n.languages import language_of
from certification.i18n.local_time import body_today
from certification.programme.models import Audit, TeamRole
from certification.reports import services, stage1
from certification.reports.assessment import MARKS_ASKED
from certification.reports.forms import FiguresForm, Stage1ConclusionForm, SubmitReportForm
from certification.reports.models import Readiness
from certification.reports.pdf import render_report_pdf, report_language
from certification.signing import signed
from certification.templating import register_panel

bp = Blueprint("reports", __name__)

CHECKLIST_ENDPOINT = "audits.checklist"
NOT_STARTED = (
    "planned",
    "scheduled",
    "cancelled",
)  # nothing to report on yet  # the audits domain's checklist page


def load_report_audit(audit_id: int) -> Audit:
    return get_visible_or_404(Audit, audit_id, can_view_report)


@bp.route("/audits/<int:audit_id>/report")
@login_required
def report(audit_id: int):
    return render_report(load_report_audit(audit_id))


def render_report(
    audit: Audit, submit_form=None, figures_form=None, status: int = 200, conclusion_form=None
):
    data = services.report_data(audit)
    if submit_form is None:
        submit_form = SubmitReportForm(
            formdata=None,
            recommendation=data.recommendation.value,
            **SubmitReportForm.initial(data.report, audit.organisation.preferred_language or ""),
        )
    editable = audit.state in services.EDITABLE
    page = render_template(
        "reports/report.html",
        data=data,
        audit=audit,
        finding_counts=finding_counts(data.findings),
        first_question_url=question_url(audit, data.checklist, data.unanswered),
        submit_form=submit_form,
        figures_form=figures_form or FiguresForm(data=FiguresForm.initial(data.figures)),
        can_submit=editable and can_submit_report(current_user, audit),
        can_record=editable and can_record_figures(current_user, audit),
        conclusion_form=conclusion_form
        or Stage1ConclusionForm(formdata=None, summary=data.report.summary if data.report else ""),
    )
    return page, status


@bp.route("/audits/<int:audit_id>/report/conclude", methods=["POST"])
@login_required
def conclude(audit_id: int):
    """Stage 1: the lead auditor's conclusion on readiness closes the audit (17021-1 9.3.1)."""
    audit = load_report_audit(audit_id)
    if not can_submit_report(current_user, audit):
        abort(403)
    form = Stage1ConclusionForm()
    if not form.validate_on_submit():
        return render_report(audit, conclusion_form=form, status=400)
    try:
        stage1.conclude_stage1(
            current_user,
            audit,
            readiness=form.readiness.data,
            summary=form.summary.data,
            today=body_today(),
        )
    except services.ReportError as error:
        db.session.rollback()
        field = getattr(form, error.field or "", None)
        (field.errors if field is not None else form.form_errors).append(error.message)
        form.unanswered = error.unanswered
        return render_report(audit, conclusion_form=form, status=400)
    db.session.commit()
    flash(_("Stage 1 is concluded."), "success")
    return redirect(url_for("reports.report", audit_id=audit.id))


@bp.route("/audits/<int:audit_id>/report/submit", methods=["POST"])
@login_required
def submit(audit_id: int):
    audit = load_report_audit(audit_id)
    if not can_submit_report(current_user, audit):
        abort(403)
    form = SubmitReportForm()
    if not form.validate_on_submit():
        return render_report(audit, submit_form=form, status=400)
    try:
        services.submit_report(
            current_user,
            audit,
            recommendation=form.recommendation.data,
            override_reason=form.override_reason.data,
            summary=form.summary.data,
            today=body_today(),
            assessment=form.assessment(),
            language=form.language.data,
        )
    except services.ReportError as error:
        db.session.rollback()
        field = getattr(form, error.field or "", None)
        (field.errors if field is not None else form.form_errors).append(error.message)
        form.unanswered = error.unanswered
        return render_report(audit, submit_form=form, status=400)
    db.session.commit()
    flash(_("The report was submitted to the certification committee."), "success")
    return redirect(url_for("reports.report", audit_id=audit.id))


@bp.route("/audits/<int:audit_id>/figures", methods=["POST"])
@login_required
def figures(audit_id: int):
    audit = load_report_audit(audit_id)
    if not can_record_figures(current_user, audit):
        abort(403)
    form = FiguresForm()
    if not form.validate_on_submit():
        return render_report(audit, figures_form=form, status=400)
    try:
        services.record_figures(current_user, audit, form.values())
    except services.ReportError as error:
        db.session.rollback()
        field = getattr(form, error.field or "", None)
        (field.errors if field is not None else form.form_errors).append(error.message)
        return render_report(audit, figures_form=form, status=400)
    db.session.commit()
    flash(_("The complaints figures were saved."), "success")
    return redirect(url_for("reports.report", audit_id=audit.id, _anchor="figures"))


@bp.route("/audits/<int:audit_id>/report.pdf")
@login_required
def pdf(audit_id: int):
    audit = load_report_audit(audit_id)
    data = services.report_data(audit)
    data.photos = pdf_photos(data.findings, photo_url)
    # The language chosen for the report at submission, else the client's; English if unknown.
    with force_locale(language_of(report_language(data))):
        body = render_report_pdf(
            data, current_app.config["BODY_NAME"], current_app.config["BODY_ADDRESS"]
        )
    if data.report is not None and data.report.submitted_at is not None:
        # A submitted report is signed (PAdES) when the body has a key: proof it is unchanged.
        body, _signed = signed(body, f"Audit report {audit.id}", current_app.config["BODY_NAME"])
    response = Response(body, mimetype="application/pdf")
    filename = f"audit-report-{audit.id}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def photo_url(finding, attachment) -> str:
    """The original photo, behind the finding's access check: the client reading its report
    opens it, nobody else."""
    return url_for("findings.photo", finding_id=finding.id, photo_id=attachment.id, _external=True)


def label(texts) -> str:
    """A checklist text (title, band) in the reader's language."""
    return text(texts, get_locale())


def team_role(role: str) -> str:
    return TeamRole(role).label


def finding_counts(findings) -> list[tuple[Grade, int]]:
    counts = {grade: 0 for grade in Grade if grade.raises_finding}
    for finding in findings:
        counts[finding.grade_enum] += 1
    return [(grade, n) for grade, n in counts.items() if n]


def question_url(audit: Audit, checklist, question_ids: list[str]) -> str | None:
    """Where the first unanswered question is, on the audit's checklist page."""
    if not question_ids or CHECKLIST_ENDPOINT not in current_app.view_functions:
        return None
    first = checklist.question(question_ids[0])
    return url_for(
        CHECKLIST_ENDPOINT, audit_id=audit.id, clause=first.clause, _anchor=f"q-{first.id}"
    )


def question_label(checklist, question_id: str) -> str:
    """A checklist question in the reader's language ("" if the checklist does not know it)."""
    return question_text(checklist, question_id, get_locale())


def readiness_label(value: str) -> str:
    try:
        return Readiness(value).label
    except ValueError:
        return value


@bp.app_context_processor
def report_helpers() -> dict:
    return {
        "checklist_text": label,
        "team_role_label": team_role,
        "readiness_label": readiness_label,
        "question_label": question_label,
        "marks_asked_kinds": MARKS_ASKED,
    }


def audit_panel(audit: Audit) -> str:
    """On the audit page: the score, the recommendation and links to the report and its PDF."""
    if audit.state in NOT_STARTED or not can_view_report(current_user, audit):
        return ""
    return render_template("reports/_panel.html", audit=audit, data=services.report_data(audit))


register_panel("audit", audit_panel)
