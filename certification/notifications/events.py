"""What the app tells people: each event's subject and sentences, from plain values.

An event's values (`params`) are data: names, numbers, ISO dates, state and kind codes. The
words are made from them in the reader's language each time they are shown (an e-mail in the
recipient's language when it is written, the bell in the reader's language when it is read).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from certification.activity.notes import worded
from certification.programme.models import AuditKind
from certification.templating import format_day
from certification.workflow import LABELS, CertificateState


@dataclass(frozen=True)
class Event:
    name: str
    subject: Callable[[dict], str]
    lines: Callable[[dict], list[str]]


def day(value: str | None) -> str:
    return format_day(date.fromisoformat(value)) if value else "—"


def kind(value: str) -> str:
    try:
        return AuditKind(value).label
    except ValueError:
        return value


def grade(value: str) -> str:
    from certification.audits.models import Grade

    try:
        return Grade(value).label
    except ValueError:
        return value


def certificate_state(value: str) -> str:
    return str(LABELS.get((CertificateState, value), value))


def outcome(value: str) -> str:
    from certification.decisions.models import Outcome

    try:
        return Outcome(value).label
    except ValueError:
        return value


EVENTS: dict[str, Event] = {}


def event(name: str, subject, lines) -> None:
    EVENTS[name] = Event(name, subject, lines)


event(
    "quote_sent",
    lambda p: _("Quote %(number)s is waiting for your answer", number=p["number"]),
    lambda p: [
        _(
            "We sent %(organisation)s a quote for certification: %(total)s.",
            organisation=p["organisation"],
            total=p["total"],
        ),
        _("Please accept or decline it by %(date)s.", date=day(p["valid_until"])),
    ],
)
event(
    "application_reviewed",
    lambda p: (
        _("Your application was approved")
        if p["approved"]
        else _("Your application was not accepted")
    ),
    lambda p: [
        _("We reviewed the application of %(organisation)s.", organisation=p["organisation"]),
        _("A quote follows.") if p["approved"] else _("Reason: %(notes)s", notes=p["notes"]),
    ],
)
event(
    "audit_scheduled",
    lambda p: _(
        "%(audit)s of %(organisation)s: %(start)s to %(end)s",
        audit=kind(p["kind"]),
        organisation=p["organisation"],
        start=day(p["start"]),
        end=day(p["end"]),
    ),
    lambda p: [
        _(
            "The audit was scheduled from %(start)s to %(end)s.",
            start=day(p["start"]),
            end=day(p["end"]),
        ),
        _("Team: %(team)s", team=p["team"]),
        _("The calendar file attached adds it to your calendar."),
    ],
)
event(
    "audit_moved",
    lambda p: _(
        "%(audit)s of %(organisation)s moved to %(start)s",
        audit=kind(p["kind"]),
        organisation=p["organisation"],
        start=day(p["start"]),
    ),
    lambda p: [
        _(
            "The audit now runs from %(start)s to %(end)s.",
            start=day(p["start"]),
            end=day(p["end"]),
        ),
        _("Team: %(team)s", team=p["team"]),
        _("The calendar file attached replaces the earlier one in your calendar."),
    ],
)
event(
    "audit_plan_sent",
    lambda p: _(
        "Audit plan: %(audit)s of %(organisation)s",
        audit=kind(p["kind"]),
        organisation=p["organisation"],
    ),
    lambda p: [
        _(
            "The plan of the audit of %(start)s to %(end)s is ready for you to read.",
            start=day(p["start"]),
            end=day(p["end"]),
        ),
        _("The calendar file attached adds the audit to your calendar."),
    ],
)
event(
    "finding_raised",
    lambda p: _(
        "Finding %(number)s (clause %(clause)s) needs your answer",
        number=p["number"],
        clause=p["clause"],
    ),
    lambda p: [
        _(
            "The %(audit)s audit raised a %(grade)s against ISO 10002 clause %(clause)s.",
            audit=kind(p["kind"]),
            grade=grade(p["grade"]),
            clause=p["clause"],
        ),
        _("Send the correction, root cause and corrective action by %(date)s.", date=day(p["due"])),
    ],
)
event(
    "finding_answered",
    lambda p: _(
        "%(organisation)s answered finding %(number)s",
        organisation=p["organisation"],
        number=p["number"],
    ),
    lambda p: [
        _("The client sent its corrective action for finding %(number)s.", number=p["number"]),
        _("Review it: accept the plan or send it back with your reason."),
    ],
)
event(
    "report_submitted",
    lambda p: _(
        "Audit file for decision: %(organisation)s (%(audit)s)",
        organisation=p["organisation"],
        audit=kind(p["kind"]),
    ),
    lambda p: [
        _("The lead auditor submitted the report for a certification decision."),
        _("Members who took part in the audit cannot decide on it."),
    ],
)
event(
    "decision_made",
    lambda p: _("Certification decision: %(outcome)s", outcome=outcome(p["outcome"])),
    lambda p: [
        _(
            "The certification committee decided on %(date)s about %(organisation)s: %(outcome)s.",
            date=day(p["decided_on"]),
            organisation=p["organisation"],
            outcome=outcome(p["outcome"]),
        )
    ],
)
event(
    "certificate_issued",
    lambda p: _("Certificate %(number)s issued", number=p["number"]),
    lambda p: [
        _(
            "Certificate %(number)s is valid from %(start)s to %(end)s.",
            number=p["number"],
            start=day(p["issued_on"]),
            end=day(p["expires_on"]),
        ),
        _("You can download it from your page."),
    ],
)
event(
    "certificate_changed",
    lambda p: _(
        "Certificate %(number)s: %(state)s", number=p["number"], state=certificate_state(p["state"])
    ),
    lambda p: [
        _(
            "Certificate %(number)s is now %(state)s.",
            number=p["number"],
            state=certificate_state(p["state"]),
        ),
        _("Reason: %(notes)s", notes=worded(p.get("note"), p.get("reason") or ""))
        if p.get("reason") or p.get("note")
        else "",
        _(
            "While a certificate is suspended or withdrawn, the certificate and the body's mark "
            "must not be used (ISO/IEC 17021-1 8.3)."
        )
        if p["state"] in ("suspended", "withdrawn")
        else "",
    ],
)

event(
    "invitation",
    lambda p: _("Your account is ready: choose your password"),
    lambda p: [
        _("Open this link to choose your password and sign in: %(url)s", url=p["url"]),
        _("The link works once, until %(date)s.", date=day(p["expires"][:10]))
        if p.get("expires")
        else "",
    ],
)
event(
    "password_reset",
    lambda p: _("Choose a new password"),
    lambda p: [
        _("Open this link to choose a new password: %(url)s", url=p["url"]),
        _("The link works once, until %(date)s.", date=day(p["expires"][:10]))
        if p.get("expires")
        else "",
        _("If you did not ask for this, ignore this message: your password stays as it was."),
    ],
)

# -- daily reminders: each one a kind the user may mute --------------------------------------

REMINDERS: dict[str, object] = {
    "audit_due": _l("Audits to schedule, before their due date"),
    "audit_upcoming": _l("My audits, a week before they start"),
    "finding_plan_due": _l("Corrective-action plans due"),
    "certificate_expiring": _l("Certificates expiring without a recertification audit"),
    "suspension_limit": _l("Suspensions reaching their limit"),
}
# Who can get each reminder (the account page offers only these).
REMINDERS_BY_ROLE = {
    "planner": ("audit_due", "certificate_expiring", "suspension_limit"),
    "admin": ("audit_due", "certificate_expiring", "suspension_limit"),
    "auditor": ("audit_upcoming",),
    "committee": ("suspension_limit",),
    "client": ("finding_plan_due", "certificate_expiring"),
}


def when(p: dict) -> str:
    if p["step"] == "overdue":
        return _("was due on %(date)s", date=day(p["due"]))
    return _("is due on %(date)s", date=day(p["due"]))


event(
    "reminder_audit_due",
    lambda p: _(
        "Reminder: schedule the %(audit)s of %(organisation)s",
        audit=kind(p["kind"]),
        organisation=p["organisation"],
    ),
    lambda p: [_("The audit %(when)s and has no dates yet.", when=when(p))],
)
event(
    "reminder_audit_upcoming",
    lambda p: _(
        "Reminder: %(audit)s of %(organisation)s starts on %(date)s",
        audit=kind(p["kind"]),
        organisation=p["organisation"],
        date=day(p["due"]),
    ),
    lambda p: [_("You are on the team of this audit.")],
)
event(
    "reminder_finding_plan_due",
    lambda p: _("Reminder: finding %(number)s needs your answer", number=p["number"]),
    lambda p: [_("Your corrective-action plan %(when)s.", when=when(p))],
)
event(
    "reminder_certificate_expiring",
    lambda p: _(
        "Reminder: certificate %(number)s expires on %(date)s",
        number=p["number"],
        date=day(p["due"]),
    ),
    lambda p: [
        _(
            "The recertification audit and its decision must both happen before the expiry "
            "(ISO/IEC 17021-1 9.6.3.2); the audit has no dates yet."
        )
    ],
)
event(
    "reminder_suspension_limit",
    lambda p: _(
        "Reminder: the suspension of %(number)s ends on %(date)s",
        number=p["number"],
        date=day(p["due"]),
    ),
    lambda p: [
        _(
            "By then the cause must be resolved, or the certificate withdrawn or its scope "
            "reduced (ISO/IEC 17021-1 9.6.5)."
        )
    ],
)
