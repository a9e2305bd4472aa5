"""Calendar feeds, one audit's .ics, the planner's month view, and auditors' leave."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from babel.dates import get_day_names
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification.access import PLANNING, can_view_audit, get_visible_or_404, roles_required
from certification.accounts.models import Role
from certification.calendar import feeds, ics, rules, services
from certification.calendar.forms import LeaveForm
from certification.calendar.models import Unavailability
from certification.extensions import db
from certification.i18n.local_time import body_today
from certification.notifications.announce import ATTACHMENTS
from certification.notifications.services import Attachment, absolute, path_for
from certification.programme.models import Audit, AuditTeamMember
from certification.templating import register_panel
from certification.workflow import add_months

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
ICS = "text/calendar; charset=utf-8"


def _ics_response(body: bytes, filename: str, inline: bool = False) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<token>.ics")
def feed(token: str):
    """A person's private feed: the address is the key (revocable on the account page)."""
    user = services.user_for_token(token)
    if user is None:
        abort(404)
    return _ics_response(feeds.feed_for(user, body_today()), "audits.ics", inline=True)


@bp.route("/audits/<int:audit_id>.ics")
@login_required
def audit_file(audit_id: int):
    audit = get_visible_or_404(Audit, audit_id, can_view_audit)
    if audit.start_date is None:
        abort(404)
    return _ics_response(
        ics.audit_file(audit, feeds.sequence_of(audit.id)), f"audit-{audit.id}.ics"
    )


# -- the feed's address --------------------------------------------------------------------------


@bp.route("/feed", methods=["POST"])
@login_required
def new_feed():
    services.new_feed(current_user)
    db.session.commit()
    flash(_("Your calendar has a new private address; the old one no longer works."), "success")
    return redirect(url_for("accounts.account", _anchor="calendar"))


@bp.route("/feed/revoke", methods=["POST"])
@login_required
def revoke_feed():
    services.revoke_feed(current_user)
    db.session.commit()
    flash(_("Your calendar address was revoked; nobody can read it any more."), "success")
    return redirect(url_for("accounts.account", _anchor="calendar"))


def feed_url(user) -> str | None:
    found = services.feed_of(user)
    return absolute(path_for("calendar.feed", token=found.token)) if found else None


# -- leave ---------------------------------------------------------------------------------------


@bp.route("/leave", methods=["POST"])
@roles_required(Role.AUDITOR)
def add_leave():
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            services.add_leave(
                current_user, form.start.data, form.end.data, form.note.data, body_today()
            )
        except services.CalendarError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Your unavailable days were recorded."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(request.referrer or url_for("accounts.account", _anchor="leave"))


@bp.route("/leave/<int:leave_id>/remove", methods=["POST"])
@roles_required(Role.AUDITOR)
def remove_leave(leave_id: int):
    leave = db.get_or_404(Unavailability, leave_id)
    if leave.user_id != current_user.id:
        abort(404)
    services.remove_leave(current_user, leave)
    db.session.commit()
    flash(_("Those days are free again."), "success")
    return redirect(request.referrer or url_for("accounts.account", _anchor="leave"))


# -- the planner's month -------------------------------------------------------------------------


@bp.route("/month")
@roles_required(*PLANNING)
def month():
    first = rules.parse_month(request.args.get("month"), body_today())
    last = add_months(first, 1).replace(day=1)
    last = date.fromordinal(last.toordinal() - 1)
    audits = db.session.scalars(
        select(Audit)
        .where(Audit.start_date <= last, Audit.end_date >= first, Audit.state != "cancelled")
        .options(
            selectinload(Audit.organisation),
            selectinload(Audit.team).selectinload(AuditTeamMember.user),
        )
        .order_by(Audit.start_date, Audit.id)
    ).all()
    leave = services.leave_between(first, last, with_people=True)
    by_day: dict[date, dict[str, list]] = defaultdict(lambda: {"audits": [], "leave": []})
    for day in (d for week in rules.month_weeks(first) for d in week if d):
        by_day[day]["audits"] = [a for a in audits if a.start_date <= day <= a.end_date]
        by_day[day]["leave"] = [x for x in leave if x.start_date <= day <= x.end_date]
    return render_template(
        "calendar/month.html",
        first=first,
        weeks=rules.month_weeks(first),
        by_day=by_day,
        audits=audits,
        previous=add_months(first, -1).strftime("%Y-%m"),
        following=add_months(first, 1).strftime("%Y-%m"),
        today=body_today(),
        month_label=format_date(first, "LLLL yyyy"),
        weekday_names=[get_day_names("abbreviated", locale=get_locale())[n] for n in range(7)],
    )


# -- panels and the e-mail attachment ------------------------------------------------------------


def account_panel(user) -> str:
    return render_template(
        "calendar/_account_panel.html",
        url=feed_url(user),
        leave=services.my_leave(user, body_today()) if user.role == Role.AUDITOR else None,
        form=LeaveForm(formdata=None),
    )


def auditor_home_panel(user) -> str:
    return render_template(
        "calendar/_leave_panel.html",
        leave=services.my_leave(user, body_today()),
        form=LeaveForm(formdata=None),
    )


def audit_attachment(audit) -> Attachment | None:
    if audit.start_date is None or audit.end_date is None:
        return None
    body = ics.audit_file(audit, feeds.sequence_of(audit.id)).decode("utf-8")
    return Attachment(f"audit-{audit.id}.ics", "text/calendar", body)


register_panel("account", account_panel)
register_panel("home_auditor", auditor_home_panel)
for _event in ("audit_scheduled", "audit_moved", "audit_plan_sent"):
    ATTACHMENTS[_event] = audit_attachment
