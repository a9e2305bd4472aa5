"""A realistic demo data set: organisations in five scripts at different points of the cycle.

Built through the same services the UI uses, so every state has its activity-log trail.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from certification.accounts.models import AuditorQualification, Role, User
from certification.extensions import db

DEMO_PASSWORD = "demo-2026-iso10002"


@dataclass
class DemoOrg:
    legal_name: str
    english_name: str
    country: str
    city: str
    address: str
    sector: str
    personnel: int
    language: str
    currency: str
    scope: str
    stage: str  # how far through the cycle the demo takes it
    sites: list[tuple[str, str, int]] = field(default_factory=list)  # (name, city, personnel)
    trading_name: str = ""
    client_email: str = ""
    scheme: str = "iso10002"
    team: tuple[str, ...] = ()  # auditors' e-mails, lead first; else the first qualified ones


ORGANISATIONS = [
    DemoOrg(
        "Anadolu Perakende Mağazaları A.Ş.", "Anatolia Retail Stores Inc.", "TR", "İstanbul",
        "Büyükdere Cad. No. 185, 34394 Şişli", "29", 320, "tr", "TRY",
        "Handling of customer complaints for retail stores and the online shop",
        "scheduled", [("Ankara mağazası", "Ankara", 60), ("İzmir mağazası", "İzmir", 45)],
        trading_name="AnadoluMarket", client_email="musteri@anadolu-perakende.com.tr",
    ),
    DemoOrg(
        "Ege Sigorta Hizmetleri A.Ş.", "Aegean Insurance Services Inc.", "TR", "İzmir",
        "Cumhuriyet Bulvarı No. 42, 35210 Konak", "32", 85, "tr", "TRY",
        "Complaints handling for insurance policy holders and claimants",
        "submitted", client_email="sikayet@egesigorta.com.tr",
    ),
    DemoOrg(
        "Karadeniz Enerji Dağıtım A.Ş.", "Black Sea Energy Distribution Inc.", "TR", "Trabzon",
        "Kahramanmaraş Cad. No. 7, 61040 Ortahisar", "25", 1200, "tr", "TRY",
        "Customer complaints for electricity distribution and metering services",
        "issued",
        [("Rize bölge müdürlüğü", "Rize", 210), ("Giresun bölge müdürlüğü", "Giresun", 180),
         ("Ordu bölge müdürlüğü", "Ordu", 160), ("Artvin işletme şefliği", "Artvin", 90)],
        client_email="kalite@karadenizenerji.com.tr",
    ),
    DemoOrg(
        "Başkent Özel Hastanesi A.Ş.", "Capital Private Hospital Inc.", "TR", "Ankara",
        "Atatürk Bulvarı No. 211, 06680 Çankaya", "38", 450, "tr", "EUR",
        "Patient and visitor complaints handling across outpatient and inpatient services",
        "two_scheduled", client_email="hasta.haklari@baskenthastanesi.com.tr",
    ),
    DemoOrg(
        "Kapadokya Balon Turizm Ltd. Şti.", "Cappadocia Balloon Tours Ltd.", "TR", "Nevşehir",
        "Adnan Menderes Cad. No. 15, 50180 Göreme", "30", 12, "tr", "TRY",
        "Complaints handling for balloon flights and guided tours", "withdrawn",
    ),
    DemoOrg(
        "Thames Valley Water Services Ltd", "Thames Valley Water Services Ltd", "GB", "Reading",
        "12 Kennet Side, Reading RG1 3DW", "27", 600, "en", "GBP",
        "Handling of customer complaints for water supply and wastewater services",
        "draft_quote", [("Oxford depot", "Oxford", 120)],
        client_email="complaints@tvws.example.co.uk",
    ),
    DemoOrg(
        "Northwind Telecom plc", "Northwind Telecom plc", "GB", "Manchester",
        "1 Spinningfields Square, Manchester M3 3AP", "33", 2300, "en", "GBP",
        "Complaints handling for mobile and broadband customers", "rejected_quote",
    ),
    DemoOrg(
        "ООО «Северная звезда Логистик»", "Northern Star Logistics LLC", "RU", "Москва",
        "ул. Тверская, д. 18, стр. 1, Москва, 125009", "31", 150, "ru", "EUR",
        "Рассмотрение жалоб клиентов на услуги грузоперевозок", "submitted",
    ),
    DemoOrg(
        "АО «Волга Телеком»", "Volga Telecom JSC", "RU", "Казань",
        "ул. Баумана, д. 44, Казань, 420111", "33", 900, "ru", "EUR",
        "Handling of subscriber complaints for fixed and mobile services", "expired_quote",
    ),
    DemoOrg(
        "შპს „თბილისის წყალი“", "Tbilisi Water LLC", "GE", "თბილისი",
        "მედეა ჯაფარიძის ქ. 10, თბილისი 0171", "27", 700, "en", "EUR",
        "Customer complaints handling for water supply in Tbilisi", "contracted",
        [("ბათუმის ფილიალი", "ბათუმი", 90)], client_email="quality@tbilisiwater.example.ge",
    ),
    DemoOrg(
        "სს „ქართული საბანკო სერვისი“", "Georgian Banking Service JSC", "GE", "ბათუმი",
        "რუსთაველის ქ. 25, ბათუმი 6000", "32", 60, "en", "EUR",
        "Complaints handling for retail banking customers", "review_rejected",
    ),
    DemoOrg(
        "Công ty TNHH Dịch vụ Khách hàng Sài Gòn", "Saigon Customer Services Co., Ltd.", "VN",
        "Thành phố Hồ Chí Minh", "123 Đường Nguyễn Huệ, Quận 1, Thành phố Hồ Chí Minh", "35",
        45, "en", "USD", "Complaints handling for contact-centre services", "issued",
        client_email="chatluong@saigoncs.example.vn",
    ),
    DemoOrg(
        "Tổng Công ty Hàng không Sông Hồng", "Red River Airlines Corporation", "VN", "Hà Nội",
        "200 Đường Nguyễn Sơn, Long Biên, Hà Nội", "31", 2500, "en", "USD",
        "Passenger complaints handling for scheduled flights and ground services",
        "two_scheduled", [("Chi nhánh Đà Nẵng", "Đà Nẵng", 400)],
    ),
    DemoOrg(
        "شركة الخليج لخدمات العملاء", "Gulf Customer Services Company", "AE", "Dubai",
        "Sheikh Zayed Road, Tower 3, Dubai", "35", 120, "en", "USD",
        "Complaints handling for outsourced customer-care services", "approved",
    ),
    # Audits under way: the checklist, findings, corrective actions and reports (see _audits).
    DemoOrg(
        "АО «Невская энергосбытовая компания»", "Neva Power Supply JSC", "RU",
        "Санкт-Петербург", "Невский пр., д. 95, лит. А, Санкт-Петербург, 191036", "27", 540,
        "ru", "EUR",
        "Рассмотрение жалоб бытовых и корпоративных потребителей электроэнергии",
        "stage1_in_progress", [("Выборгское отделение", "Выборг", 70)],
        client_email="kachestvo@nevaenergo.example.ru",
        team=("elena.petrova@demo.test", "nino.beridze@demo.test"),
    ),
    DemoOrg(
        "სს „კავკასიის მიკროსაფინანსო ორგანიზაცია“", "Caucasus Microfinance JSC", "GE",
        "თბილისი", "დავით აღმაშენებლის გამზ. 154, თბილისი 0112", "32", 240, "en", "EUR",
        "Complaints handling for microloan borrowers at branches, the call centre and online",
        "stage2_in_progress",
        [("ქუთაისის ფილიალი", "ქუთაისი", 35), ("რუსთავის ფილიალი", "რუსთავი", 25)],
        client_email="complaints@caucasusmfo.example.ge",
        team=("nino.beridze@demo.test", "auditor@demo.test"),
    ),
    DemoOrg(
        "Công ty Cổ phần Điện máy Mê Kông", "Mekong Electronics JSC", "VN", "Cần Thơ",
        "56 Đường Hòa Bình, Phường Tân An, Quận Ninh Kiều, Cần Thơ", "29", 380, "en", "USD",
        "Complaints handling for electronics stores, home delivery and after-sales repairs",
        "report_submitted", [("Cửa hàng Long Xuyên", "Long Xuyên", 40)],
        client_email="cskh@mekongdienmay.example.vn", scheme="csat-star",
        team=("nguyen.an@demo.test", "john.carter@demo.test"),
    ),
]

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


# Stages whose audits are under way, and how long before "today" their application came in.
APPLIED_DAYS_AGO = {"stage1_in_progress": 50, "stage2_in_progress": 150, "report_submitted": 150}
HEAD_OFFICE = {"tr": "Genel müdürlük", "ru": "Головной офис"}


def minimal_pdf(title: str, heading: str = "Complaints-handling procedure") -> bytes:
    """A one-page PDF standing in for a client's document (by default its manual)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(72, 770, heading)
    pdf.drawString(72, 750, title.encode("ascii", "replace").decode())
    pdf.save()
    return buffer.getvalue()


def build(today: date | None = None) -> dict[str, list[tuple[str, str]]]:
    """Fill an empty database; returns the demo logins by role."""
    today = today or date.today()
    staff = _staff()
    logins: dict[str, list[tuple[str, str]]] = {}
    for email, name, role, _ in STAFF:
        logins.setdefault(role.value, []).append((email, name))
    orgs = {}
    for spec in ORGANISATIONS:
        org, client = _organisation(staff["planner@demo.test"], spec)
        orgs[spec.english_name] = org
        if client is not None:
            logins.setdefault(Role.CLIENT.value, []).append((client.email, spec.legal_name))
        _advance(spec, org, client, staff, today)
    _conflicts(staff, orgs, today)
    from certification.demo_certificates import certify

    certify(staff, orgs, logins, today)
    db.session.flush()
    return logins


def _conflicts(staff, orgs, today: date) -> None:
    """One recent tie that blocks an auditor, and one older than two years that no longer does."""
    from certification.admin.services import add_conflict

    admin = staff["admin@demo.test"]
    add_conflict(
        admin, staff["john.carter@demo.test"], orgs["Thames Valley Water Services Ltd"],
        "consultancy", today - timedelta(days=700), today - timedelta(days=200),
        "Helped write the complaints procedure as a consultant.",
    )
    add_conflict(
        admin, staff["nino.beridze@demo.test"], orgs["Tbilisi Water LLC"],
        "employment", today - timedelta(days=3000), today - timedelta(days=1100),
        "Worked in the customer-service department until three years ago.",
    )


def _staff() -> dict[str, User]:
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
    return users


def _organisation(planner: User, spec: DemoOrg):
    from certification.organisations.services import register_organisation

    head = {
        "name": HEAD_OFFICE.get(spec.language, "Head office"),
        "address": spec.address, "city": spec.city, "country": spec.country,
        "personnel": spec.personnel - sum(p for _, _, p in spec.sites),
        "scope": spec.scope, "is_head_office": True,
    }
    sites = [head] + [
        {"name": n, "address": f"{n}, {c}", "city": c, "country": spec.country,
         "personnel": p, "scope": spec.scope, "is_head_office": False}
        for n, c, p in spec.sites
    ]
    data = {
        "legal_name": spec.legal_name, "english_name": spec.english_name,
        "trading_name": spec.trading_name, "country": spec.country, "city": spec.city,
        "address": spec.address, "sector_code": spec.sector,
        "effective_personnel": spec.personnel, "preferred_language": spec.language,
        "currency": spec.currency, "contact_name": "", "contact_email": spec.client_email,
        "contact_phone": "",
    }
    org = register_organisation(planner, data, sites)
    client = None
    if spec.client_email:
        client = User(
            email=spec.client_email, name=f"{spec.english_name} quality office",
            role=Role.CLIENT.value, organisation=org,
            locale="tr" if spec.language == "tr" else "en",
        )
        client.set_password(DEMO_PASSWORD)
        db.session.add(client)
        db.session.flush()
    return org, client


def _advance(spec: DemoOrg, org, client, staff, today: date) -> None:
    """Take the organisation as far as `spec.stage` through the real services."""
    from certification.applications.services import (
        review_application,
        submit_application,
        withdraw_application,
    )
    from certification.quotes.services import (
        accept_quote,
        issue_quote,
        prepare_quote,
        reject_quote,
    )

    planner = staff["planner@demo.test"]
    applicant = client or planner
    started = today - timedelta(days=APPLIED_DAYS_AGO.get(spec.stage, 40))
    upload = [("complaints-handling-manual.pdf", minimal_pdf(spec.english_name))]
    application = submit_application(
        applicant, org, spec.scheme, "2018", spec.scope, [s.id for s in org.sites],
        upload, today=started,
    )
    if spec.stage == "submitted":
        return
    if spec.stage == "withdrawn":
        withdraw_application(applicant, application,
                             reason="The company postponed certification to next season.")
        return
    if spec.stage == "review_rejected":
        review_application(planner, application, approve=False, competence_confirmed=False,
                           notes="No qualified auditor for this sector in the client's language "
                           "this year; the client was informed.", today=started)
        return
    review_application(planner, application, approve=True, competence_confirmed=True,
                       notes="Scope, sites and sector are within our accreditation; "
                       "auditors available.", today=started + timedelta(days=2))
    if spec.stage == "approved":
        return
    adjust, why = (0, "")
    if spec.personnel > 1000:
        adjust, why = (-15, "Centralised complaints desk and one complaints IT system for "
                       "all sites; low-risk activities at the regional offices.")
    quote = prepare_quote(planner, application, adjust, why, spec.currency, "",
                          today=started + timedelta(days=3))
    if spec.stage == "draft_quote":
        return
    issued_on = started + timedelta(days=4)
    if spec.stage == "expired_quote":
        issued_on = today - timedelta(days=45)
    issue_quote(planner, quote, today=issued_on)
    if spec.stage in ("issued", "expired_quote"):
        if spec.stage == "expired_quote":
            from certification.quotes.services import expire_quotes

            expire_quotes(today)
        return
    if spec.stage == "rejected_quote":
        reject_quote(planner, quote, "Client chose another certification body (by e-mail).",
                     today=issued_on + timedelta(days=5))
        return
    accept_quote(applicant, quote, "Accepted by the general manager.",
                 today=issued_on + timedelta(days=6))
    if spec.stage == "contracted":
        return
    if spec.stage in APPLIED_DAYS_AGO:
        _audits(spec, org, client, staff, today)
        return
    _schedule(spec, org, staff, today)


def _schedule(spec: DemoOrg, org, staff, today: date) -> None:
    from certification.programme.models import Audit
    from certification.programme.services import schedule_audit

    planner = staff["planner@demo.test"]
    lead, member = _team_for(spec.sector, staff)
    audits = db.session.scalars(
        db.select(Audit).where(Audit.organisation_id == org.id).order_by(Audit.sequence)
    ).all()
    stage1, stage2 = audits[0], audits[1]
    start1 = today + timedelta(days=5)
    schedule_audit(planner, stage1, start1, start1 + timedelta(days=1), lead.id,
                   [(member.id, "auditor")] if member else [], {}, today=today)
    if spec.stage != "two_scheduled":
        return
    start2 = today + timedelta(days=35)
    overrides = {}
    expert = staff["john.carter@demo.test"]
    team = [(member.id, "auditor")] if member else []
    if spec.sector not in QUALIFICATIONS["john.carter@demo.test"]:
        team.append((expert.id, "expert"))
        overrides[expert.id] = ("Technical expert on the client's complaint IT system only; "
                                "does not judge conformity.")
    schedule_audit(planner, stage2, start2, start2 + timedelta(days=2), lead.id, team,
                   overrides, today=today)


def _team_for(sector: str, staff) -> tuple[User, User | None]:
    qualified = [email for email, sectors in QUALIFICATIONS.items() if sector in sectors]
    lead = staff[qualified[0]]
    member = staff[qualified[1]] if len(qualified) > 1 else None
    return lead, member


# -- audits under way: checklists, findings, corrective actions, reports ---------------------------


@dataclass(frozen=True)
class Facts:
    """What an auditor's notes about one client refer to."""

    procedure: str
    system: str
    prefix: str  # of the client's complaint numbers
    manager: str


@dataclass(frozen=True)
class DemoFinding:
    """A question graded as a finding, and what happened to it after the audit."""

    question: str
    grade: str
    points: int | None
    evidence: str
    statement: str = ""
    requirement: str = ""
    # (correction, root cause, action, days from the answer to the target date)
    answer: tuple[str, str, str, int] | None = None
    answered_days_ago: int = 0
    accepted: str | None = None  # the auditor's comment; None leaves the answer waiting
    file: tuple[str, str] | None = None  # (name, heading) of a PDF the client sends


# An auditor's notes for a conforming answer, by question: {procedure}, {system}, {manager};
# {a} and {b} are complaint numbers from the client's register.
ROUTINE_NOTES = {
    "4.1-a": "{procedure} §2 lists the guiding principles and who ensures each; {manager} and "
    "two agents described them in their own words.",
    "4.2-a": "Complaints policy signed by the CEO; complaints are a standing item of the weekly "
    "management meeting (minutes of the last 8 weeks seen).",
    "4.3-a": "Staffing planned against monthly volumes; 23 complaints open on the audit day, "
    "none past its target date.",
    "4.4-a": "Website complaints page, posters at the sites visited and the contract terms all "
    "describe the process of {procedure}.",
    "4.5-a": "Channels: hotline, e-mail, web form, in person and by post; each one seen in use "
    "in the register.",
    "4.5-b": "Agents write the complaint down for callers who cannot do it themselves; {a} "
    "was taken this way.",
    "4.6-a": "Acknowledged automatically by SMS or e-mail; urgent cases flagged in {system} "
    "and passed to the duty manager the same day ({b}).",
    "4.7-a": "Complaints about a staff member go to another unit; conflict-of-interest "
    "declarations of the complaints team seen.",
    "4.8-a": "Complaining costs nothing: free hotline, no fee in the tariff for complaints "
    "or appeals.",
    "4.9-a": "{system} keeps a trail of changes; only the administrator can delete a record "
    "(role list seen).",
    "4.10-a": "Privacy notice on the complaint form; access to records by role; complainants' "
    "data not used for marketing (checked with the data protection officer).",
    "4.11-a": "Complaints presented as feedback in the monthly team briefing; agents "
    "interviewed did not see complaints as blame.",
    "4.12-a": "Responsibility table in {procedure} annex B names an owner for each step; "
    "monthly report to the board.",
    "4.13-a": "Improving complaints handling is one of this year's business objectives, "
    "with an owner and a budget.",
    "4.14-a": "Competence matrix for the complaints team; refresher training twice a year, "
    "attendance lists seen.",
    "4.15-a": "Targets: acknowledge in 2 working days, answer in 15; 94% answered on time "
    "last quarter (KPI dashboard).",
    "5.1-a": "Context review of January lists interested parties and the regulator's "
    "complaint rules.",
    "5.1-b": "Scope in {procedure} §1 matches the certification scope: all sites and channels.",
    "5.2-a": "The CEO chairs the quarterly complaints review and approved two more agents "
    "this year.",
    "5.2-b": "{manager} appointed by written order; duties and authority in the job "
    "description.",
    "5.3-a": "Policy approved by the CEO and reviewed this year; commits to fair, free and "
    "timely handling.",
    "5.3-b": "Policy on the intranet and the public website; agents interviewed knew where "
    "to find it.",
    "5.4-a": "{procedure} §4 sets responsibilities for each step; people interviewed knew "
    "their part.",
    "5.4-b": "Front-line staff described how they pass a complaint on; matches "
    "{procedure} §5.",
    "6.1-a": "Process map links complaints with sales, collections and IT change management.",
    "6.2-a": "Measurable objectives per function (answer time, reopen rate, satisfaction) in "
    "the annual plan.",
    "6.2-b": "Objectives followed monthly; an action plan was opened when the reopen rate "
    "passed 5% in February.",
    "6.3-a": "Activities identified, including the outsourced call overflow; its contract "
    "sets the complaint duties.",
    "6.4-a": "Budget for the complaints team and {system} approved; resources discussed at "
    "the last management review.",
    "6.4-b": "Training records of 10 sampled agents complete, communication module included.",
    "7.1-a": "How to complain, what to give and the time limits: same on the website, "
    "leaflets and {procedure}.",
    "7.2-a": "Sampled {a} and {b}: recorded on receipt with a unique number, channel, "
    "customer and description.",
    "7.2-b": "Remedy asked for has its own field in {system}; filled in on all 10 files "
    "sampled.",
    "7.3-a": "Status history in {system} shows every step from receipt to closure on the "
    "files sampled.",
    "7.4-a": "Receipt confirmed within the target on the 10 files sampled.",
    "7.5-a": "Severity and urgency assessed on receipt; priority field filled on all files "
    "sampled.",
    "7.6-a": "Investigation in proportion to the case: {a} (billing error) has the account "
    "review attached.",
    "7.7-a": "Remedies offered and recorded; the repeated cause of {b} passed to the product "
    "owner.",
    "7.7-b": "Escalation to {manager} after 10 working days or at the customer's request; "
    "seen in {b}.",
    "7.8-a": "Decision letters sent to the complainant and the staff concerned; dates in "
    "{system} match.",
    "7.8-b": "Final replies name the external dispute-resolution body and how to reach it "
    "(template L-03).",
    "7.9-a": "Closed on acceptance or with a documented final position; {a} closed with the "
    "customer's written acceptance.",
    "8.1-a": "Records kept 5 years per the retention schedule; exports from {system} allow "
    "analysis.",
    "8.1-b": "Classified by product, cause, channel and severity; codes used consistently on "
    "the files sampled.",
    "8.2-a": "Monthly analysis with trends by product and channel; last three reports seen.",
    "8.3-a": "Satisfaction survey by SMS after closure; results reported monthly.",
    "8.4-a": "Process KPIs followed against targets at the monthly complaints meeting.",
    "8.5-a": "Internal audit of complaints handling done by a trained auditor from another "
    "department; report seen.",
    "8.5-b": "Audit results reported to management; both actions of the last audit closed.",
    "8.6-a": "Management review of last December covers the inputs of 8.6; minutes seen.",
    "8.6-b": "Review decisions recorded with owners and dates; three of four done, one on "
    "track.",
    "8.7-a": "Improvements this year: callback option on the hotline, plain-language reply "
    "templates.",
}

STAGE1_SOURCES = {
    "4": "the guiding principles are covered in {procedure} §2",
    "5": "context, policy and responsibilities documented in {procedure} §1 and §3-5",
    "6": "objectives and resources set in the annual complaints plan",
    "7": "the process steps are described in {procedure} §6 and set up in {system}",
    "8": "monitoring, analysis, internal audit and review are described in {procedure} §8",
}
STAGE1_TAILS = (
    "Implementation to be sampled at stage 2.",
    "Confirmed in the opening interview with {manager}.",
    "Records of the last quarter seen; ready for stage 2.",
)

# Stage 1 of the Saint Petersburg energy supplier, under way: the auditor's notes so far.
NEVA_OBSERVATION = DemoFinding(
    "5.2-b", "observation", None,
    "Представитель по работе с жалобами (заместитель директора по клиентскому сервису) назначен "
    "устно; приказ с его полномочиями не предъявлен. Запрошен к этапу 2.",
    statement="Представитель руководства по работе с жалобами назначен без документа, "
    "определяющего его обязанности и полномочия.",
    requirement="ISO 10002:2018, п. 5.2; РК-07 ред. 2, приложение Б (матрица "
    "ответственности).",
)
NEVA_STAGE1 = [
    ("4.1-a", "conforming", "Руководство по работе с жалобами РК-07 ред. 2 (утв. 12.02) "
     "перечисляет принципы п. 4 ISO 10002 и ответственных за каждый. Начальник отдела по работе "
     "с клиентами О. В. Иванова пояснила, как они применяются."),
    ("4.2-a", "conforming", "Политика подписана генеральным директором. Жалобы — постоянный "
     "пункт еженедельного совещания руководства (протоколы за 2 месяца просмотрены)."),
    ("4.3-a", "conforming", "В контакт-центре 42 оператора, около 3 100 жалоб в год. "
     "На дату аудита 37 жалоб в работе, все в пределах срока."),
    ("4.4-a", "conforming", "Порядок подачи жалоб опубликован на сайте и на обороте "
     "квитанции; информационный стенд в офисе обслуживания на Невском пр."),
    ("4.5-a", "conforming", "Каналы: бесплатная линия 8-800, личный кабинет, e-mail, "
     "письменно в офисах обслуживания, почтой."),
    ("4.5-b", "conforming", "Операторы помогают изложить жалобу по телефону, в офисах — "
     "консультант зала. В РК-07 не описано; подтверждено беседами, проверить на этапе 2."),
    ("4.6-a", "conforming", "Подтверждение получения — автоматически (SMS/e-mail). Жалобы об "
     "угрозе безопасности передаются диспетчеру РЭС сразу (регламент Р-12)."),
    ("4.7-a", "conforming", "Жалобы на действия сотрудников рассматривает служба внутреннего "
     "контроля, а не подразделение, на которое жалуются."),
    ("4.8-a", "conforming", "Подача и рассмотрение жалоб бесплатны."),
    ("4.9-a", "conforming", "CRM «Энергосбыт-Клиент» ведёт журнал изменений; удалять записи "
     "может только администратор."),
    ("4.10-a", "conforming", "Согласие на обработку персональных данных (152-ФЗ) в форме "
     "жалобы; доступ к CRM по ролям."),
    ("4.11-a", "conforming", "Жалобы разбираются на планёрках как источник улучшений; "
     "премирование операторов не зависит от числа жалоб."),
    ("4.12-a", "conforming", "Матрица ответственности — приложение Б к РК-07. Ежемесячный "
     "отчёт о жалобах направляется правлению."),
    ("4.13-a", "conforming", "Цель «снизить повторные жалобы на 15 %» включена в цели "
     "компании на текущий год."),
    ("4.14-a", "conforming", "Программа обучения операторов; проверить записи об обучении "
     "на этапе 2."),
    ("4.15-a", "conforming", "Сроки: регистрация в день поступления, ответ — 10 рабочих "
     "дней (срочные — 3). За I квартал 91 % ответов в срок."),
    ("5.1-a", "conforming", "Анализ среды (март) учитывает требования регулятора и "
     "гарантирующего поставщика."),
    ("5.1-b", "conforming", "Область в РК-07 §1 совпадает с заявленной, включая Выборгское "
     "отделение."),
    ("5.2-a", "conforming", "Генеральный директор утверждает ежеквартальный отчёт о жалобах "
     "и бюджет контакт-центра."),
    (NEVA_OBSERVATION.question, NEVA_OBSERVATION.grade, NEVA_OBSERVATION.evidence),
    ("5.3-a", "conforming", "Политика утверждена 12.02, размещена на сайте."),
]
NEVA_ATTACHMENT = ("poryadok-podachi-zhalob.pdf", "Complaints procedure as published online")

CAUCASUS = Facts(
    "procedure CP-04 rev. 5", "the complaints module of the loan system", "CMF",
    "the complaints manager, Tamar Kapanadze",
)
CAUCASUS_STAGE1 = [
    DemoFinding(
        "8.5-a", "observation", None,
        "The first internal audit of complaints handling is planned for May and not done yet. "
        "To be seen at stage 2.",
        statement="No internal audit of the complaints-handling process has been done yet; "
        "the first is planned for May.",
        requirement="ISO 10002:2018 8.5 (internal audits at planned intervals).",
    ),
]
CAUCASUS_STAGE2 = [
    DemoFinding(
        "7.2-a", "major", None,
        "30 complaints received by phone at the Kutaisi and Rustavi branches last quarter "
        "compared with the branch call logs: 11 of 30 are not in the complaints module. Branch "
        "staff solved them on the phone and kept no record. Same gap at both branches visited.",
        statement="Complaints received by telephone at the branches are not recorded, so "
        "they are not tracked, analysed or reported.",
        requirement="ISO 10002:2018 7.2; procedure CP-04 rev. 5 §6.1 (every complaint is "
        "registered on receipt).",
        answer=(
            "The 11 complaints found were entered in the complaints module and every "
            "complainant was called back: 9 confirmed satisfied, 2 are open and tracked.",
            "Branch staff were trained on written and online complaints only, and the system "
            "had no quick form for calls, so calls solved at once were thought to need no "
            "record. The branch scorecard counted recorded complaints against the branch.",
            "Quick phone-complaint form added to the system (release 4.2); all 38 branch staff "
            "retrained; the scorecard now counts complaints resolved, not received; for six "
            "months the complaints manager reconciles branch call logs with the register "
            "every month.",
            45,
        ),
        answered_days_ago=6,
        accepted="The plan addresses the cause at every branch. The release notes, the "
        "training records and the first monthly reconciliations will be verified by document "
        "review before the target date.",
        file=("branch-retraining-plan.pdf", "Branch retraining plan: phone complaints"),
    ),
    DemoFinding(
        "8.5-a", "minor", None,
        "The internal audit of complaints handling (report IA-03, May) was done by the "
        "complaints manager, who audited her own process.",
        statement="The internal auditor was not independent of the activity audited.",
        requirement="ISO 10002:2018 8.5 (auditors independent of the activity audited).",
        answer=(
            "An auditor from the credit risk department audited complaints handling again; "
            "report IA-07 attached.",
            "Procedure IA-01 let process owners audit their own area when no other trained "
            "auditor was free, and only two staff were trained as internal auditors.",
            "Two more staff trained as internal auditors; IA-01 now forbids auditing one's own "
            "work; next year's audit programme names an independent auditor for every process.",
            75,
        ),
        answered_days_ago=1,
        file=("internal-audit-IA-07.pdf", "Internal audit report IA-07"),
    ),
    DemoFinding(
        "7.4-a", "observation", None,
        "Target: acknowledge within 2 working days (CP-04 §6.3). 3 of 25 online complaints "
        "sampled were acknowledged on day 4 or 5, all in the week of the system upgrade in "
        "March. No later cases found; keep watching.",
        statement="Some online complaints were acknowledged later than the procedure "
        "requires while the system was being upgraded.",
        requirement="ISO 10002:2018 7.4; procedure CP-04 rev. 5 §6.3 (acknowledgement within "
        "2 working days).",
    ),
    DemoFinding(
        "8.2-a", "ofi", None,
        "The monthly analysis counts complaints by product and branch only. Classifying them "
        "by cause (fee disclosure, repayment schedule, collection calls) would show which "
        "products and scripts cause complaints.",
        statement="Analysing complaints by cause, not only by product and branch, would help "
        "find and remove the causes of recurring complaints.",
        requirement="ISO 10002:2018 8.2.",
    ),
]

MEKONG = Facts(
    "procedure QT-CSKH-02 v3", "the helpdesk system", "MK",
    "the customer-care manager, Trần Thị Hoa",
)
MEKONG_STAGE1 = [
    DemoFinding(
        "4.5-a", "ofi", None,
        "Many customers write to the Zalo official account, which is not yet listed as a "
        "complaints channel; those messages are handled but not registered.",
        statement="Listing the Zalo official account as a complaints channel would bring the "
        "complaints received there into the register and its analysis.",
        requirement="ISO 10002:2018 4.5 (accessibility).",
    ),
]
MEKONG_STAGE2 = [
    DemoFinding(
        "6.4-b", "minor", 2,
        "No training record for 4 of 10 customer-service agents sampled who joined since "
        "January; two of them could not describe the escalation route.",
        statement="Agents hired this year handle complaints without recorded training in the "
        "process.",
        requirement="ISO 10002:2018 6.4; QT-CSKH-02 v3 §4.3 (training before handling "
        "complaints).",
        answer=(
            "The 4 agents attended the complaints-handling course and passed its test; "
            "records filed.",
            "After the HR system changed in January the onboarding checklist for new agents "
            "no longer included the complaints module.",
            "Complaints module put back in the onboarding checklist; HR checks every month "
            "that each new agent completed it within 30 days and reports to the customer-care "
            "manager.",
            60,
        ),
        answered_days_ago=20,
        accepted="Accepted; the monthly HR check will be sampled at the first surveillance.",
        file=("training-records-new-agents.pdf", "Training records: new agents"),
    ),
    DemoFinding(
        "7.8-b", "minor", 2,
        "8 of 12 final replies sampled that turned a claim down do not tell the customer of "
        "further options (mediation, the consumer protection authority).",
        statement="Final replies do not tell complainants what they can do if they are not "
        "satisfied.",
        requirement="ISO 10002:2018 7.8.",
        answer=(
            "The 8 customers were sent a letter with the options open to them.",
            "The reply template for rejected warranty claims was written by the service "
            "centre and never checked against the procedure.",
            "All reply templates reviewed by the customer-care manager and approved centrally; "
            "the paragraph on further options is now a locked part of every final reply.",
            45,
        ),
        answered_days_ago=19,
        accepted="Accepted: the new templates were seen; use will be sampled at surveillance.",
    ),
    DemoFinding(
        "8.3-a", "ofi", 3,
        "The SMS satisfaction survey gets 9% answers. A short call-back survey on a sample of "
        "closed complaints would give steadier results.",
        statement="A survey with more answers would measure complainants' satisfaction with "
        "the process more reliably.",
        requirement="ISO 10002:2018 8.3.",
    ),
]
# Maturity points of the star scheme where the team gave other than 3.
MEKONG_POINTS = {
    "stage1": {"4.14-a": 2, "6.2-b": 2, "8.5-a": 2, "8.6-b": 2, "4.8-a": 4},
    "stage2": {"4.8-a": 4, "4.10-a": 4, "7.2-a": 4, "7.4-a": 4, "7.3-a": 4, "8.1-b": 4},
}


def _audits(spec: DemoOrg, org, client, staff, today: date) -> None:
    """Take the organisation's first audits through the on-site work to where `spec.stage` says."""
    from certification.programme.models import Audit

    planner = staff["planner@demo.test"]
    team = [staff[email] for email in spec.team]
    stage1, stage2 = db.session.scalars(
        db.select(Audit).where(Audit.organisation_id == org.id).order_by(Audit.sequence)
    ).all()[:2]
    if spec.stage == "stage1_in_progress":
        _on_site(planner, team, stage1, today - timedelta(days=1), 2, today - timedelta(days=38))
        entries = [(q, grade, None, note) for q, grade, note in NEVA_STAGE1]
        _answer(team, stage1, entries, today)
        _write_up(team[0], stage1, [NEVA_OBSERVATION])
        _attach(team[0], stage1, "4.4-a", NEVA_ATTACHMENT)
        return
    if spec.stage == "stage2_in_progress":
        _caucasus(planner, team, client, stage1, stage2, today)
    else:
        _mekong(planner, team, client, stage1, stage2, today)


def _caucasus(planner, team, client, stage1, stage2, today: date) -> None:
    """Stage 1 with the committee; stage 2 done on site, its findings being answered."""
    from certification.reports.services import FiguresInput

    day = today - timedelta(days=100)
    _on_site(planner, team, stage1, day, 2, today - timedelta(days=135))
    entries = _stage1_entries(stage1, CAUCASUS, CAUCASUS_STAGE1, {})
    _answer(team, stage1, entries, today)
    _write_up(team[0], stage1, CAUCASUS_STAGE1)
    _figures(team[0], stage1, FiguresInput(*_period(day), 1184, 1139, Decimal("6.5"),
                                           Decimal("71.0")))
    _report(team[0], stage1, day + timedelta(days=3),
            "Stage 1: the complaints-handling system is documented and in use at the head "
            "office and both branches. Ready for stage 2; the internal audit must be done "
            "before it.")
    day = today - timedelta(days=14)
    _on_site(planner, team, stage2, day, 3, today - timedelta(days=95))
    entries = _stage2_entries(stage2, CAUCASUS, CAUCASUS_STAGE2, {})
    _answer(team, stage2, entries, today)
    _attach(team[0], stage2, "7.2-a", ("branch-call-log-sample.pdf",
                                       "Sample: branch call logs against the register"))
    _figures(team[1], stage2, FiguresInput(*_period(day), 1262, 1240, Decimal("5.0"),
                                           Decimal("74.5")))
    _follow_up(team[0], client, stage2, CAUCASUS_STAGE2, today)


def _mekong(planner, team, client, stage1, stage2, today: date) -> None:
    """Both stages on the star scheme; the stage 2 report waits for the committee."""
    from certification.reports.services import FiguresInput

    day = today - timedelta(days=90)
    _on_site(planner, team, stage1, day, 2, today - timedelta(days=135))
    entries = _stage1_entries(stage1, MEKONG, MEKONG_STAGE1, MEKONG_POINTS["stage1"])
    _answer(team, stage1, entries, today)
    _write_up(team[0], stage1, MEKONG_STAGE1)
    _figures(team[0], stage1, FiguresInput(*_period(day), 4870, 4812, Decimal("3.0"),
                                           Decimal("78.0")))
    _report(team[0], stage1, day + timedelta(days=2),
            "Stage 1: procedure QT-CSKH-02 v3 and the helpdesk system cover all stores, "
            "delivery and repairs. Ready for stage 2.")
    day = today - timedelta(days=30)
    _on_site(planner, team, stage2, day, 3, today - timedelta(days=85))
    entries = _stage2_entries(stage2, MEKONG, MEKONG_STAGE2, MEKONG_POINTS["stage2"])
    _answer(team, stage2, entries, today)
    _figures(team[1], stage2, FiguresInput(*_period(day), 5034, 4990, Decimal("2.5"),
                                           Decimal("81.5")))
    _follow_up(team[0], client, stage2, MEKONG_STAGE2, today)
    _report(team[0], stage2, today - timedelta(days=15),
            "Complaints handling is well established in the stores, delivery and the repair "
            "centre. Two minor nonconformities, both with accepted plans.")


def _on_site(planner, team, audit, start: date, days: int, scheduled_on: date) -> None:
    """Scheduled weeks ahead, started by the lead on its first day."""
    from certification.audits.services import start_audit
    from certification.programme.services import schedule_audit

    lead, members = team[0], team[1:]
    schedule_audit(planner, audit, start, start + timedelta(days=days - 1), lead.id,
                   [(m.id, "auditor") for m in members], {}, today=scheduled_on)
    start_audit(lead, audit, start)


def _number(facts: Facts, year: int, seed: int) -> str:
    return f"{facts.prefix}-{year}-{(seed * 389) % 9000 + 1000}"


def _routine(question, index: int, facts: Facts, year: int) -> str:
    return ROUTINE_NOTES[question.id].format(
        procedure=facts.procedure, system=facts.system, manager=facts.manager,
        a=_number(facts, year, index), b=_number(facts, year, index + 17),
    )


def _stage1_entries(audit, facts: Facts, findings: list[DemoFinding], points: dict) -> list:
    from certification.audits.services import checklist_of

    checklist = checklist_of(audit)
    raised = {f.question: f for f in findings}
    entries = []
    for index, question in enumerate(checklist.questions()):
        if question.id in raised:
            grade, note = raised[question.id].grade, raised[question.id].evidence
        else:
            source = STAGE1_SOURCES[question.clause.split(".")[0]]
            tail = STAGE1_TAILS[index % len(STAGE1_TAILS)]
            note = f"Stage 1 document review: {source}. {tail}".format(
                procedure=facts.procedure, system=facts.system, manager=facts.manager
            )
            grade = "conforming"
        entries.append((question.id, grade, _points(checklist, question, points), note))
    return entries


def _stage2_entries(audit, facts: Facts, findings: list[DemoFinding], points: dict) -> list:
    from certification.audits.services import checklist_of

    checklist = checklist_of(audit)
    raised = {f.question: f for f in findings}
    entries = []
    for index, question in enumerate(checklist.questions()):
        if question.id in raised:
            finding = raised[question.id]
            entries.append((question.id, finding.grade, finding.points, finding.evidence))
            continue
        note = _routine(question, index, facts, audit.start_date.year)
        entries.append((question.id, "conforming", _points(checklist, question, points), note))
    return entries


def _points(checklist, question, points: dict) -> int | None:
    return points.get(question.id, 3) if checklist.scored else None


def _answer(team, audit, entries, today: date) -> None:
    """Saved through the checklist service, the team sharing the clauses, over the audit days."""
    from certification.audits.services import save_answer

    days = (audit.end_date - audit.start_date).days + 1
    for index, (question_id, grade, points, evidence) in enumerate(entries):
        day = min(audit.start_date + timedelta(days=index * days // len(entries)), today)
        section = int(question_id.split(".")[0])
        save_answer(team[section % len(team)], audit, question_id, grade=grade, points=points,
                    evidence=evidence, expected_version=0, today=day)


def _attach(auditor, audit, question_id: str, file: tuple[str, str]) -> None:
    from certification.audits.services import add_attachments

    name, heading = file
    add_attachments(auditor, audit, question_id, [(name, minimal_pdf(name, heading))])


def _period(audit_day: date) -> tuple[date, date]:
    """The twelve full months before the audit's month."""
    first = audit_day.replace(day=1)
    return first.replace(year=first.year - 1), first - timedelta(days=1)


def _figures(auditor, audit, values) -> None:
    from certification.reports.services import record_figures

    record_figures(auditor, audit, values)


def _write_up(auditor, audit, findings: list[DemoFinding]) -> dict:
    """A team member writes every finding up: statement, objective evidence, requirement."""
    from certification.findings.models import Finding
    from certification.findings.services import edit_finding

    by_question = {
        f.question_id: f
        for f in db.session.scalars(db.select(Finding).where(Finding.audit_id == audit.id))
    }
    for spec in findings:
        edit_finding(auditor, by_question[spec.question], spec.statement, spec.evidence,
                     spec.requirement)
    return by_question


def _follow_up(lead, client, audit, findings: list[DemoFinding], today: date) -> None:
    """The team writes the findings up; the client answers; the lead reviews some answers."""
    from certification.findings.services import accept_plan, answer_finding

    by_question = _write_up(lead, audit, findings)
    for spec in findings:
        finding = by_question[spec.question]
        if spec.answer is None:
            continue
        correction, cause, action, target_in = spec.answer
        day = today - timedelta(days=spec.answered_days_ago)
        files = [(spec.file[0], minimal_pdf(spec.file[0], spec.file[1]))] if spec.file else []
        answer_finding(client, finding, correction, cause, action,
                       day + timedelta(days=target_in), files, today=day)
        if spec.accepted is not None:
            accept_plan(lead, finding, spec.accepted)


def _report(lead, audit, day: date, summary: str) -> None:
    """The lead confirms the recommendation the findings give and hands it to the committee."""
    from certification.reports.services import report_data, submit_report

    computed = report_data(audit).computed
    submit_report(lead, audit, recommendation=computed, override_reason="", summary=summary,
                  today=day)


def rebuild_database() -> None:
    """Drop everything and build the schema through the migrations, as production does."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect, text

    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        if inspect(connection).has_table("alembic_version"):
            connection.execute(text("DROP TABLE alembic_version"))
    upgrade()
