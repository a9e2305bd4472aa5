"""The organisations the demo registers, and the steps that take one through the cycle.

`advance` goes through the real services: application, review, quote, contract and, for the
stages that end there, the audit programme. Audits under way are told in `stories/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from certification.accounts.models import Role, User
from certification.demo.documents import minimal_pdf
from certification.demo.onsite import first_free_days
from certification.demo.people import (
    DEMO_PASSWORD,
    QUALIFICATIONS,
    TECHNICAL_EXPERT_QUALIFICATIONS,
    team_for,
)
from certification.extensions import db
from certification.i18n.languages import LANGUAGES


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
        "Anadolu Perakende Mağazaları A.Ş.",
        "Anatolia Retail Stores Inc.",
        "TR",
        "İstanbul",
        "Büyükdere Cad. No. 185, 34394 Şişli",
        "29",
        320,
        "tr",
        "TRY",
        "Handling of customer complaints for retail stores and the online shop",
        "scheduled",
        [("Ankara mağazası", "Ankara", 60), ("İzmir mağazası", "İzmir", 45)],
        trading_name="AnadoluMarket",
        client_email="musteri@anadolu-perakende.com.tr",
    ),
    DemoOrg(
        "Ege Sigorta Hizmetleri A.Ş.",
        "Aegean Insurance Services Inc.",
        "TR",
        "İzmir",
        "Cumhuriyet Bulvarı No. 42, 35210 Konak",
        "32",
        85,
        "tr",
        "TRY",
        "Complaints handling for insurance policy holders and claimants",
        "submitted",
        client_email="sikayet@egesigorta.com.tr",
    ),
    DemoOrg(
        "Karadeniz Enerji Dağıtım A.Ş.",
        "Black Sea Energy Distribution Inc.",
        "TR",
        "Trabzon",
        "Kahramanmaraş Cad. No. 7, 61040 Ortahisar",
        "25",
        1200,
        "tr",
        "TRY",
        "Customer complaints for electricity distribution and metering services",
        "issued",
        [
            ("Rize bölge müdürlüğü", "Rize", 210),
            ("Giresun bölge müdürlüğü", "Giresun", 180),
            ("Ordu bölge müdürlüğü", "Ordu", 160),
            ("Artvin işletme şefliği", "Artvin", 90),
        ],
        client_email="kalite@karadenizenerji.com.tr",
    ),
    DemoOrg(
        "Başkent Özel Hastanesi A.Ş.",
        "Capital Private Hospital Inc.",
        "TR",
        "Ankara",
        "Atatürk Bulvarı No. 211, 06680 Çankaya",
        "38",
        450,
        "tr",
        "EUR",
        "Patient and visitor complaints handling across outpatient and inpatient services",
        "two_scheduled",
        client_email="hasta.haklari@baskenthastanesi.com.tr",
    ),
    DemoOrg(
        "Kapadokya Balon Turizm Ltd. Şti.",
        "Cappadocia Balloon Tours Ltd.",
        "TR",
        "Nevşehir",
        "Adnan Menderes Cad. No. 15, 50180 Göreme",
        "30",
        12,
        "tr",
        "TRY",
        "Complaints handling for balloon flights and guided tours",
        "withdrawn",
    ),
    DemoOrg(
        "Thames Valley Water Services Ltd",
        "Thames Valley Water Services Ltd",
        "GB",
        "Reading",
        "12 Kennet Side, Reading RG1 3DW",
        "27",
        600,
        "en",
        "GBP",
        "Handling of customer complaints for water supply and wastewater services",
        "draft_quote",
        [("Oxford depot", "Oxford", 120)],
        client_email="complaints@tvws.example.co.uk",
    ),
    DemoOrg(
        "Northwind Telecom plc",
        "Northwind Telecom plc",
        "GB",
        "Manchester",
        "1 Spinningfields Square, Manchester M3 3AP",
        "33",
        2300,
        "en",
        "GBP",
        "Complaints handling for mobile and broadband customers",
        "rejected_quote",
    ),
    DemoOrg(
        "ООО «Северная звезда Логистик»",
        "Northern Star Logistics LLC",
        "RU",
        "Москва",
        "ул. Тверская, д. 18, стр. 1, Москва, 125009",
        "31",
        150,
        "ru",
        "EUR",
        "Рассмотрение жалоб клиентов на услуги грузоперевозок",
        "submitted",
    ),
    DemoOrg(
        "АО «Волга Телеком»",
        "Volga Telecom JSC",
        "RU",
        "Казань",
        "ул. Баумана, д. 44, Казань, 420111",
        "33",
        900,
        "ru",
        "EUR",
        "Handling of subscriber complaints for fixed and mobile services",
        "expired_quote",
    ),
    DemoOrg(
        "შპს „თბილისის წყალი“",
        "Tbilisi Water LLC",
        "GE",
        "თბილისი",
        "მედეა ჯაფარიძის ქ. 10, თბილისი 0171",
        "27",
        700,
        "ka",
        "EUR",
        "Customer complaints handling for water supply in Tbilisi",
        "contracted",
        [("ბათუმის ფილიალი", "ბათუმი", 90)],
        client_email="quality@tbilisiwater.example.ge",
    ),
    DemoOrg(
        "სს „ქართული საბანკო სერვისი“",
        "Georgian Banking Service JSC",
        "GE",
        "ბათუმი",
        "რუსთაველის ქ. 25, ბათუმი 6000",
        "32",
        60,
        "ka",
        "EUR",
        "Complaints handling for retail banking customers",
        "review_rejected",
    ),
    DemoOrg(
        "Công ty TNHH Dịch vụ Khách hàng Sài Gòn",
        "Saigon Customer Services Co., Ltd.",
        "VN",
        "Thành phố Hồ Chí Minh",
        "123 Đường Nguyễn Huệ, Quận 1, Thành phố Hồ Chí Minh",
        "35",
        45,
        "vi",
        "USD",
        "Complaints handling for contact-centre services",
        "issued",
        client_email="chatluong@saigoncs.example.vn",
    ),
    DemoOrg(
        "Tổng Công ty Hàng không Sông Hồng",
        "Red River Airlines Corporation",
        "VN",
        "Hà Nội",
        "200 Đường Nguyễn Sơn, Long Biên, Hà Nội",
        "31",
        2500,
        "vi",
        "USD",
        "Passenger complaints handling for scheduled flights and ground services",
        "two_scheduled",
        [("Chi nhánh Đà Nẵng", "Đà Nẵng", 400)],
    ),
    DemoOrg(
        "شركة الخليج لخدمات العملاء",
        "Gulf Customer Services Company",
        "AE",
        "Dubai",
        "Sheikh Zayed Road, Tower 3, Dubai",
        "35",
        120,
        "ar",
        "USD",
        "Complaints handling for outsourced customer-care services",
        "approved",
    ),
]

# Stages whose audits are under way, and how long before "today" their application came in.
APPLIED_DAYS_AGO = {"stage1_in_progress": 50, "stage2_in_progress": 150, "report_submitted": 150}
HEAD_OFFICE = {
    "tr": "Genel müdürlük",
    "ru": "Головной офис",
    "ka": "სათაო ოფისი",
    "vi": "Trụ sở chính",
    "ar": "المقر الرئيسي",
}


def enrol(planner: User, spec: DemoOrg, orgs: dict, logins: dict):
    """Register the organisation (and its client login, if any) and list it by English name."""
    org, client = register(planner, spec)
    orgs[spec.english_name] = org
    if client is not None:
        logins.setdefault(Role.CLIENT.value, []).append((client.email, spec.legal_name))
    return org, client


def register(planner: User, spec: DemoOrg):
    from certification.organisations.services import register_organisation

    head = {
        "name": HEAD_OFFICE.get(spec.language, "Head office"),
        "address": spec.address,
        "city": spec.city,
        "country": spec.country,
        "personnel": spec.personnel - sum(p for _, _, p in spec.sites),
        "scope": spec.scope,
        "is_head_office": True,
    }
    sites = [head] + [
        {
            "name": n,
            "address": f"{n}, {c}",
            "city": c,
            "country": spec.country,
            "personnel": p,
            "scope": spec.scope,
            "is_head_office": False,
        }
        for n, c, p in spec.sites
    ]
    data = {
        "legal_name": spec.legal_name,
        "english_name": spec.english_name,
        "trading_name": spec.trading_name,
        "country": spec.country,
        "city": spec.city,
        "address": spec.address,
        "sector_code": spec.sector,
        "effective_personnel": spec.personnel,
        "preferred_language": spec.language,
        "currency": spec.currency,
        "contact_name": "",
        "contact_email": spec.client_email,
        "contact_phone": "",
    }
    org = register_organisation(planner, data, sites)
    client = None
    if spec.client_email:
        client = User(
            email=spec.client_email,
            name=f"{spec.english_name} quality office",
            role=Role.CLIENT.value,
            organisation=org,
            # Each client reads the portal in its own language where the interface speaks it.
            locale=spec.language if spec.language in LANGUAGES else "en",
        )
        client.set_password(DEMO_PASSWORD)
        db.session.add(client)
        db.session.flush()
    return org, client


def advance(spec: DemoOrg, org, client, staff, today: date) -> None:
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
        applicant,
        org,
        spec.scheme,
        "2018",
        spec.scope,
        [s.id for s in org.sites],
        upload,
        today=started,
    )
    if spec.stage == "submitted":
        return
    if spec.stage == "withdrawn":
        withdraw_application(
            applicant, application, reason="The company postponed certification to next season."
        )
        return
    if spec.stage == "review_rejected":
        review_application(
            planner,
            application,
            approve=False,
            competence_confirmed=False,
            notes="No qualified auditor for this sector in the client's language "
            "this year; the client was informed.",
            today=started,
        )
        return
    review_application(
        planner,
        application,
        approve=True,
        competence_confirmed=True,
        notes="Scope, sites and sector are within our accreditation; auditors available.",
        today=started + timedelta(days=2),
    )
    if spec.stage == "approved":
        return
    adjust, why = (0, "")
    if spec.personnel > 1000:
        adjust, why = (
            -15,
            "Centralised complaints desk and one complaints IT system for "
            "all sites; low-risk activities at the regional offices.",
        )
    quote = prepare_quote(
        planner, application, adjust, why, spec.currency, "", today=started + timedelta(days=3)
    )
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
        reject_quote(
            planner,
            quote,
            "Client chose another certification body (by e-mail).",
            today=issued_on + timedelta(days=5),
        )
        return
    from certification.agreements.services import Consent, current_version

    # 17021-1 5.1.2: the client accepts the certification agreement with its first quote.
    # Without a client login the planner records the agreement the client signed on paper.
    consent = Consent(current_version().version, "192.0.2.10" if client else "", spec.language)
    accept_quote(
        applicant,
        quote,
        "Accepted by the general manager.",
        today=issued_on + timedelta(days=6),
        agreement=consent,
    )
    if spec.stage == "contracted" or spec.stage in APPLIED_DAYS_AGO:
        return  # audits under way go on in their story (stories/)
    _schedule(spec, org, staff, today)


def _schedule(spec: DemoOrg, org, staff, today: date) -> None:
    from certification.programme.models import Audit
    from certification.programme.services import schedule_audit

    planner = staff["planner@demo.test"]
    lead, member = team_for(spec.sector, staff)
    audits = db.session.scalars(
        db.select(Audit).where(Audit.organisation_id == org.id).order_by(Audit.sequence)
    ).all()
    stage1, stage2 = audits[0], audits[1]
    # Two audits on the same days cannot share an auditor (17021-1 9.2.2): the next days the
    # team (or fit stand-ins) is free.
    start1, (lead, *members) = first_free_days(
        [lead, member] if member else [lead], stage1, today + timedelta(days=5), 2
    )
    schedule_audit(
        planner,
        stage1,
        start1,
        start1 + timedelta(days=1),
        lead.id,
        [(m.id, "auditor") for m in members],
        {},
        today=today,
    )
    if spec.stage != "two_scheduled":
        return
    start2, (lead, *members) = first_free_days(
        [lead, *members], stage2, start1 + timedelta(days=30), 3
    )
    end2 = start2 + timedelta(days=2)
    team = [(m.id, "auditor") for m in members]
    # A technical expert sits on their own record for the sector (17021-1 7.2.5); no written
    # reason would put an unqualified person on the team (7.1).
    expert = staff["john.carter@demo.test"]
    if (
        spec.sector not in QUALIFICATIONS["john.carter@demo.test"]
        and spec.sector in TECHNICAL_EXPERT_QUALIFICATIONS["john.carter@demo.test"]
        and _free(expert, stage2, start2, end2)
    ):
        team.append((expert.id, "expert"))
    schedule_audit(planner, stage2, start2, end2, lead.id, team, {}, today=today)


def _free(person, audit, start: date, end: date) -> bool:
    from certification.programme.team import bookings_of

    return not bookings_of([person.id], start, end, audit.id).get(person.id)
