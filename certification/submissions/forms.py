"""The one-time token of a create form, and what a view does with it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from flask import flash, g, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import HiddenField

from certification.extensions import db
from certification.submissions import services

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SentOnce:
    """Mixin for a create form (put it before FlaskForm): a token made when the form is shown.

    A sending without the field (a script, not a page of the app) gets a token of its own, so
    it is not guarded against its own repetition; every page of the app sends the field.
    """

    once = HiddenField(default=new_token)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        if not TOKEN.fullmatch(self.once.data or ""):
            # A page from before this check, or a hand-made request: shown again, fresh token.
            self.once.data = new_token()
            flash(_("This form was out of date. Check it and send it again."), "error")
            return False
        return valid


def sent_before(form: SentOnce, kind: str, url_of: Callable[[int], str]):
    """Claim the form's token. None: first sending, go on (then call `made`). Otherwise the
    answer to give: the page of what the first sending made, with a message."""
    return token_sent_before(form.once.data, kind, url_of)


def token_sent_before(token: str, kind: str, url_of: Callable[[int], str]):
    """`sent_before` for a form written by hand in a template (its field "once": form_token())."""
    if not TOKEN.fullmatch(token or ""):
        flash(_("This form was out of date. Check it and send it again."), "error")
        return redirect(url_of(0))
    try:
        g.form_submission = services.claim(current_user, kind, token)
    except services.SentBefore as sent:
        db.session.rollback()
        flash(
            _(
                "This form was sent already (a double click, a second tab or a retry) and was "
                "recorded once: here it is. Nothing was added; to add another, open a new form."
            ),
            "warning",
        )
        first = sent.earlier
        return redirect(url_of(first.result_id) if first and first.result_id else request.url)
    return None


def made(result):
    """Keep what this sending made with its token; returns `result` (None passes through)."""
    submission = g.pop("form_submission", None)
    first = result[0] if isinstance(result, list) and result else result
    if first is not None and first != [] and submission is not None:
        services.made(submission, first)
    return result
