"""The body's own duties beyond complaints: an appeal, two transfers, the impartiality records.

- Appeal: Mekong Electronics appeals the rating band of its new star-scheme certificate; the
  panel (the admin and the second planner, neither on the audit nor the decision) reviews it.
- Transfers (IAF MD 2): Ankara Natural Gas Services came from another body: reviewed, granted,
  its certificate issued in our name within its cycle. Severn Valley Rail has just applied.
- Impartiality: three risks in the register (one review overdue), last year's committee review
  with its minutes, this year's declarations signed by all but two people.
Runs after the certificate stories (Mekong's grant is among them).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from certification.demo.documents import minimal_pdf
from certification.demo.organisations import DemoOrg, enrol
from certification.extensions import db
from certification.workflow import add_years

TRANSFERRED = DemoOrg(
    "Ankara Doğalgaz Hizmetleri A.Ş.",
    "Ankara Natural Gas Services Inc.",
    "TR",
    "Ankara",
    "Eskişehir Yolu No. 88, 06530 Çankaya",
    "25",
    380,
    "tr",
    "TRY",
    "Handling of customer complaints for natural-gas distribution and metering",
    "transfer",
    [("Polatlı işletme şefliği", "Polatlı", 40)],
    client_email="kalite@ankaradogalgaz.example.com.tr",
)
APPLYING = DemoOrg(
    "Severn Valley Rail Services Ltd",
    "Severn Valley Rail Services Ltd",
    "GB",
    "Worcester",
    "Shrub Hill Road, Worcester WR4 9EF",
    "31",
    240,
    "en",
    "GBP",
    "Handling of passenger complaints for regional rail services",
    "transfer",
    client_email="customer.relations@svrail.example.co.uk",
)


def tell(staff, orgs: dict, logins: dict, today: date) -> None:
    _appeal(staff, orgs, today)
    _transferred(staff, orgs, logins, today)
    _applying(staff, orgs, logins, today)
    _impartiality(staff, orgs, today)


def _client(organisation):
    from certification.accounts.models import Role, User

    return db.session.scalar(
        select(User).where(User.organisation_id == organisation.id, User.role == Role.CLIENT.value)
    )


def _appeal(staff, orgs: dict, today: date) -> None:
    from certification.appeals.services import appoint_panel, lodge_appeal
    from certification.decisions.models import Decision

    mekong = orgs["Mekong Electronics JSC"]
    grant = db.session.scalar(
        select(Decision).where(Decision.organisation_id == mekong.id, Decision.outcome == "grant")
    )
    appeal = lodge_appeal(
        _client(mekong),
        grant,
        "Our satisfaction surveys for the year (attached) put us in the top band: the scores "
        "for clause 8.3 seem to have missed the second-half survey.",
        [("satisfaction-survey-2nd-half.pdf", minimal_pdf("Mekong", "Customer satisfaction"))],
        today - timedelta(days=5),
    )
    appoint_panel(
        staff["planner@demo.test"],
        appeal,
        [staff["admin@demo.test"].id, staff["planner2@demo.test"].id],
        today - timedelta(days=3),
    )


def _transferred(staff, orgs: dict, logins: dict, today: date) -> None:
    """Certified by another body 14 months ago, surveillance 1 done there two months ago."""
    from certification.transfers import services as transfers

    organisation, _client_user = enrol(staff["planner@demo.test"], TRANSFERRED, orgs, logins)
    cycle_start = today - timedelta(days=430)
    other = transfers.OtherCertificate(
        issuing_body="Örnek Belgelendirme Hizmetleri A.Ş.",
        accreditation_body="TURKAK",
        accreditation_number="AB-0451-S",
        certificate_number="OB-10002-2025-0113",
        certificate_status="active",
        issued_on=cycle_start,
        original_issued_on=add_years(cycle_start, -3),
        expires_on=add_years(cycle_start, 3) - timedelta(days=1),
        last_audit_kind="surveillance1",
        last_audit_on=today - timedelta(days=62),
        open_nonconformities="One minor (ISO 10002 8.2: trend analysis), action plan accepted.",
        complaints="Two complaints about meter readings, both closed.",
    )
    applied = today - timedelta(days=50)
    transfer = _apply(staff, organisation, other, applied)
    _contract(staff, transfer, applied)
    transfers.review_transfer(
        staff["auditor@demo.test"],
        transfer,
        {
            "reports_reviewed": True,
            "nonconformities_reviewed": True,
            "complaints_reviewed": True,
            "cycle_checked": True,
            # IAF MD 2: read from the other body's certificate; ours carries it.
            "certified_scope": TRANSFERRED.scope,
            "recommended": True,
            "review_findings": "Reports of stage 2 and surveillance 1 read; the minor's plan is on "
            "track; no open complaint; surveillance 2 is due within the cycle.",
        },
        applied + timedelta(days=10),
    )
    transfers.decide_transfer(
        staff["committee@demo.test"],
        transfer,
        grant=True,
        reasons="The pre-transfer review is complete and clean; the cycle continues.",
        today=applied + timedelta(days=20),
    )


def _apply(staff, organisation, other, day: date):
    from certification.transfers import services as transfers

    documents = [
        ("certificate.pdf", minimal_pdf(other.certificate_number, "Certificate")),
        ("surveillance-1-report.pdf", minimal_pdf(other.issuing_body, "Surveillance 1 report")),
    ]
    return transfers.apply_for_transfer(
        _client(organisation) or staff["planner@demo.test"],
        organisation,
        other,
        scheme="iso10002",
        edition="2018",
        scope=organisation.sites[0].scope,
        site_ids=[s.id for s in organisation.sites],
        files=documents,
        today=day,
    )


def _contract(staff, transfer, day: date) -> None:
    from certification.agreements.services import Consent, current_version
    from certification.applications.services import review_application
    from certification.quotes.services import accept_quote, issue_quote, prepare_quote

    planner = staff["planner@demo.test"]
    review_application(
        planner,
        transfer.application,
        approve=True,
        competence_confirmed=True,
        notes="Sector 25 is within our accreditation; transfer per IAF MD 2.",
        today=day + timedelta(days=1),
    )
    quote = prepare_quote(
        planner,
        transfer.application,
        0,
        "",
        "TRY",
        "Surveillance 2 and recertification of the transferred cycle.",
        today=day + timedelta(days=2),
    )
    issue_quote(planner, quote, today=day + timedelta(days=2))
    # 17021-1 5.1.2: the client accepts our certification agreement with its first quote.
    organisation = transfer.organisation
    consent = Consent(current_version().version, "192.0.2.10", organisation.preferred_language)
    accept_quote(
        _client(organisation),
        quote,
        "Signed by the general manager.",
        today=day + timedelta(days=4),
        agreement=consent,
    )


def _applying(staff, orgs: dict, logins: dict, today: date) -> None:
    """Certified by another body after its stage 2 last spring; applied this week."""
    from certification.transfers import services as transfers

    organisation, _client_user = enrol(staff["planner@demo.test"], APPLYING, orgs, logins)
    issued = today - timedelta(days=190)
    other = transfers.OtherCertificate(
        issuing_body="Albion Assessment Services Ltd",
        accreditation_body="UKAS",
        accreditation_number="UKAS 8123",
        certificate_number="AAS-MS-77120",
        certificate_status="active",
        issued_on=issued,
        original_issued_on=issued,
        expires_on=add_years(issued, 3) - timedelta(days=1),
        last_audit_kind="stage2",
        last_audit_on=issued - timedelta(days=20),
    )
    _apply(staff, organisation, other, today - timedelta(days=3))


def _impartiality(staff, orgs: dict, today: date) -> None:
    from certification.impartiality import services as impartiality

    admin = staff["admin@demo.test"]
    risks = [
        (
            {
                "threat": "self_interest",
                "source_kind": "client",
                "level": "high",
                "organisation_id": orgs["Siberian Passenger Company JSC"].id,
                "description": "Siberian Passenger Company brings about 12% of the body's revenue.",
                "action_taken": "Its decisions are taken by two committee members; fees are set by "
                "the audit-time table only.",
                "review_on": today + timedelta(days=120),
            },
            today - timedelta(days=30),
        ),
        (
            {
                "threat": "familiarity",
                "source_kind": "person",
                "level": "medium",
                "person_id": staff["elena.petrova@demo.test"].id,
                "description": "One lead auditor for Siberian Passenger Company for a full cycle.",
                "action_taken": "Another lead auditor from the next surveillance on.",
                "review_on": today + timedelta(days=200),
            },
            today - timedelta(days=45),
        ),
        (
            {
                "threat": "self_review",
                "source_kind": "relation",
                "level": "medium",
                "relation": "The body's shareholder also owns a training company",
                "description": "Clients may take ISO 10002 training from a related company.",
                "action_taken": "Training is never consultancy; the committee compares "
                "client lists every year.",
                "review_on": today - timedelta(days=10),
            },
            today - timedelta(days=200),
        ),
    ]
    for values, day in risks:
        impartiality.save_risk(admin, values, day)
    held = today - timedelta(days=340)
    impartiality.record_committee_review(
        admin,
        held,
        "Prof. Dr. Ali Vural (chair, university); Tüketici Derneği (consumers); "
        "Ankara Sanayi Odası (industry); Selin Aksoy (the body)",
        "The register covers the threats; the fee share of the largest client stays under 15%. "
        "No new threat. Next review in twelve months.",
        [("impartiality-committee-minutes.pdf", minimal_pdf("Minutes", "Impartiality committee"))],
        held,
    )
    _declarations(staff, today)


def _declarations(staff, today: date) -> None:
    from certification.impartiality import services as impartiality

    first_of_year = date(today.year, 1, 1)
    missing = ("john.carter@demo.test", "planner2@demo.test")
    for n, (email, person) in enumerate(sorted(staff.items())):
        if email in missing:
            continue
        day = max(first_of_year, today - timedelta(days=10 + 7 * n))
        interests = (
            "Worked at Tbilisi Water until three years ago."
            if email == "nino.beridze@demo.test"
            else ""
        )
        impartiality.sign_declaration(person, person, today.year, interests, day)
