"""The charts page of planners and the committee: where people look rather than read."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, render_template, request
from flask_babel import format_decimal

from certification.access import PLANNING, roles_required
from certification.accounts.models import Role
from certification.charts import figures
from certification.i18n.local_time import body_today
from certification.workflow import add_months

bp = Blueprint("charts", __name__, url_prefix="/charts")


def number(value: float) -> str:
    return format_decimal(value, format="#,##0.#")


@bp.route("/")
@roles_required(*PLANNING, Role.COMMITTEE)
def index():
    today = body_today()
    start, end = period(today)
    delay, delay_table = figures.stage2_to_decision(today)
    return render_template(
        "charts/index.html",
        status=figures.certificates_by_status(today),
        pipeline=figures.audit_pipeline(today),
        delay=delay,
        delay_table=delay_table,
        clauses=figures.findings_by_clause(start, end),
        start=start,
        end=end,
        number=number,
    )


def period(today: date) -> tuple[date, date]:
    """The findings period from ?from=&to= (YYYY-MM-DD), else the last 12 months."""
    end = _day(request.args.get("to")) or today
    start = _day(request.args.get("from")) or add_months(end, -12) + timedelta(days=1)
    return (start, end) if start <= end else (end, start)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
