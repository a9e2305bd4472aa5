"""The bell (my notifications), the admin's outbox, reminder choices and extra recipients."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select, update

from certification import listing
from certification.access import roles_required
from certification.accounts.models import Role
from certification.extensions import db
from certification.models_base import utcnow
from certification.notifications import sender, services
from certification.notifications.events import REMINDERS, REMINDERS_BY_ROLE
from certification.notifications.forms import RecipientForm
from certification.notifications.models import (
    ExtraRecipient,
    MessageState,
    MutedReminder,
    Notification,
    OutboxMessage,
)
from certification.paging import Segment, page_of
from certification.templating import register_panel

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


# -- the bell ----------------------------------------------------------------------------------


def unread_count() -> int:
    """For the nav's bell: one small count per page, only for signed-in users."""
    if not current_user.is_authenticated:
        return 0
    query = select(func.count(Notification.id)).where(
        Notification.user_id == current_user.id, Notification.read_at.is_(None)
    )
    return int(db.session.scalar(query) or 0)


@bp.route("/")
@login_required
def index():
    query = select(Notification).where(Notification.user_id == current_user.id)
    newest = (Segment(key=(Notification.id,), descending=True),)  # paged by key, not OFFSET
    page = page_of(query, newest, request.args, current_app.config["PAGE_SIZE"])
    return render_template("notifications/index.html", page=page, subject_of=services.subject_of)


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_one(notification_id: int):
    """Mark it read and go to the page it is about."""
    notification = db.get_or_404(Notification, notification_id)
    if notification.user_id != current_user.id:
        abort(404)
    notification.read_at = notification.read_at or utcnow()
    db.session.commit()
    return redirect(notification.link or url_for("notifications.index"))


@bp.route("/read", methods=["POST"])
@login_required
def read_all():
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    flash(_("Every notification is marked read."), "success")
    return redirect(url_for("notifications.index"))


# -- the admin's outbox ------------------------------------------------------------------------


# The outbox, newest message first (by id: written in that order), or by recipient or state.
OUTBOX_ORDERS = {
    "written": (Segment(key=(OutboxMessage.id,), descending=True),),
    "to": (Segment(key=(OutboxMessage.recipient_email, OutboxMessage.id)),),
    "state": (Segment(key=(OutboxMessage.state, OutboxMessage.id)),),
}


@bp.route("/outbox")
@roles_required(Role.ADMIN)
def outbox():
    state = listing.one_of(request.args, "state", {s.value for s in MessageState})
    chosen = listing.read(
        request.args,
        OUTBOX_ORDERS,
        OUTBOX_ORDERS["written"],
        {"state": state, "q": listing.text(request.args)},
    )
    query = select(OutboxMessage)
    if state:
        query = query.where(OutboxMessage.state == state)
    if needle := chosen.chosen["q"]:  # the recipient's address or the subject
        like = f"%{listing.escaped(needle)}%"
        query = query.where(
            or_(
                OutboxMessage.recipient_email.ilike(like, escape="\\"),
                OutboxMessage.subject.ilike(like, escape="\\"),
            )
        )
    page = page_of(query, chosen.segments, request.args, current_app.config["PAGE_SIZE"])
    counts = dict(
        db.session.execute(
            select(OutboxMessage.state, func.count(OutboxMessage.id)).group_by(OutboxMessage.state)
        ).all()
    )
    return render_template(
        "notifications/outbox.html",
        page=page,
        state=state,
        states=list(MessageState),
        counts=counts,
        configured=sender.configured(),
        listing=chosen,
    )


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@roles_required(Role.ADMIN)
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    try:
        sender.retry(message)
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for("notifications.outbox"))
    db.session.commit()
    flash(_("The message will be sent again at the next run."), "success")
    return redirect(url_for("notifications.outbox", state="failed"))


# -- my reminders ------------------------------------------------------------------------------


def my_reminder_kinds(user) -> tuple[str, ...]:
    return REMINDERS_BY_ROLE.get(user.role, ())


@bp.route("/reminders", methods=["POST"])
@login_required
def reminders():
    """Each user chooses which daily reminders they get (every kind is on until turned off)."""
    kinds = my_reminder_kinds(current_user)
    wanted = set(request.form.getlist("kind"))
    existing = {
        row.kind: row
        for row in db.session.scalars(
            select(MutedReminder).where(MutedReminder.user_id == current_user.id)
        )
    }
    for kind in kinds:
        if kind in wanted and kind in existing:
            db.session.delete(existing[kind])
        elif kind not in wanted and kind not in existing:
            db.session.add(MutedReminder(user_id=current_user.id, kind=kind))
    db.session.commit()
    flash(_("Your reminder choices were saved."), "success")
    return redirect(url_for("accounts.account", _anchor="reminders"))


def reminders_panel(user) -> str:
    kinds = my_reminder_kinds(user)
    if not kinds:
        return ""
    muted = set(
        db.session.scalars(select(MutedReminder.kind).where(MutedReminder.user_id == user.id))
    )
    return render_template(
        "notifications/_reminders_panel.html",
        kinds=[(kind, REMINDERS[kind], kind not in muted) for kind in kinds],
    )


# -- the client's extra recipients -------------------------------------------------------------


@bp.route("/recipients", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def recipients():
    """People at the client who get its e-mails without a sign-in (its quality manager)."""
    organisation = current_user.organisation
    form = RecipientForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        taken = db.session.scalar(
            select(ExtraRecipient.id).where(
                ExtraRecipient.organisation_id == organisation.id,
                func.lower(ExtraRecipient.email) == email,
            )
        )
        if taken:
            form.email.errors.append(_("This address already gets our e-mails."))
        else:
            db.session.add(
                ExtraRecipient(
                    organisation_id=organisation.id,
                    email=email,
                    name=(form.name.data or "").strip(),
                    added_by_id=current_user.id,
                )
            )
            db.session.commit()
            flash(_("%(email)s will get our e-mails from now on.", email=email), "success")
            return redirect(url_for("notifications.recipients"))
    extras = db.session.scalars(
        select(ExtraRecipient)
        .where(ExtraRecipient.organisation_id == organisation.id)
        .order_by(ExtraRecipient.email)
    ).all()
    status = 400 if form.errors else 200
    return render_template(
        "notifications/recipients.html", form=form, extras=extras, organisation=organisation
    ), status


@bp.route("/recipients/<int:recipient_id>/remove", methods=["POST"])
@roles_required(Role.CLIENT)
def remove_recipient(recipient_id: int):
    extra = db.get_or_404(ExtraRecipient, recipient_id)
    if extra.organisation_id != current_user.organisation_id:
        abort(404)
    db.session.delete(extra)
    db.session.commit()
    flash(_("%(email)s will get no more e-mails from us.", email=extra.email), "success")
    return redirect(url_for("notifications.recipients"))


# -- panels ------------------------------------------------------------------------------------


def outbox_panel(user) -> str:
    counts = dict(
        db.session.execute(
            select(OutboxMessage.state, func.count(OutboxMessage.id))
            .where(OutboxMessage.state.in_(("failed", "pending")))
            .group_by(OutboxMessage.state)
        ).all()
    )
    return render_template(
        "notifications/_outbox_panel.html", counts=counts, configured=sender.configured()
    )


register_panel("account", reminders_panel)
register_panel("home_admin", outbox_panel)
