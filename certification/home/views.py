"""Each role's home page: what needs this person today, every count linking to its list."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification.access import roles_required
from certification.accounts.models import Role
from certification.appeals.services import open_to_appeal
from certification.charts import figures
from certification.charts.views import number as chart_number
from certification.decisions.models import Decision
from certification.home import admin, auditing, client, planning, rules
from certification.i18n.local_time import body_today
from certification.paging import page_of
from certification.programme.services import due_windows
from certification.settings import services as settings

bp = Blueprint("home", __name__, url_prefix="/home")


@bp.route("/")
@login_required
def index():
    role = current_user.role_enum
    today = body_today()
    facts = BUILDERS[role](current_user, today)
    return render_template(f"home/{role.value}.html", today=today, **facts)


def planner_home(user, today: date) -> dict:
    windows = due_windows()
    waiting, lapsed = planning.quotes_waiting(today)
    limit_days = rules.middle_window(windows)
    overdue, surveillance_overdue = planning.overdue_audits(today)
    return dict(
        windows=sorted(windows),
        horizon_days=max(windows),
        limit_days=limit_days,
        applications=planning.applications_to_review(),
        quotes_waiting=waiting,
        quotes_lapsed=lapsed,
        to_schedule=planning.audits_to_schedule(today, windows),
        soonest=planning.soonest_to_schedule(today, windows),
        overdue=overdue,
        surveillance_overdue=surveillance_overdue,
        expiring=planning.expiring_without_recertification(today, windows),
        suspensions=planning.suspensions_near_limit(today, limit_days),
    )


def committee_home(user, today: date) -> dict:
    co_signed_count, co_signed = planning.co_signed(user.id, today)
    return dict(
        queue_size=planning.queue_size(),
        oldest=[
            (audit, rules.days_waiting(since.date(), today))
            for audit, since in planning.oldest_in_queue()
        ],
        co_signed_count=co_signed_count,
        co_signed=co_signed,
        co_signed_days=planning.CO_SIGNED_DAYS,
        flagged=planning.flagged_certificates(),
    )


def auditor_home(user, today: date) -> dict:
    review_count, to_review = auditing.answers_to_review(user.id)
    return dict(
        next_audits=auditing.next_audits(user.id, today),
        in_progress=auditing.count_in_state(user.id, "in_progress"),
        returned=auditing.count_in_state(user.id, "returned"),
        review_count=review_count,
        to_review=to_review,
    )


def client_home(user, today: date) -> dict:
    organisation_id = user.organisation_id
    certificates = client.certificates(organisation_id)
    findings_count, findings = client.findings_to_answer(organisation_id)
    return dict(
        organisation=user.organisation,
        certificates=certificates,
        next_audits=client.next_audits(organisation_id, today),
        findings_count=findings_count,
        findings=findings,
        quotes=client.quotes_to_answer(organisation_id, today),
        documents=client.documents(organisation_id, certificates),
        trend=figures.client_trend(organisation_id),
        number=chart_number,
        appealable=open_to_appeal(organisation_id, today),
    )


def admin_home(user, today: date) -> dict:
    windows = due_windows()
    dormant_days = int(settings.get("dormant_account_days"))
    return dict(
        dormant_days=dormant_days,
        horizon_days=max(windows),
        dormant=admin.dormant_accounts(today, dormant_days),
        qualifications=admin.expiring_qualifications(today, windows),
    )


BUILDERS = {
    Role.PLANNER: planner_home,
    Role.COMMITTEE: committee_home,
    Role.AUDITOR: auditor_home,
    Role.CLIENT: client_home,
    Role.ADMIN: admin_home,
}


@bp.route("/co-signed")
@roles_required(Role.COMMITTEE, Role.ADMIN)
def co_signed():
    """Decisions of the last weeks that another member recorded with me as co-decider."""
    query = (
        select(Decision)
        .where(planning.co_signed_clause(current_user.id, body_today()))
        .options(selectinload(Decision.organisation), selectinload(Decision.decided_by))
    )
    page = page_of(query, [planning.CO_SIGNED_ORDER], request.args, current_app.config["PAGE_SIZE"])
    return render_template("home/co_signed.html", page=page, days=planning.CO_SIGNED_DAYS)
