"""The public side of complaints: anyone files one at /complaints/new (no sign-in) and follows it
by its private link /complaints/track/<token>, replies to the answer and rates the handling."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from certification.applications import uploads
from certification.complaints import closing, services
from certification.complaints.forms import FilingForm, RateForm, ReplyForm
from certification.complaints.models import Channel
from certification.extensions import db
from certification.i18n.local_time import body_today
from certification.settings import services as settings

bp = Blueprint("complaints_public", __name__, url_prefix="/complaints")

# The tracking link is the complainant's key: keep it out of referrers, caches and search engines.
PRIVATE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = FilingForm().with_choices()
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        complaint = file_complaint(form, Channel.WEB.value)
        if complaint is not None:
            flash(
                _(
                    "Your complaint %(number)s was received. Keep the address of this page: it is "
                    "your private link to follow the complaint.",
                    number=complaint.number,
                ),
                "success",
            )
            return redirect(url_for("complaints_public.track", complaint_token=complaint.token))
    return render_template(
        "complaints/new.html",
        form=form,
        ack_days=int(settings.get("complaint_acknowledge_days")),
        answer_days=int(settings.get("complaint_answer_days")),
    )


def file_complaint(form, channel: str, **where):
    """Hand a filing form to the service; a double submit leads to the complaint it made."""
    limit = uploads.max_bytes()
    files = [
        uploads.Upload(f.filename or "", f.read(limit + 1)) for f in form.attachments.data or []
    ]
    filing = services.Filing(
        complainant_name=form.complainant_name.data or "",
        email=form.email.data or "",
        phone=form.phone.data or "",
        language=form.language.data,
        about=form.about.data,
        category=form.category.data,
        named_organisation=form.named_organisation.data or "",
        subject=form.subject.data or "",
        description=form.description.data or "",
        identity_shared=bool(form.identity_shared.data),
        files=[f for f in files if f.name or f.data],
    )
    return submit(form, filing, channel, **where)


def submit(form, filing, channel: str, actor=None, **where):
    try:
        complaint = services.receive_complaint(
            actor,
            filing,
            channel=channel,
            today=body_today(),
            submission_key=form.submission_key.data or None,
            **where,
        )
    except services.DuplicateSubmission as duplicate:
        db.session.rollback()
        return db.session.get(type(duplicate.complaint), duplicate.complaint.id)
    except uploads.UploadError as error:
        db.session.rollback()
        form.attachments.errors = [*form.attachments.errors, error.message]
        return None
    except services.ComplaintError as error:
        db.session.rollback()
        target = getattr(form, error.field or "", None)
        (target.errors if target is not None else form.form_errors).append(error.message)
        return None
    db.session.commit()
    return complaint


@bp.route("/track/<complaint_token>")
def track(complaint_token: str):
    complaint = _tracked_or_404(complaint_token)
    return _track_page(complaint)


def _track_page(complaint, reply_form=None, rate_form=None, status: int = 200):
    page = render_template(
        "complaints/track.html",
        complaint=complaint,
        reply_form=reply_form or ReplyForm(formdata=None).with_choices(),
        rate_form=rate_form or RateForm(formdata=None).with_choices(),
    )
    return page, status, PRIVATE_HEADERS


def _tracked_or_404(complaint_token: str):
    complaint = services.by_token(complaint_token)
    if complaint is None:
        abort(404)
    return complaint


@bp.route("/track/<complaint_token>/reply", methods=["POST"])
def reply(complaint_token: str):
    complaint = _tracked_or_404(complaint_token)
    form = ReplyForm().with_choices()
    if not form.validate_on_submit():
        return _track_page(complaint, reply_form=form, status=400)
    try:
        closing.reply(None, complaint, form.accepted.data == "yes", form.comment.data, body_today())
    except services.ComplaintError as error:
        db.session.rollback()
        if error.field:
            form.comment.errors = [*form.comment.errors, error.message]
        else:
            flash(error.message, "error")
        return _track_page(complaint, reply_form=form, status=400)
    db.session.commit()
    flash(_("Thank you: your reply is recorded."), "success")
    return redirect(url_for("complaints_public.track", complaint_token=complaint_token))


@bp.route("/track/<complaint_token>/rate", methods=["POST"])
def rate(complaint_token: str):
    complaint = _tracked_or_404(complaint_token)
    form = RateForm().with_choices()
    if not form.validate_on_submit():
        return _track_page(complaint, rate_form=form, status=400)
    try:
        closing.rate(complaint, form.score.data, form.comment.data)
    except services.ComplaintError as error:
        db.session.rollback()
        if error.field:
            form.score.errors = [*form.score.errors, error.message]
        else:
            flash(error.message, "error")
        return _track_page(complaint, rate_form=form, status=400)
    db.session.commit()
    flash(_("Thank you for rating how we handled your complaint."), "success")
    return redirect(url_for("complaints_public.track", complaint_token=complaint_token))
