"""Staff downloads of the certificate register and the IAF CertSearch workbook."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, stream_with_context
from flask_login import current_user, login_required

from certification.access import can_export_certificates
from certification.exports import XLSX_MIMETYPE, ExportRefused
from certification.exports.certsearch import certsearch_steps
from certification.exports.register import register_steps
from certification.exports.streaming import stream_workbook
from certification.i18n.local_time import body_today

bp = Blueprint("exports", __name__, url_prefix="/exports")


@bp.route("/register.xlsx")
@login_required
def register():
    if not can_export_certificates(current_user):
        abort(403)
    return _send(register_steps, f"certificate-register-{body_today():%Y%m%d}.xlsx")


@bp.route("/certsearch.xlsx")
@login_required
def certsearch():
    if not can_export_certificates(current_user):
        abort(403)
    try:
        return _send(certsearch_steps, f"certsearch-{body_today():%Y%m%d}.xlsx")
    except ExportRefused as refused:
        return render_template("exports/refused.html", problems=refused.problems), 422


def _send(steps, download_name: str) -> Response:
    """The workbook streamed while it is written: the first bytes leave after the first chunk
    of rows, memory holds one chunk, and no file waits on disk. The writer's checks run
    before the response starts (a refusal is still an error page)."""
    blocks = stream_with_context(stream_workbook(steps))
    response = Response(blocks, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response
