"""Complaints about the body and about its certified clients, one in every state of ISO 10002
7.2 to 7.9, and a year of closed and rated ones so the management-review figures have shape.

Who does what: the planner Ayşe Yılmaz runs the process, auditors not involved investigate, a
committee member approves; the public files through the web form (channel "web"), Anatolia
Retail's quality office through the portal, and a letter and an e-mail are recorded by staff.
Runs after the certificate stories: Marmara Cargo and Ha Long Supermarkets are certified clients
complained about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from certification.complaints import closing, handling
from certification.complaints.services import Filing, filing_from_user, receive_complaint


@dataclass
class Complaint:
    """One demo complaint: who, what, when received, and how far its handling goes."""

    name: str
    email: str
    subject: str
    description: str
    category: str
    days_ago: int
    until: str  # the last state it reaches
    channel: str = "web"
    about_client: str = ""  # English name of the certified client complained about
    identity_shared: bool = False
    investigator: str = "elena.petrova@demo.test"
    involved: list[tuple[str, str]] = field(default_factory=list)
    rating: int | None = None
    reply: str = "accept"  # accept | none (closed without a reply)


# The steps after the acknowledgement, in order; a complaint stops after its `until`.
PATH = ("assessed", "investigating", "decision_proposed", "decision_approved", "answered")

COMPLAINTS = [
    Complaint(
        "Kerem Aydın",
        "kerem.aydin@example.com",
        "Certificate number not in the register",
        "I looked up certificate TR-10002-2025-00017 printed on a supplier's brochure and "
        "the register says it does not exist.",
        "other",
        1,
        "received",
    ),
    Complaint(
        "Olga Smirnova",
        "olga.smirnova@example.ru",
        "No answer to my e-mail of last month",
        "I asked how to verify a certificate and nobody answered.",
        "timeliness",
        8,
        "received",
        channel="email",
    ),
    Complaint(
        "Hakan Öz",
        "hakan.oz@example.com.tr",
        "Parcel lost, complaint ignored",
        "Marmara Kargo lost my parcel and never answered my three complaints, although "
        "their website shows your certificate for complaints handling.",
        "certified_client",
        4,
        "acknowledged",
        about_client="Marmara Cargo and Logistics Inc.",
    ),
    Complaint(
        "Anatolia Retail quality office",
        "",
        "Auditor's remarks in the opening meeting",
        "During the stage 1 visit the auditor made remarks about our staff that we found "
        "disrespectful.",
        "personnel",
        9,
        "assessed",
        channel="portal",
        involved=[("auditor@demo.test", "the auditor complained about")],
    ),
    Complaint(
        "Le Thi Mai",
        "le.mai@example.vn",
        "Stage 2 dates moved twice at short notice",
        "Our audit dates were moved twice within a week of the audit.",
        "timeliness",
        12,
        "investigating",
        investigator="john.carter@demo.test",
    ),
    Complaint(
        "Trần Văn Bình",
        "tran.binh@example.vn",
        "Store refused to take my complaint",
        "The Cẩm Phả supermarket told me to write to head office and would not register "
        "my complaint about a faulty rice cooker.",
        "certified_client",
        15,
        "decision_proposed",
        channel="letter",
        about_client="Ha Long Supermarkets Co., Ltd.",
        identity_shared=True,
    ),
    Complaint(
        "James O'Connor",
        "j.oconnor@example.co.uk",
        "Application fee invoiced twice",
        "We received two invoices for the same application fee.",
        "fees",
        18,
        "decision_approved",
    ),
    Complaint(
        "Fatma Çelik",
        "fatma.celik@example.com.tr",
        "Report delivered late",
        "The audit report came six weeks after the audit.",
        "timeliness",
        25,
        "answered",
    ),
    Complaint(
        "Giorgi Lomidze",
        "giorgi.l@example.ge",
        "Scope wording on the certificate",
        "The certificate leaves out our call centre, which was audited.",
        "decision",
        40,
        "in_recourse",
    ),
    Complaint(
        "Selim Arslan",
        "selim.arslan@example.com.tr",
        "Can you quote for ISO 9001?",
        "Please send a price for ISO 9001 certification for 40 employees.",
        "other",
        30,
        "dismissed",
    ),
    Complaint(
        "Ayşe Kara",
        "ayse.kara@example.com.tr",
        "Auditor asked for documents twice",
        "We were asked to upload the same procedures twice.",
        "audit_conduct",
        70,
        "closed",
        rating=4,
    ),
    Complaint(
        "Ayşe Kara",
        "AYSE.KARA@example.com.tr",
        "Verification page slow",
        "The verification page took a minute to load.",
        "other",
        120,
        "closed",
        rating=3,
    ),
    Complaint(
        "Nguyen Thi Lan",
        "lan.nguyen@example.vn",
        "Audit plan came in English only",
        "Our team reads Vietnamese; the plan came in English only.",
        "audit_conduct",
        150,
        "closed",
        rating=5,
    ),
    Complaint(
        "Peter Hughes",
        "p.hughes@example.co.uk",
        "Mark used on a product",
        "A kettle's box shows your certification mark.",
        "certificate_use",
        200,
        "closed",
        reply="none",
    ),
    Complaint(
        "Mariam Beridze",
        "mariam.b@example.ge",
        "Decision took three months",
        "The certification decision came three months after the audit.",
        "timeliness",
        260,
        "closed",
        rating=2,
    ),
]


def tell(staff, orgs, today: date) -> None:
    clients = {name: _client_of(org) for name, org in orgs.items()}
    for spec in COMPLAINTS:
        _one(spec, staff, orgs, clients, today)


def _client_of(organisation):
    from certification.accounts.models import Role, User
    from certification.extensions import db

    return db.session.scalar(
        db.select(User)
        .where(User.organisation_id == organisation.id, User.role == Role.CLIENT.value)
        .limit(1)
    )


def _one(spec: Complaint, staff, orgs, clients: dict, today: date) -> None:
    planner = staff["planner@demo.test"]
    day = today - timedelta(days=spec.days_ago)
    organisation = orgs.get(spec.about_client)
    if spec.channel == "portal":
        client = clients["Anatolia Retail Stores Inc."]
        filing = filing_from_user(client, spec.subject, spec.description, spec.category, [])
        complaint = receive_complaint(
            client,
            filing,
            channel="portal",
            today=day,
            complainant_organisation=client.organisation,
        )
    else:
        filing = Filing(
            complainant_name=spec.name,
            email=spec.email,
            subject=spec.subject,
            description=spec.description,
            category=spec.category,
            about="client" if organisation else "body",
            named_organisation=organisation.legal_name if organisation else "",
            identity_shared=spec.identity_shared,
            language="tr" if ".tr" in spec.email else "en",
        )
        actor = planner if spec.channel in ("email", "letter") else None
        complaint = receive_complaint(actor, filing, channel=spec.channel, today=day)
    if spec.until == "received":
        return
    day += timedelta(days=1)
    handling.acknowledge(
        planner,
        complaint,
        "Thank you: we have your complaint and will answer "
        "within 15 working days. Someone not involved will look into it.",
        day,
    )
    if spec.until == "acknowledged":
        return
    if spec.until == "dismissed":
        handling.dismiss(
            planner,
            complaint,
            "This is a request for a quotation, not a complaint; our sales team will write to you.",
            day + timedelta(days=1),
        )
        return
    _handle(spec, complaint, staff, organisation, clients, day)


def _handle(spec: Complaint, complaint, staff, organisation, clients: dict, day: date) -> None:
    planner = staff["planner@demo.test"]
    last = {"in_recourse": "answered", "closed": "answered"}.get(spec.until, spec.until)
    for step in PATH[: PATH.index(last) + 1]:
        day += timedelta(days=2)
        if step == "assessed":
            _assess(spec, complaint, staff, organisation, clients, day)
        elif step == "investigating":
            handling.assign(planner, complaint, staff[spec.investigator], day)
        elif step == "decision_proposed":
            handling.propose(
                staff[spec.investigator],
                complaint,
                "The facts are confirmed by our records.",
                _answer(spec),
                day,
            )
        elif step == "decision_approved":
            handling.approve(staff["committee2@demo.test"], complaint, "Fair and complete.", day)
        else:
            handling.respond(planner, complaint, day)
    if spec.until == "in_recourse":
        closing.reply(
            None,
            complaint,
            False,
            "The call centre was audited; it must be on the certificate.",
            day + timedelta(days=3),
        )
    elif spec.until == "closed":
        _close(spec, complaint, planner, day)


def _assess(spec: Complaint, complaint, staff, organisation, clients: dict, day: date) -> None:
    handling.assess(
        staff["planner@demo.test"],
        complaint,
        category=spec.category,
        urgency="normal",
        severity="high" if spec.involved else "medium",
        notes="A complaint within our scope; handled by ISO 10002.",
        today=day,
        organisation_id=organisation.id if organisation else None,
        involved=[(staff[email].id, why) for email, why in spec.involved],
    )
    client = clients.get(organisation.english_name) if organisation else None
    if client is not None:
        closing.client_respond(
            client, complaint, "We have called the customer and reopened the case.", day
        )


def _answer(spec: Complaint) -> str:
    return (
        f"About “{spec.subject}”: we looked into it with the people concerned, confirm what "
        "you describe, apologise, and have changed our procedure so that it does not happen "
        "again."
    )


def _close(spec: Complaint, complaint, planner, day: date) -> None:
    if spec.reply == "none":
        closing.close(
            planner,
            complaint,
            "no_reply",
            "No reply within the time given.",
            day + timedelta(days=20),
        )
        return
    closing.reply(None, complaint, True, "", day + timedelta(days=2))
    if spec.rating:
        closing.rate(complaint, spec.rating, "")
