"""The figures behind each chart, read from the database and labelled in the reader's language.

Each function runs a fixed number of statements (a few columns of the rows in range, then pure
rules in Python), so a chart costs the same number of queries however many rows it covers.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from certification.certificates.models import Certificate
from certification.charts import rules
from certification.charts.svg import Chart, Series
from certification.decisions.models import Decision
from certification.extensions import db
from certification.findings.models import Finding
from certification.programme.models import Audit
from certification.reports.models import AuditFigures
from certification.workflow import CertificateState

HELD = ("in_progress", "submitted", "returned", "closed")
POSITIVE = ("grant", "renew")


def _month_label(first_day: date) -> str:
    return format_date(first_day, "MMM yy")


def certificates_by_status(today: date, months: int = 24) -> Chart:
    """Each month's end: how many certificates were active, suspended, withdrawn or expired."""
    starts = rules.month_starts(today, months)
    rows = db.session.execute(
        select(
            Certificate.issued_on,
            Certificate.state,
            Certificate.ended_on,
            Certificate.suspended_on,
        ).where(Certificate.issued_on <= rules.month_end(starts[-1]))
    ).all()
    shown = [s for s in CertificateState if s != CertificateState.SUPERSEDED]
    counts = {s.value: [0] * len(starts) for s in shown}
    for i, first in enumerate(starts):
        day = min(rules.month_end(first), today)
        for row in rows:
            status = rules.status_on(day, *row)
            if status in counts:
                counts[status][i] += 1
    return Chart(
        title=_("Certificates by status, last %(months)s months", months=months),
        description=_(
            "Stacked bars: the number of certificates in each status at the end of each month."
        ),
        categories=[_month_label(s) for s in starts],
        series=[Series(s.label, counts[s.value]) for s in shown],
        kind="stacked",
    )


def audit_pipeline(today: date, back: int = 12, ahead: int = 3) -> Chart:
    """Per month: audits planned to start (dated) or due (undated), audits held, decisions."""
    starts = rules.month_starts(today, back, ahead)
    first, last = starts[0], rules.month_end(starts[-1])
    index = {s: i for i, s in enumerate(starts)}
    planned, held, decided = ([0] * len(starts) for _n in range(3))
    audits = db.session.execute(
        select(Audit.state, Audit.start_date, Audit.end_date, Audit.due_by).where(
            Audit.state != "cancelled"
        )
    ).all()
    for state, start, end, due_by in audits:
        month = rules.month_of(start or due_by)
        if month in index:
            planned[index[month]] += 1
        if state in HELD and rules.month_of(end) in index:
            held[index[rules.month_of(end)]] += 1
    decisions = db.session.scalars(
        select(Decision.decided_on).where(
            Decision.audit_id.is_not(None), Decision.decided_on.between(first, last)
        )
    )
    for day in decisions:
        decided[index[rules.month_of(day)]] += 1
    return Chart(
        title=_("Audit pipeline by month"),
        description=_(
            "Grouped bars per month: audits planned for the month, audits held (last day in "
            "the month) and decisions taken on audit files."
        ),
        categories=[_month_label(s) for s in starts],
        series=[
            Series(_("Planned"), planned),
            Series(_("Held"), held),
            Series(_("Decided"), decided),
        ],
    )


def stage2_to_decision(today: date, months: int = 24) -> tuple[Chart, list[tuple]]:
    """Median days from the last day of stage 2 to the grant, by month of the decision.

    Also returns the table rows: (month label, decisions, median, longest)."""
    starts = rules.month_starts(today, months)
    index = {s: i for i, s in enumerate(starts)}
    rows = db.session.execute(
        select(Decision.decided_on, Audit.end_date)
        .join(Audit, Audit.id == Decision.audit_id)
        .where(
            Audit.kind.in_(("stage2", "recertification")),
            Decision.outcome.in_(POSITIVE),
            Decision.decided_on >= starts[0],
            Audit.end_date.is_not(None),
        )
    ).all()
    waits: list[list[int]] = [[] for _s in starts]
    for decided_on, stage2_end in rows:
        month = rules.month_of(decided_on)
        if month in index:
            waits[index[month]].append((decided_on - stage2_end).days)
    medians = [rules.median(w) for w in waits]
    table = [
        (_month_label(s), len(w), rules.median(w), max(w) if w else None)
        for s, w in zip(starts, waits, strict=True)
    ]
    chart = Chart(
        title=_("Days from the end of the audit to the decision"),
        description=_(
            "Bars: per month of the decision, the median number of days between the last day "
            "of the stage 2 (or recertification) audit and the certification decision."
        ),
        categories=[_month_label(s) for s in starts],
        series=[Series(_("Median days"), medians)],
        unit=_("days"),
    )
    return chart, table


def findings_by_clause(start: date, end: date) -> Chart:
    """Nonconformities of every audit held in the period, by ISO 10002 clause and grade."""
    rows = db.session.execute(
        select(Finding.clause, Finding.grade)
        .join(Audit, Audit.id == Finding.audit_id)
        .where(
            Finding.grade.in_(("major", "minor")),
            Audit.end_date.between(start, end),
        )
    ).all()
    counts = Counter((rules.top_clause(clause), grade) for clause, grade in rows)
    clauses = sorted({clause for clause, _g in counts}, key=rules.clause_key)
    return Chart(
        title=_("Nonconformities by ISO 10002 clause"),
        description=_(
            "Stacked bars: major and minor nonconformities raised at audits that ended between "
            "%(start)s and %(end)s, by clause.",
            start=format_date(start),
            end=format_date(end),
        ),
        categories=clauses,
        series=[
            Series(_("Major nonconformity"), [counts[(c, "major")] for c in clauses]),
            Series(_("Minor nonconformity"), [counts[(c, "minor")] for c in clauses]),
        ],
        kind="stacked",
    )


def client_trend(organisation_id: int) -> list[Chart]:
    """The client's own complaints figures across its audits: received, closing days, and
    satisfaction (ISO 10002 8.3 and 8.4: the client's monitoring and satisfaction figures)."""
    rows = db.session.execute(
        select(Audit, AuditFigures)
        .join(AuditFigures, AuditFigures.audit_id == Audit.id)
        .where(Audit.organisation_id == organisation_id)
        .order_by(Audit.end_date, Audit.id)
    ).all()
    if not rows:
        return []
    labels = [
        f"{a.kind_enum.label} {format_date(a.end_date, 'yyyy')}"
        if a.end_date
        else a.kind_enum.label
        for a, _f in rows
    ]
    figures = [f for _a, f in rows]

    def number(value):
        return None if value is None else float(value)

    return [
        Chart(
            title=_("Complaints received and closed"),
            description=_("Grouped bars per audit: complaints received and closed in the period."),
            categories=labels,
            series=[
                Series(_("Received"), [f.complaints_received for f in figures]),
                Series(_("Closed"), [f.complaints_closed for f in figures]),
            ],
        ),
        Chart(
            title=_("Median days to close a complaint"),
            description=_("Line across the audits: the median number of days to close."),
            categories=labels,
            series=[Series(_("Median days"), [number(f.median_days_to_close) for f in figures])],
            kind="line",
            unit=_("days"),
        ),
        Chart(
            title=_("Customer satisfaction"),
            description=_("Line across the audits: the satisfaction the client measured, in %."),
            categories=labels,
            series=[Series(_("Satisfied (%)"), [number(f.satisfaction_percent) for f in figures])],
            kind="line",
            unit="%",
        ),
    ]
