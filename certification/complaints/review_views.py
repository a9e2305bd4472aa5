"""The management review of the body's own complaints handling (ISO 10002 8.6): the year's
figures with charts and their tables, and the same figures as a PDF."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user, login_required

from certification.complaints import figures as complaint_figures
from certification.complaints import review, services
from certification.complaints.access import can_view_figures
from certification.complaints.models import Category
from certification.complaints.pdf import render_review_pdf, summary_rows
from certification.i18n.local_time import body_today
from certification.templating import format_day

bp = Blueprint("complaints_review", __name__, url_prefix="/complaints/review")


def _figures(year: int):
    return complaint_figures.review_figures(
        complaint_figures.facts_of_year(year), year, services.holidays()
    )


@bp.route("/")
@login_required
def page():
    if not can_view_figures(current_user):
        abort(403)
    year = request.args.get("year", type=int) or body_today().year
    if not 2000 <= year <= 2100:
        abort(404)
    figures = _figures(year)
    years = sorted(
        set(complaint_figures.years_with_complaints()) | {body_today().year}, reverse=True
    )
    return render_template(
        "complaints/review.html",
        figures=figures,
        years=years,
        summary=summary_rows(figures),
        category_labels={c: Category(c).label for c in figures.categories},
        months=review.month_names(),
        monthly_chart=review.monthly_chart(figures),
        satisfaction_chart=review.satisfaction_chart(figures),
    )


@bp.route("/<int:year>.pdf")
@login_required
def pdf(year: int):
    if not can_view_figures(current_user):
        abort(403)
    if not 2000 <= year <= 2100:
        abort(404)
    body = render_review_pdf(
        _figures(year), current_app.config["BODY_NAME"], format_day(body_today())
    )
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="complaints-{year}.pdf"'},
    )
