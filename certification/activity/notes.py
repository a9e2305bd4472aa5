"""What a log row says beyond its action, stored as data and worded when it is read.

A service passes `log_note("certificate_valid", number=..., start=date, end=date)`; the row keeps
the code and the values (dates as ISO days, labelled codes as the code and their kind) in its
`params` column, and a page words them in the reader's language: a certificate issued in a
Turkish session reads "valid from 12 Mar 2026" to an English reader. Text a person typed (the
reason they gave) stays in `reason`, as they wrote it, and follows the worded note.

Rows written before the column existed have no params: their `reason` holds the sentence as it
was written then, and is shown as it is.
"""

from __future__ import annotations

import importlib
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask_babel import lazy_gettext as _l

from certification.i18n import formatting, local_time
from certification.models_base import utcnow

# Code -> wording; %(name)s placeholders are filled from the row's params, %(reason)s (if the
# wording has it) from the text the person typed. Plain strings need no translation.
NOTES = {
    "certificate_valid": _l("Certificate %(number)s, valid from %(start)s to %(end)s."),
    "renewed_by": _l("Renewed by certificate %(number)s."),
    "restored_as": _l("Restored as revision %(revision)d (%(number)s) after the lapse."),
    "superseded_by": _l("Superseded by revision %(revision)d (%(number)s)."),
    "band_revised": _l("Rating band %(before)s -> %(after)s (revision %(revision)d)."),
    "scope_changed": _l("Scope changed by decision."),
    "until": _l("%(reason)s (until %(date)s)"),
    "expired_after": _l("Expired after %(date)s."),
    "audit_not_done": _l(
        "%(audit)s was due by %(date)s and is not done: the committee considers suspension."
    ),
    "late_exception_given": _l("Late exception: %(reason)s"),
    "suspension_ended": _l(
        "The suspension ended on %(date)s: withdraw the certificate or reduce its scope."
    ),
    "replaced_by": _l("Replaced by %(number)s."),
    "not_answered_in_time": _l("Not answered in time."),
    "quote_accepted": _l("Quote %(number)s accepted."),
    "checklist_version": _l("Checklist %(file)s version %(version)s."),
    "workbook_merged": _l("Saved: %(saved)d, unchanged: %(unchanged)d, conflicts: %(conflicts)d."),
    "checklist_question": _l("Question %(question)s."),
    "evidence_file": "%(question)s: %(file)s",
    "accreditation": "%(body)s %(number)s",
    "agreement_accepted": _l(
        "Certification agreement version %(version)d accepted on %(date)s from %(address)s."
    ),
    "agreement_version": _l("Version %(version)d"),
    "plan_version": _l("Audit plan version %(version)d for %(start)s to %(end)s."),
    "plan_replaced": _l("Replaced by version %(version)d."),
    "finding": _l("Finding %(number)s: %(grade)s, clause %(clause)s (question %(question)s)."),
    "regraded": _l("%(before)s → %(after)s."),
    "target_date": _l("Target date %(date)s."),
    "to_conduct_again": _l("%(audit)s to be conducted again (%(date)s): %(reason)s"),
    "personnel_declared": _l(
        "%(personnel)d effective personnel declared on %(date)s (IAF MD 5): recertification "
        "audit time %(before)s -> %(after)s auditor-days."
    ),
    "programme_from_quote": _l("Audit programme created from quote %(number)s on %(date)s."),
    "cycle_started": _l("Cycle %(number)s started by the recertification decision of %(date)s."),
    "late_justified": _l("Due by %(due)s, held %(start)s to %(end)s. Justification: %(reason)s"),
    "period": _l("%(start)s to %(end)s"),
    "moved": _l("Moved from %(old_start)s – %(old_end)s to %(when)s."),
    "team": _l("Team: %(team)s"),
    "cancelled_on": _l("%(reason)s (cancelled on %(date)s)"),
    "late_by": _l("%(days)d working days after the time limit."),
    "assessed": _l("Severity %(severity)s, urgency %(urgency)s."),
    "conflict": _l(
        "%(name)s has a conflict of interest with %(organisation)s (%(kind)s, %(until)s)."
    ),
    "ended": _l("ended %(date)s"),
    "ongoing": _l("ongoing"),
    "lapsed": _l(
        "ISO/IEC 17021-1 7.1: %(name)s's qualification for %(scheme)s in sector %(sector)s "
        "has lapsed by %(date)s."
    ),
    "not_qualified": _l(
        "%(name)s is not qualified for %(scheme)s in sector %(sector)s on %(date)s."
    ),
    "qualification": _l("%(name)s: %(role)s for %(scheme)s, %(sector)s (%(validity)s)."),
    "iaf_sector": _l("IAF sector %(sector)s"),
    "every_sector": _l("every sector"),
    "valid_between": _l("valid %(start)s to %(end)s"),
    "changed": "%(before)s → %(after)s",
    "user_created": _l("%(name)s <%(email)s>, role: %(role)s."),
    "override_reason": _l("Reason:"),
    "label": "%(label)s",
    "by_admin": _l("By an administrator."),
    "labelled_reason": "%(label)s: %(reason)s",
    "investigator": _l("Investigator: %(name)s."),
    "complaint_received": _l("Complaint %(number)s received (%(channel)s)."),
    "rating": "%(score)s/5",
    "appeal_upheld": _l("Appeal %(number)s upheld: %(reason)s"),
    "panel": _l("Panel: %(names)s."),
    "numbered_label": "%(number)s: %(label)s",
    "figures": _l("Complaints received %(received)s, closed %(closed)s."),
    "submitted": _l("%(recommendation)s (submitted %(date)s)."),
    "overrides": _l("Overrides: %(computed)s. Reason: %(reason)s"),
    "concluded": _l("%(conclusion)s (%(date)s). %(summary)s"),
    # Field changes (activity/changes.py): the field's key worded through its label table.
    "field_changes": "%(changes)s",
    "field_changed": "%(field)s: %(before)s → %(after)s",
    "amount_changed": "%(field)s %(currency)s: %(before)s → %(after)s",
    "site_field_changed": _l("Site %(site)s: %(field)s %(before)s → %(after)s"),
    "site_added": _l("Site added: %(site)s"),
    "site_removed": _l("Site removed: %(site)s"),
    "password_reset_by_admin": _l("Password reset by an administrator."),
    "image_new": _l("%(field)s: new image"),
    "image_removed": _l("%(field)s: removed"),
    "fields_edited": "%(fields)s",
    "organisation_registered": _l(
        "%(name)s, %(country)s, IAF sector %(sector)s, effective personnel %(personnel)s, "
        "sites: %(sites)s."
    ),
    # Competence records (competence/services.py).
    "training": _l("%(name)s: %(course)s (%(provider)s), %(date)s."),
    "witnessed": _l("%(name)s: witnessed by %(witness)s on %(date)s, %(reference)s: %(outcome)s."),
    "evaluation": _l("%(name)s: evaluation for %(year)s on %(date)s: %(outcome)s."),
    "evaluated_by": _l("Evaluated by %(name)s."),
}

YES_NO = {"yes": _l("Yes"), "no": _l("No")}

# Labelled codes a note may carry: kind -> "module:name" of an enum (with .label) or a dict.
LOOKUPS = {
    "AuditKind": "certification.programme.models:AuditKind",
    "TeamRole": "certification.programme.models:TeamRole",
    "Grade": "certification.audits.models:Grade",
    "ConflictKind": "certification.accounts.models:ConflictKind",
    "CompetenceRole": "certification.accounts.competence:CompetenceRole",
    "Role": "certification.accounts.models:Role",
    "Outcome": "certification.decisions.models:Outcome",
    "Recommendation": "certification.reports.models:Recommendation",
    "Readiness": "certification.reports.models:Readiness",
    "Channel": "certification.complaints.models:Channel",
    "Severity": "certification.complaints.models:Severity",
    "Urgency": "certification.complaints.models:Urgency",
    "Closure": "certification.complaints.models:Closure",
    "appeal_kind": "certification.appeals.models:KIND_LABELS",
    "threat": "certification.impartiality.models:THREATS",
    "yes_no": "certification.activity.notes:YES_NO",
    "organisation_field": "certification.organisations.services:FIELD_NAMES",
    "site_field": "certification.organisations.sites:SITE_FIELD_NAMES",
    "user_field": "certification.admin.services:USER_FIELD_NAMES",
    "setting": "certification.admin.forms:SETTING_LABELS",
    "finding_field": "certification.findings.forms:FIELD_LABELS",
    "competence_outcome": "certification.competence.models:OUTCOME_LABELS",
}


class Coded:
    """A code worded through a label table that is not an enum (`Coded("threat", "self")`)."""

    def __init__(self, kind: str, value: str) -> None:
        self.kind, self.value = kind, value


def log_note(code: str, *then: dict, **params) -> dict:
    """The params of a log row: `code` (a key of NOTES) and its values, kept as plain data;
    `then`: further notes worded after this one."""
    if code not in NOTES:
        raise KeyError(f"no wording for the log note {code!r}")
    stored = {"note": code, **{name: _stored(value) for name, value in params.items()}}
    if then:
        stored["then"] = list(then)
    return stored


def _stored(value):
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return {"day": value.isoformat()}
    if isinstance(value, Coded):
        return {"kind": value.kind, "code": value.value}
    if isinstance(value, Enum) and type(value).__name__ in LOOKUPS:
        return {"kind": type(value).__name__, "code": value.value}
    if isinstance(value, Decimal | float):
        return {"number": str(value)}
    if isinstance(value, list | tuple):
        return [_stored(item) for item in value]
    return value


def worded(params: dict | None, reason: str = "", locale: object = None) -> str:
    """The note of a row in the reader's language, with the typed `reason` in its place (or
    after it); only the reason when there is no note or it is unknown."""
    if not params or params.get("note") not in NOTES:
        return reason or ""
    wording = str(NOTES[params["note"]])
    values = {k: _shown(v, locale) for k, v in params.items() if k not in ("note", "then")}
    values.setdefault("reason", reason or "")
    try:
        text = wording % values
    except (KeyError, TypeError, ValueError):
        text = ""
    parts = [text, *(worded(nested, "", locale) for nested in params.get("then", ()))]
    if reason and "%(reason)s" not in wording:
        parts.append(reason)
    return " ".join(part.strip() for part in parts if part and part.strip())


def _shown(value, locale):
    if isinstance(value, list):
        notes = value and all(isinstance(item, dict) and "note" in item for item in value)
        return ("; " if notes else ", ").join(_shown(item, locale) for item in value)
    if not isinstance(value, dict):
        return "—" if value is None else value
    if "note" in value:
        return worded(value, value.get("reason", ""), locale)
    if "day" in value:
        return formatting.day(date.fromisoformat(value["day"]), locale=locale)
    if "number" in value:
        return formatting.number(value["number"], 2, locale=locale)
    if "money" in value:
        return formatting.money(value["money"], locale=locale)
    if "country" in value:
        return formatting.country(value["country"], locale=locale)
    if "language" in value:
        return formatting.language(value["language"], locale=locale)
    if "kind" in value:
        return _label(value["kind"], value.get("code"))
    if "name" in value:  # a person with their role on a team
        role = _label("TeamRole", value.get("role")) if value.get("role") else ""
        return f"{value['name']} ({role})" if role else value["name"]
    return str(value)


def _label(kind: str, code) -> str:
    if code is None or kind not in LOOKUPS:
        return "—" if code is None else str(code)
    module, name = LOOKUPS[kind].split(":")
    table = getattr(importlib.import_module(module), name)
    if isinstance(table, dict):
        return str(table.get(code, code))
    try:
        return str(table(code).label)
    except ValueError:
        return str(code)


def text(entry, locale: object = None) -> str:
    """All a row says beyond its action, in the reader's language."""
    return worded(entry.params, entry.reason or "", locale)


# Checklist detail work (a grade, an evidence file) is logged row by row but read as one entry
# per audit, day and action: "12 checklist questions graded by X on 12 Mar 2026".
GROUPED_ACTIONS = ("answer_graded", "attachment_added", "attachment_removed")


def checklist_group(audit, now: datetime | None = None, zone=None) -> str:
    """The group of a checklist row: its audit and the body's local day it was written
    (`now`: the moment, by default the clock's; `zone`: by default the body's)."""
    zone = zone if zone is not None else local_time.body_zone()
    day = local_time.local_day(now or utcnow(), zone)
    return f"checklist:{audit.id}:{day.isoformat()}"
