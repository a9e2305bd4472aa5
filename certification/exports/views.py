"""Staff downloads of the certificate register and the IAF CertSearch workbook."""

from __future__ import annotations

import tempfile
from datetime import date

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user, login_required

from certification.access import can_export_certificates
from certification.exports import XLSX_MIMETYPE, ExportRefused
from certification.exports.certsearch import write_certsearch
from certification.exports.register import write_register

bp = Blueprint("exports", __name__, url_prefix="/exports")


@bp.route("/register.xlsx")
@login_required
def register():
    if not can_export_certificates(current_user):
        abort(403)
    return _send(write_register, f"certificate-register-{date.today():%Y%m%d}.xlsx")


@bp.route("/certsearch.xlsx")
@login_required
def certsearch():
    if not can_export_certificates(current_user):
        abort(403)
    try:
        return _send(write_certsearch, f"certsearch-{date.today():%Y%m%d}.xlsx")
    except ExportRefused as refused:
        return render_template("exports/refused.html", problems=refused.problems), 422


def _send(write, download_name: str) -> Response:
    """Write to a temporary file (disk, not memory), then stream it out in blocks."""
    spool = tempfile.TemporaryFile()
    try:
        write(spool)
    except BaseException:
        spool.close()
        raise
    size = spool.tell()
    spool.seek(0)
    response = Response(_blocks(spool), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    response.call_on_close(spool.close)  # also when the download is abandoned before it starts
    return response


def _blocks(spool, size: int = 64 * 1024):
    """The file's bytes; the file is closed (and so deleted) when sent or abandoned."""
    with spool:
        while block := spool.read(size):
            yield block
