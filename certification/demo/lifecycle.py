"""A certificate's cycle told in a few calls: certified, audited, maintained, decided.

The certificate stories (stories/certificates.py) are written with these.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from certification.demo.onsite import (
    answer,
    figures,
    on_site,
    period,
    report,
    stage1_entries,
    stage2_entries,
    write_up,
)
from certification.demo.organisations import DemoOrg, advance
from certification.extensions import db


class Story:
    """What every certificate's story needs: the people, the organisations, the day it ends."""

    def __init__(self, staff, orgs, clients, today: date, facts: dict, figures: dict):
        self.staff, self.orgs, self.clients, self.today = staff, orgs, clients, today
        self.facts = facts  # english name -> Facts
        self.figures = figures  # english name -> (received, closed, median days, satisfaction %)
        self.planner = staff["planner@demo.test"]
        self.committee = staff["committee@demo.test"]
        self.second = staff["committee2@demo.test"]

    def team(self, spec: DemoOrg):
        return [self.staff[email] for email in spec.team]

    def audit(self, name: str, kind: str):
        from certification.organisations.models import Organisation
        from certification.programme.models import Audit

        return db.session.scalar(
            select(Audit)
            .join(Organisation, Organisation.id == Audit.organisation_id)
            .where(Organisation.english_name == name, Audit.kind == kind)
            .order_by(Audit.id.desc())
        )

    def decide(self, name: str, kind: str, outcome: str, reasons: str, day: date, scope=""):
        """The first committee member decides; the second agrees on grants and renewals."""
        from certification.decisions.services import decide

        others = ()
        if outcome in ("grant", "renew"):
            others = [(self.second.id, True, "Agree: the file supports the decision.")]
        return decide(
            self.committee,
            self.audit(name, kind),
            outcome=outcome,
            reasons=reasons,
            today=day,
            scope=scope,
            other_members=others,
        )

    def audited(
        self, spec: DemoOrg, kind: str, start: date, days: int, summary: str, notes=()
    ) -> date:
        """Scheduled a month ahead, done on site, figures recorded; the report goes in two days
        after the last audit day, which is returned."""
        from certification.reports.services import FiguresInput

        team, facts = self.team(spec), self.facts[spec.english_name]
        audit = self.audit(spec.english_name, kind)
        if kind == "recertification" and not audit.declared_personnel:
            # IAF MD 5: the client declares its personnel at renewal; the time follows it.
            from certification.programme.renewal import declare_personnel

            declare_personnel(
                self.planner,
                audit,
                spec.personnel + spec.personnel // 20,
                start - timedelta(days=60),
            )
        team = on_site(self.planner, team, audit, start, days, start - timedelta(days=30))
        end = start + timedelta(days=days - 1)
        if kind == "stage1":
            entries = stage1_entries(audit, facts, list(notes), {})
        else:
            entries = stage2_entries(audit, facts, list(notes), {})
        answer(team, audit, entries, end)
        write_up(team[0], audit, list(notes))
        received, closed, median, satisfaction = self.figures[spec.english_name]
        growth = (start.year - 2000) % 7  # the figures move a little from audit to audit
        figures(
            team[0],
            audit,
            FiguresInput(
                *period(start),
                received + 37 * growth,
                closed + 36 * growth,
                Decimal(median),
                Decimal(satisfaction) + growth,
            ),
        )
        report(team[0], audit, end + timedelta(days=2), summary)
        return end + timedelta(days=2)

    def certified(self, spec: DemoOrg, granted_on: date):
        """Application to grant: stage 1 about 2½ months before the decision, stage 2 a month."""
        from certification.certificates.services import current_certificate

        name = spec.english_name
        applied = granted_on - timedelta(days=100)
        advance(spec, self.orgs[name], self.clients.get(name), self.staff, applied)
        # Stage 1 ends with the lead auditor's conclusion (17021-1 9.3.1), not with the committee.
        self.audited(
            spec,
            "stage1",
            granted_on - timedelta(days=75),
            2,
            "Stage 1: the complaints-handling system is documented and ready for "
            "stage 2: the documentation covers ISO 10002.",
        )
        self.audited(
            spec,
            "stage2",
            granted_on - timedelta(days=35),
            3,
            "Complaints handling is in place at every site sampled; no nonconformity.",
        )
        self.decide(
            name,
            "stage2",
            "grant",
            "Stage 2 found no nonconformity; the system is implemented at every site in the scope.",
            granted_on,
        )
        return current_certificate(self.orgs[name].id, spec.scheme)

    def maintained(self, spec: DemoOrg, kind: str, start: date, notes=()) -> date:
        label = "Surveillance 1" if kind == "surveillance1" else "Surveillance 2"
        reported = self.audited(
            spec,
            kind,
            start,
            2,
            f"{label}: complaints handling remains effective; no nonconformity.",
            notes,
        )
        decided = reported + timedelta(days=8)
        self.decide(
            spec.english_name,
            kind,
            "maintain",
            f"{label} found no nonconformity: certification maintained.",
            decided,
        )
        return decided
