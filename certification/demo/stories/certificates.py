"""The demo's certificates: one in every status and a recertified organisation.

Every certificate comes from a committee decision on a submitted audit file (or, for the
withdrawal, from one taken at the client's request), taken by a committee member who was on no
audit team; the lifecycle verbs and the nightly sweep do the rest. Each story is dated in the
past so that its dates hang together: application, stage 1 and 2, grant, surveillance, ...

Who ends where (the README names them):
- active: Mekong Electronics JSC (star scheme, with its rating band), granted days ago;
- active and confidential: Bosphorus Asset Management Inc., its surveillance 1 report waiting
  for the committee;
- suspended: Marmara Cargo and Logistics Inc. (surveillance 1 missed);
- withdrawn: Baikal Tourist Centre LLC (at its own request);
- expired: Colchis Insurance JSC (cycle started over three years ago, not renewed);
- superseded: Ha Long Supermarkets Co., Ltd. (scope extended at surveillance 1: revision 1);
- recertified: Siberian Passenger Company JSC (its first certificate renewed, so superseded).
"""

from __future__ import annotations

from datetime import date, timedelta

from certification.demo.lifecycle import Story
from certification.demo.notes import DemoFinding, Facts
from certification.demo.onsite import free_team
from certification.demo.organisations import DemoOrg, enrol
from certification.extensions import db
from certification.workflow import add_months, add_years

CERTIFIED_ORGANISATIONS = [
    DemoOrg(
        "Marmara Kargo ve Lojistik A.Ş.",
        "Marmara Cargo and Logistics Inc.",
        "TR",
        "Bursa",
        "Nilüfer OSB, Mavi Cad. No. 12, 16140 Nilüfer",
        "31",
        260,
        "tr",
        "TRY",
        "Handling of customer complaints for parcel delivery and freight services",
        "contracted",
        [("Kocaeli aktarma merkezi", "Kocaeli", 80)],
        client_email="kalite@marmarakargo.example.com.tr",
        team=("elena.petrova@demo.test", "nguyen.an@demo.test"),
    ),
    DemoOrg(
        "ООО «Байкальский туристический центр»",
        "Baikal Tourist Centre LLC",
        "RU",
        "Иркутск",
        "ул. Карла Маркса, д. 21, Иркутск, 664003",
        "35",
        70,
        "ru",
        "EUR",
        "Рассмотрение жалоб туристов на экскурсионные и гостиничные услуги",
        "contracted",
        team=("nguyen.an@demo.test", "john.carter@demo.test"),
    ),
    DemoOrg(
        "სს „კოლხეთის სადაზღვევო კომპანია“",
        "Colchis Insurance JSC",
        "GE",
        "ქუთაისი",
        "რუსთაველის გამზ. 12, ქუთაისი 4600",
        "32",
        110,
        "ka",
        "EUR",
        "Complaints handling for motor and health insurance policyholders",
        "contracted",
        team=("nino.beridze@demo.test", "auditor@demo.test"),
    ),
    DemoOrg(
        "Công ty TNHH Siêu thị Hạ Long",
        "Ha Long Supermarkets Co., Ltd.",
        "VN",
        "Hạ Long",
        "18 Đường Trần Hưng Đạo, Phường Trần Hưng Đạo, Hạ Long, Quảng Ninh",
        "29",
        520,
        "vi",
        "USD",
        "Complaints handling for supermarkets in Hạ Long, Cẩm Phả and Uông Bí",
        "contracted",
        [("Siêu thị Cẩm Phả", "Cẩm Phả", 90), ("Siêu thị Uông Bí", "Uông Bí", 70)],
        client_email="cskh@sieuthihalong.example.vn",
        team=("john.carter@demo.test", "auditor@demo.test"),
    ),
    DemoOrg(
        "Boğaziçi Varlık Yönetimi A.Ş.",
        "Bosphorus Asset Management Inc.",
        "TR",
        "İstanbul",
        "Levent Mah. Meltem Sok. No. 10, 34330 Beşiktaş",
        "32",
        95,
        "tr",
        "TRY",
        "Handling of complaints from private-banking and asset-management clients",
        "contracted",
        client_email="uyum@bogazicivarlik.example.com.tr",
        team=("auditor@demo.test", "nino.beridze@demo.test"),
    ),
    DemoOrg(
        "АО «Сибирская пассажирская компания»",
        "Siberian Passenger Company JSC",
        "RU",
        "Новосибирск",
        "ул. Дмитрия Шамшурина, д. 43, Новосибирск, 630004",
        "31",
        1600,
        "ru",
        "EUR",
        "Рассмотрение жалоб пассажиров пригородных поездов и вокзальных служб",
        "contracted",
        [("Омский участок", "Омск", 300), ("Томский участок", "Томск", 200)],
        client_email="passazhir@sibpk.example.ru",
        team=("elena.petrova@demo.test", "nguyen.an@demo.test"),
    ),
]

FACTS = {
    "Marmara Cargo and Logistics Inc.": Facts(
        "procedure PR-MK-04 rev. 3",
        "the CRM ticket system",
        "MKL",
        "the customer-relations manager, Elif Şahin",
    ),
    "Baikal Tourist Centre LLC": Facts(
        "procedure СМК-П-12",
        "the complaints module of the booking system",
        "BTC",
        "the quality manager, Ирина Соколова",
    ),
    "Colchis Insurance JSC": Facts(
        "procedure CP-02 rev. 4",
        "the claims and complaints register",
        "COL",
        "the customer-protection officer, გიორგი ლომიძე",
    ),
    "Ha Long Supermarkets Co., Ltd.": Facts(
        "procedure QT-KN-01 v2",
        "the store helpdesk system",
        "HLS",
        "the customer-service manager, Phạm Thu Hằng",
    ),
    "Bosphorus Asset Management Inc.": Facts(
        "procedure MŞY-07",
        "the client-relations CRM",
        "BVY",
        "the compliance manager, Can Öztürk",
    ),
    "Siberian Passenger Company JSC": Facts(
        "procedure СТО-ЖП-05",
        "the passenger service system",
        "SPK",
        "the head of passenger relations, Андрей Кузнецов",
    ),
}

# Annual complaints figures the clients report: (received, closed, median days, satisfaction %).
FIGURES = {
    "Marmara Cargo and Logistics Inc.": (2210, 2164, "4.0", "72.0"),
    "Baikal Tourist Centre LLC": (310, 305, "6.0", "80.5"),
    "Colchis Insurance JSC": (1480, 1431, "9.5", "66.0"),
    "Ha Long Supermarkets Co., Ltd.": (3920, 3889, "2.0", "83.0"),
    "Bosphorus Asset Management Inc.": (142, 141, "5.0", "88.5"),
    "Siberian Passenger Company JSC": (8640, 8502, "7.0", "69.5"),
}

SURVEILLANCE_NOTE = [
    DemoFinding(
        "8.2-a",
        "ofi",
        None,
        "The monthly analysis counts complaints by route and station; linking them to the "
        "punctuality figures would show which delays cause most complaints.",
        statement="Analysing complaints against the punctuality figures would show which "
        "delays cause most complaints and where to act first.",
        requirement="ISO 10002:2018 8.2.",
    ),
]
RECERTIFICATION_NOTE = [
    DemoFinding(
        "7.4-a",
        "observation",
        None,
        "2 of 20 complaints sampled from the Tomsk section were acknowledged on day 3 "
        "(target 2 working days), both during the timetable change in December.",
        statement="Some complaints were acknowledged later than the 2-working-day target "
        "during the December timetable change.",
        requirement="ISO 10002:2018 7.4; procedure СТО-ЖП-05 (acknowledgement within 2 "
        "working days).",
    ),
]


def certify(staff, orgs: dict, logins: dict, today: date) -> None:
    """Add the organisations above and take every certificate story through to `today`."""
    from certification.certificates.services import sweep

    by_name, clients = {}, {}
    for spec in CERTIFIED_ORGANISATIONS:
        _, client = enrol(staff["planner@demo.test"], spec, orgs, logins)
        by_name[spec.english_name] = spec
        if client is not None:
            clients[spec.english_name] = client
    story = Story(staff, orgs, clients, today, FACTS, FIGURES)
    # The suspension comes first: its sweep, months ago, must see no other certificate.
    _suspended(story, by_name["Marmara Cargo and Logistics Inc."])
    _withdrawn(story, by_name["Baikal Tourist Centre LLC"])
    _expired(story, by_name["Colchis Insurance JSC"])
    _superseded(story, by_name["Ha Long Supermarkets Co., Ltd."])
    _confidential(story, by_name["Bosphorus Asset Management Inc."])
    _recertified(story, by_name["Siberian Passenger Company JSC"])
    _decide_waiting_files(story)
    sweep(today)  # the night's run: Colchis's certificate lapsed after its expiry
    db.session.flush()


def _suspended(story: Story, spec: DemoOrg) -> None:
    """Granted 15 months ago; surveillance 1 missed, flagged by the sweep, suspended by the
    committee's decision until a limit; the overdue surveillance is now booked for next month."""
    from certification.certificates.services import sweep
    from certification.decisions.services import decide_on_certificate
    from certification.programme.services import schedule_audit
    from certification.templating import format_day

    today = story.today
    certificate = story.certified(spec, today - timedelta(days=455))
    surveillance = story.audit(spec.english_name, "surveillance1")
    sweep(today - timedelta(days=60))  # flags the missed surveillance for the committee
    suspended_on = today - timedelta(days=50)
    # 17021-1 9.6.5: the committee decides the suspension (a member on no audit of the file).
    decide_on_certificate(
        story.second,
        certificate,
        outcome="suspend",
        reasons=f"Surveillance 1 was due by {format_day(surveillance.due_by)} and has not been "
        "done; the client did not agree dates. Suspended until the surveillance audit is done "
        "and its results are reviewed.",
        today=suspended_on,
        limit=add_months(suspended_on, 4),
    )
    start = today + timedelta(days=21)
    end = start + timedelta(days=1)
    team = free_team(story.team(spec), surveillance, start, end)
    # 17021-1 9.1.3: held after its due date only with a justified exception the committee sees.
    schedule_audit(
        story.planner,
        surveillance,
        start,
        end,
        team[0].id,
        [(m.id, "auditor") for m in team[1:]],
        {},
        today=today,
        late_reason="Missed while the client was restructuring; the certificate is "
        "suspended until this audit is done and its results reviewed.",
    )


def _withdrawn(story: Story, spec: DemoOrg) -> None:
    """Granted two years ago; withdrawn at the client's request ten months later."""
    from certification.decisions.services import decide_on_certificate
    from certification.programme.services import cancel_audit

    granted_on = story.today - timedelta(days=700)
    certificate = story.certified(spec, granted_on)
    day = granted_on + timedelta(days=300)
    reason = (
        "At the client's written request: the company sold its excursion business and "
        "no longer runs the certified activities."
    )
    decide_on_certificate(story.second, certificate, outcome="withdraw", reasons=reason, today=day)
    for kind in ("surveillance1", "surveillance2", "recertification"):
        cancel_audit(
            story.planner,
            story.audit(spec.english_name, kind),
            "The certificate was withdrawn at the client's request.",
            day,
        )


def _expired(story: Story, spec: DemoOrg) -> None:
    """A cycle started over three years ago: both surveillances done, no recertification, so
    the certificate lapsed (the restoration window is still open)."""
    granted_on = add_years(story.today, -3) - timedelta(days=25)
    story.certified(spec, granted_on)
    story.maintained(spec, "surveillance1", add_months(granted_on, 11))
    story.maintained(spec, "surveillance2", add_months(granted_on, 23))


def _superseded(story: Story, spec: DemoOrg) -> None:
    """At surveillance 1 the online shop joined the scope: revision 1 replaced the original."""
    granted_on = story.today - timedelta(days=400)
    story.certified(spec, granted_on)
    reported = story.audited(
        spec,
        "surveillance1",
        add_months(granted_on, 11),
        2,
        "Surveillance 1 with a scope extension: the online shop and home delivery handle "
        "complaints through the same helpdesk and procedure; no nonconformity.",
    )
    story.decide(
        spec.english_name,
        "surveillance1",
        "extend_scope",
        "The online shop and home delivery were audited at surveillance 1 and conform.",
        reported + timedelta(days=7),
        scope=f"{spec.scope}, and for the online shop with home delivery",
    )


def _confidential(story: Story, spec: DemoOrg) -> None:
    """Granted a year ago, not to be published; surveillance 1 waits for the committee."""
    from certification.certificates.services import toggle_confidentiality

    certificate = story.certified(spec, story.today - timedelta(days=380))
    toggle_confidentiality(
        story.planner,
        certificate,
        "At the client's request the certificate is not published in the register.",
        story.today - timedelta(days=379),
    )
    story.audited(
        spec,
        "surveillance1",
        story.today - timedelta(days=32),
        2,
        "Surveillance 1: complaints handling remains effective; recommended to maintain.",
    )


def _recertified(story: Story, spec: DemoOrg) -> None:
    """A full cycle: grant three years ago, two surveillances, recertification before expiry."""
    today = story.today
    granted_on = add_years(today, -3) + timedelta(days=40)
    story.certified(spec, granted_on)
    story.maintained(spec, "surveillance1", add_months(granted_on, 11), SURVEILLANCE_NOTE)
    story.maintained(spec, "surveillance2", add_months(granted_on, 23))
    reported = story.audited(
        spec,
        "recertification",
        today - timedelta(days=50),
        3,
        "Recertification: three years of records show a working, improving system; "
        "recommended for renewal.",
        RECERTIFICATION_NOTE,
    )
    story.decide(
        spec.english_name,
        "recertification",
        "renew",
        "The recertification audit "
        "found no nonconformity and the cycle's surveillance results are good.",
        reported + timedelta(days=15),
    )


def _decide_waiting_files(story: Story) -> None:
    """The committee works through part of its queue: Mekong's grant (its stage 1 and
    Caucasus's were concluded by their lead auditors, 17021-1 9.3.1)."""
    today = story.today
    story.decide(
        "Mekong Electronics JSC",
        "stage2",
        "grant",
        "Both minor nonconformities have accepted plans; the maturity scores support "
        "the band awarded.",
        today - timedelta(days=8),
    )
