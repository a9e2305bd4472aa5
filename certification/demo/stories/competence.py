"""The competence records behind the demo's people (17021-1 7.1, 7.2): training, witnessed
audits and yearly evaluations; the planners' reviewer records; Elena Petrova's technical-expert
record and David Brown's record for TS ISO 10002 lapsing soon; John Carter's evaluation overdue.
"""

from __future__ import annotations

from datetime import date, timedelta

from certification.accounts.models import AuditorQualification
from certification.competence.services import (
    EvaluationDetails,
    TrainingDetails,
    WitnessDetails,
    add_training,
    add_witnessed_audit,
    record_evaluation,
)
from certification.extensions import db

AUDITORS = (
    "auditor@demo.test",
    "elena.petrova@demo.test",
    "nino.beridze@demo.test",
    "nguyen.an@demo.test",
    "john.carter@demo.test",
)
DECIDERS = ("committee@demo.test", "committee2@demo.test")
PLANNERS = ("planner@demo.test", "planner2@demo.test")
# The lead auditor who watched the others at work (Mehmet Demir), and who watched him.
WITNESS, WITNESS_OF_THE_WITNESS = "Mehmet Demir", "Zeynep Kaya"
OVERDUE = "john.carter@demo.test"  # last evaluated 14 months ago


def tell(staff: dict, today: date) -> None:
    admin = staff["admin@demo.test"]
    _extra_records(staff, today)
    for email in AUDITORS:
        person = staff[email]
        course = TrainingDetails(
            "ISO 10002:2018 lead auditor course",
            "IRCA-certified provider",
            today - timedelta(days=900),
            "Passed the examination.",
        )
        add_training(admin, person, course, today)
        witness = WITNESS_OF_THE_WITNESS if email == "auditor@demo.test" else WITNESS
        seen = WitnessDetails(
            witness,
            today - timedelta(days=200),
            "Stage 2 audit of a retail client",
            "satisfactory" if email != "nino.beridze@demo.test" else "improvement_needed",
            "Clear interviews; sampling of complaint records explained to the client.",
        )
        add_witnessed_audit(admin, person, seen, today)
    for email in DECIDERS + PLANNERS:
        induction = TrainingDetails(
            "Certification committee and application review induction",
            "The body (internal)",
            today - timedelta(days=500),
        )
        add_training(admin, staff[email], induction, today)
    for email in AUDITORS + DECIDERS + PLANNERS:
        _evaluations(admin, staff[email], today, overdue=email == OVERDUE)


def _extra_records(staff: dict, today: date) -> None:
    """Reviewer records for the planners, a technical expert's record, a decider's lapsing."""
    since = today - timedelta(days=3 * 365)
    for email in PLANNERS:
        for scheme in ("iso10002", "ts-iso10002", "csat-star"):
            db.session.add(
                AuditorQualification(
                    auditor=staff[email],
                    role="reviewer",
                    scheme=scheme,
                    sector_code="",
                    valid_from=since,
                    evidence="Application review induction; 20 reviews checked.",
                )
            )
    db.session.add(
        AuditorQualification(
            auditor=staff["elena.petrova@demo.test"],
            role="technical_expert",
            scheme="iso10002",
            sector_code="29",
            valid_from=since,
            valid_until=today + timedelta(days=40),
            evidence="Ten years in retail customer service; technical expert briefing.",
        )
    )
    db.session.add(
        AuditorQualification(
            auditor=staff["committee2@demo.test"],
            role="committee_member",
            scheme="ts-iso10002",
            sector_code="",
            valid_from=since,
            valid_until=today + timedelta(days=50),
            evidence="Decided TS ISO 10002:2006 files under supervision.",
        )
    )
    db.session.flush()


def _evaluations(admin, person, today: date, overdue: bool) -> None:
    """Last year's evaluation (or, when overdue, only one 14 months ago) and this year's."""
    if overdue:
        details = EvaluationDetails(
            today - timedelta(days=430),
            "improvement_needed",
            "Reports submitted late; agreed to plan writing time.",
        )
        record_evaluation(admin, person, details, today)
        return
    earlier = EvaluationDetails(today - timedelta(days=400), "satisfactory")
    record_evaluation(admin, person, earlier, today)
    recent = EvaluationDetails(
        today - timedelta(days=30), "satisfactory", "Audits on time; client feedback good."
    )
    record_evaluation(admin, person, recent, today)
