"""HTTP views of the offline checklist workbook: download it, upload it back and merge it."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from certification.access import (
    PLANNING,
    can_edit_checklist,
    can_view_audit,
    can_view_checklist,
    visible_or_404,
)
from certification.audits import language, services, workbook
from certification.audits.workbook_upload import merge_workbook, parse_workbook
from certification.extensions import db
from certification.i18n.local_time import body_today
from certification.programme.models import Audit
from certification.templating import register_panel

bp = Blueprint("workbooks", __name__, url_prefix="/audits")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookForm(FlaskForm):
    file = FileField(_l("Filled-in workbook (.xlsx)"), validators=[FileRequired()])


def may_download(user, audit: Audit) -> bool:
    """The team of an audit in progress; planners too, to read it (they cannot upload)."""
    if audit.state not in services.EDITABLE or not can_view_checklist(user, audit):
        return False
    return can_edit_checklist(user, audit) or user.role in PLANNING


def may_upload(user, audit: Audit) -> bool:
    return audit.state in services.EDITABLE and can_edit_checklist(user, audit)


def load(audit_id: int, allowed) -> tuple[Audit, object]:
    audit = db.get_or_404(Audit, audit_id)
    visible_or_404(can_view_audit(current_user, audit))  # another client's audit: as if missing
    if not allowed(current_user, audit):
        abort(403)
    checklist = services.checklist_of(audit)
    if checklist is None:
        abort(404)
    return audit, checklist


@bp.route("/<int:audit_id>/workbook.xlsx")
@login_required
def download(audit_id: int):
    audit, checklist = load(audit_id, may_download)
    body = workbook.build_workbook(
        audit,
        checklist,
        services.answers_of(audit),
        locale=language.checklist_language(),  # the language picked on the checklist page
        author=current_user.name,
        now=datetime.now(),
    )
    response = Response(body, mimetype=XLSX)
    name = f"audit-{audit.id}-checklist-{body_today().isoformat()}.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/<int:audit_id>/workbook", methods=["GET", "POST"])
@login_required
def upload(audit_id: int):
    audit, checklist = load(audit_id, may_upload)
    form = WorkbookForm()
    problems, result = [], None
    if form.validate_on_submit():
        limit = int(current_app.config.get("WORKBOOK_MAX_BYTES", workbook.DEFAULT_MAX_BYTES))
        # One byte over the limit is enough to see that the file is too large.
        data = form.file.data.read(limit + 1)
        try:
            parsed = parse_workbook(data, audit, checklist, limit=limit)
            answers = services.answers_of(audit)
            result = merge_workbook(current_user, audit, parsed, answers, today=body_today())
        except workbook.WorkbookRefused as refused:
            db.session.rollback()
            problems = refused.shown
        except Exception:
            db.session.rollback()  # one transaction: nothing of the file is kept
            raise
        else:
            db.session.commit()
    status = 400 if problems or form.errors else 200
    page = render_template(
        "audits/workbook_upload.html", audit=audit, form=form, problems=problems, result=result
    )
    return page, status


def workbook_panel(audit: Audit) -> str:
    """Download and upload buttons on the audit page, for those who may use them."""
    if not current_user.is_authenticated or not may_download(current_user, audit):
        return ""
    return render_template(
        "audits/_workbook_panel.html", audit=audit, can_upload=may_upload(current_user, audit)
    )


register_panel("audit", workbook_panel)
