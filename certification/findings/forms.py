"""Forms of the findings domain: the team's write-up, the client's answer, review, verification.

Required fields are checked by the services (one message for the web and for any other caller);
the forms only parse and bound the input.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, TextAreaField
from wtforms.validators import Length, Optional

LONG = Length(
    max=5000,
    message=lazy_ngettext(
        "Keep this under %(num)d character.", "Keep this under %(num)d characters.", 5000
    ),
)


class EditFindingForm(FlaskForm):
    statement = TextAreaField(_l("Statement of the finding"), [LONG])
    evidence = TextAreaField(_l("Objective evidence"), [LONG])
    requirement = TextAreaField(_l("Requirement (what the standard or the system asks)"), [LONG])


class AnswerForm(FlaskForm):
    correction = TextAreaField(_l("Correction: what was done to fix this case"), [LONG])
    root_cause = TextAreaField(_l("Root cause: why it happened"), [LONG])
    action = TextAreaField(_l("Corrective action: what stops it happening again"), [LONG])
    target = DateField(_l("Target date"), [Optional()])
    files = MultipleFileField(_l("Evidence files"))


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Comment for the client"), [LONG])


class VerifyForm(FlaskForm):
    note = TextAreaField(_l("How the action was verified"), [LONG])


# The labels of a finding's write-up in its log ("finding_edited", activity/notes.py).
FIELD_LABELS = {
    "statement": _l("Statement of the finding"),
    "evidence": _l("Objective evidence"),
    "requirement": _l("Requirement (what the standard or the system asks)"),
}
