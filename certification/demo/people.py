"""The certification body's staff: logins, auditors' qualifications, conflicts of interest."""

from __future__ import annotations

from datetime import date, timedelta

from certification.accounts.models import AuditorQualification, Role, User
from certification.extensions import db

DEMO_PASSWORD = "demo-2026-iso10002"

STAFF = [
    ("admin@demo.test", "Selin Aksoy", Role.ADMIN, "tr"),
    ("planner@demo.test", "Ayşe Yılmaz", Role.PLANNER, "tr"),
    ("planner2@demo.test", "James Whitfield", Role.PLANNER, "en"),
    ("auditor@demo.test", "Mehmet Demir", Role.AUDITOR, "tr"),
    ("elena.petrova@demo.test", "Елена Петрова", Role.AUDITOR, "en"),
    ("nino.beridze@demo.test", "ნინო ბერიძე", Role.AUDITOR, "en"),
    ("nguyen.an@demo.test", "Nguyễn Văn An", Role.AUDITOR, "en"),
    ("john.carter@demo.test", "John Carter", Role.AUDITOR, "en"),
    ("committee@demo.test", "Zeynep Kaya", Role.COMMITTEE, "tr"),
    ("committee2@demo.test", "David Brown", Role.COMMITTEE, "en"),
]

# auditor email -> IAF sector codes qualified for ISO 10002:2018
QUALIFICATIONS = {
    "auditor@demo.test": ["25", "29", "32", "38", "30"],
    "elena.petrova@demo.test": ["31", "33", "27"],
    "nino.beridze@demo.test": ["27", "32"],
    "nguyen.an@demo.test": ["31", "35"],
    "john.carter@demo.test": ["27", "29", "33", "35"],
}
# auditor email -> IAF sector codes qualified for the scored customer-satisfaction star scheme
STAR_QUALIFICATIONS = {
    "nguyen.an@demo.test": ["29", "35"],
    "john.carter@demo.test": ["29"],
}
# auditor email -> IAF sector codes where they may sit as a technical expert for ISO 10002:2018
# (17021-1 7.1.2, 7.2.5: the sector knowledge a team needs, recorded like any competence)
TECHNICAL_EXPERT_QUALIFICATIONS = {
    "john.carter@demo.test": ["31", "38"],
}
# committee member email -> (schemes, evidence): competent to decide on every sector of them
# (17021-1 7.2), from a day well before the oldest decision of the demo.
DECIDER_COMPETENCES = {
    "committee@demo.test": (
        ("iso10002", "ts-iso10002", "csat-star"),
        "Certification committee induction; 12 decisions observed; evaluated by the "
        "technical manager.",
    ),
    "committee2@demo.test": (
        ("iso10002", "csat-star"),
        "Lead auditor for ISO 9001 and ISO 10002 (retired from auditing); committee induction.",
    ),
}
COMPETENT_SINCE_YEARS = 6


def logins_by_role() -> dict[str, list[tuple[str, str]]]:
    """The staff's logins by role, in the order `flask --app app demo` prints them."""
    logins: dict[str, list[tuple[str, str]]] = {}
    for email, name, role, _ in STAFF:
        logins.setdefault(role.value, []).append((email, name))
    return logins


def create_staff(today: date | None = None) -> dict[str, User]:
    users = {}
    for email, name, role, locale in STAFF:
        user = User(email=email, name=name, role=role.value, locale=locale)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        users[email] = user
    db.session.flush()
    for scheme, table in (("iso10002", QUALIFICATIONS), ("csat-star", STAR_QUALIFICATIONS)):
        for email, sectors in table.items():
            for sector in sectors:
                db.session.add(
                    AuditorQualification(auditor=users[email], scheme=scheme, sector_code=sector)
                )
    for email, sectors in TECHNICAL_EXPERT_QUALIFICATIONS.items():
        for sector in sectors:
            db.session.add(
                AuditorQualification(
                    auditor=users[email],
                    role="technical_expert",
                    scheme="iso10002",
                    sector_code=sector,
                    evidence="Ten years designing complaint-handling IT systems for the sector.",
                )
            )
    since = (today or date.today()) - timedelta(days=365 * COMPETENT_SINCE_YEARS)
    for email, (schemes, evidence) in DECIDER_COMPETENCES.items():
        for scheme in schemes:
            db.session.add(
                AuditorQualification(
                    auditor=users[email],
                    role="committee_member",
                    scheme=scheme,
                    sector_code="",
                    valid_from=since,
                    evidence=evidence,
                )
            )
    return users


def team_for(sector: str, staff) -> tuple[User, User | None]:
    qualified = [email for email, sectors in QUALIFICATIONS.items() if sector in sectors]
    lead = staff[qualified[0]]
    member = staff[qualified[1]] if len(qualified) > 1 else None
    return lead, member


def add_conflicts(staff, orgs, today: date) -> None:
    """One recent tie that blocks an auditor, and one older than two years that no longer does."""
    from certification.admin.profiles import add_conflict

    admin = staff["admin@demo.test"]
    add_conflict(
        admin,
        staff["john.carter@demo.test"],
        orgs["Thames Valley Water Services Ltd"],
        "consultancy",
        today - timedelta(days=700),
        today - timedelta(days=200),
        "Helped write the complaints procedure as a consultant.",
    )
    add_conflict(
        admin,
        staff["nino.beridze@demo.test"],
        orgs["Tbilisi Water LLC"],
        "employment",
        today - timedelta(days=3000),
        today - timedelta(days=1100),
        "Worked in the customer-service department until three years ago.",
    )
