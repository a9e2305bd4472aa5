"""A certification body's database with N certificates, written fast (benchmarks, query plans).

Rows go in through the app's own tables (the models' `__table__`) by executemany, a batch of
organisations at a time, so memory stays flat at 50,000 certificates. Each organisation has two
sites, a client user, an application, a quote, a three-year cycle with its five audits (done,
due, overdue or waiting for the committee as the dates make them), findings, the committee's
grant, a certificate with two certified sites (every tenth one revised: the first revision
superseded) and about thirty activity-log rows. Organisation 1 is a client with a long history:
five cycles over fifteen years, a revision in each, and several hundred log rows.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import MetaData, Table, func, insert, select, text

from certification.accounts.models import User
from certification.activity.models import ActivityLog
from certification.applications.models import Application
from certification.certificates.models import Certificate, CertificateSite
from certification.decisions.models import Decision
from certification.extensions import db
from certification.findings.models import Finding
from certification.findings.rules import finding_reference
from certification.organisations.models import (
    SEARCHED_FIELDS,
    Organisation,
    Site,
    fold,
    name_keys,
)
from certification.programme.models import Audit, AuditTeamMember, Cycle
from certification.quotes.models import Quote
from certification.reports.models import AuditReport
from certification.workflow import certificate_expiry

try:
    from certification.verification.answers import rebuild_all
except ImportError:  # a version of the app before the public answers were kept
    rebuild_all = None

BATCH = 500  # organisations per round of inserts
AUDITORS = 12  # at least; a larger body has more (one per CERTIFICATES_PER_AUDITOR)
# A body grows by taking on auditors: one auditor's own audits (their home page, "my audits")
# stay about as many at 50,000 certificates as at 1,000, some two hundred over the history.
CERTIFICATES_PER_AUDITOR = 80
CITIES = (
    ("TR", "İstanbul", "Müşteri Hizmetleri A.Ş."),
    ("GE", "Tbilisi", "შპს მომსახურება"),
    ("RU", "Novosibirsk", "ООО Сервис"),
    ("VN", "Hà Nội", "Công ty Dịch vụ"),
    ("TR", "İzmir", "Çağrı Merkezi Ltd. Şti."),
    ("AZ", "Baku", "Xidmət MMC"),
)
WORDS = ("Anadolu", "Marmara", "Kavkaz", "Mekong", "Baikal", "Colchis", "Ege", "Volga", "Sông")
TABLES = (
    Organisation,
    User,
    Site,
    Application,
    Quote,
    Cycle,
    Audit,
    AuditTeamMember,
    AuditReport,
    Finding,
    Certificate,
    CertificateSite,
    Decision,
    ActivityLog,
)


@dataclass
class Seeded:
    """What the timing needs to find its pages."""

    certificates: int = 0
    staff: dict[str, int] = field(default_factory=dict)  # role -> user id
    client_user: int = 0
    busy_organisation: int = 1
    busy_certificate: int = 0
    organisation_ids: list[int] = field(default_factory=list)
    certificate_ids: list[int] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    cycle_ids: list[int] = field(default_factory=list)
    audit_ids: list[int] = field(default_factory=list)
    search_word: str = "Marmara"


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


class Seeder:
    def __init__(self, count: int, today: date, tables: dict | None = None) -> None:
        self.count, self.today = count, today
        # The database's own tables when it is at an older revision (columns it lacks left out).
        self.tables = tables
        self.ids = defaultdict(lambda: itertools.count(1))
        self.rows: dict[type, list[dict]] = defaultdict(list)
        self.seeded = Seeded(certificates=count)
        self.auditors: list[int] = []
        self.made = 0  # certificates so far
        self.finding_numbers: dict[int, int] = {}  # cycle id -> last finding number

    def next_id(self, model) -> int:
        return next(self.ids[model])

    # -- people ---------------------------------------------------------------------------

    def staff(self) -> None:
        auditors = max(AUDITORS, self.count // CERTIFICATES_PER_AUDITOR)
        roles = [("admin", 1), ("planner", 1), ("committee", 2), ("auditor", auditors)]
        for role, how_many in roles:
            for n in range(how_many):
                user_id = self.user(role, f"{role}{n}@scale.test", f"{role.title()} {n}")
                self.seeded.staff.setdefault(role, user_id)
                if role == "auditor":
                    self.auditors.append(user_id)

    def user(self, role: str, email: str, name: str, organisation_id: int | None = None) -> int:
        user_id = self.next_id(User)
        self.rows[User].append(
            dict(
                id=user_id,
                email=email,
                name=name,
                password_hash="-",  # signed in through the session; no password is checked
                role=role,
                organisation_id=organisation_id,
                locale="en",
                active=True,
                **{f"name_key_{code}": key for code, key in name_keys(name).items()},
                created_at=at(self.today - timedelta(days=4000)),
            )
        )
        return user_id

    # -- one client ---------------------------------------------------------------------

    def organisation(self, k: int, cycles: int, start: date) -> None:
        org_id = self.next_id(Organisation)
        country, city, suffix = CITIES[k % len(CITIES)]
        names = {
            "legal_name": f"{WORDS[k % len(WORDS)]} {suffix} {k}",
            "english_name": f"{WORDS[(k + 3) % len(WORDS)]} Customer Services {k}",
            "trading_name": f"{WORDS[k % len(WORDS)]} {k}",
            "city": city,
        }
        self.rows[Organisation].append(
            dict(
                id=org_id,
                country=country,
                address=f"Cadde {k}, {city}",
                sector_code=("29", "31", "33", "38")[k % 4],
                effective_personnel=40 + k % 200,
                preferred_language="en",
                currency="EUR",
                contact_name=f"Contact {k}",
                contact_email=f"contact{k}@client{k}.example",
                contact_phone="",
                search_text="\n".join(fold(names[name]) for name in SEARCHED_FIELDS),
                **{f"name_key_{code}": key for code, key in name_keys(names["legal_name"]).items()},
                created_at=at(start - timedelta(days=120)),
                **names,
            )
        )
        self.seeded.organisation_ids.append(org_id)
        sites = [self.site(org_id, city, country, head) for head in (True, False)]
        client = self.user("client", f"client{k}@client{k}.example", f"Client {k}", org_id)
        if k == 0:
            self.seeded.busy_organisation, self.seeded.client_user = org_id, client
        self.log(
            start - timedelta(days=120),
            self.planner,
            org_id,
            "Organisation",
            org_id,
            "organisation_registered",
        )
        previous = None
        for number in range(1, cycles + 1):
            decided = start + timedelta(days=3 * 365 * (number - 1))
            revised = k % 10 == 3 or cycles > 1
            previous = self.cycle(org_id, client, sites, number, decided, previous, revised, k)
        if k == 0:
            self.seeded.busy_certificate = previous
            for n in range(150):  # contact and address changes over the years
                day = start + timedelta(days=30 * n)
                if day < self.today:
                    self.log(
                        day,
                        self.planner,
                        org_id,
                        "Organisation",
                        org_id,
                        "organisation_updated",
                        reason=f"Contact changed ({n})",
                    )

    def site(self, org_id: int, city: str, country: str, head: bool) -> dict:
        site = dict(
            id=self.next_id(Site),
            organisation_id=org_id,
            name="Head office" if head else "Call centre",
            address=f"Sokak {org_id}",
            city=city,
            country=country,
            personnel=30 if head else 10,
            scope="Complaints handling" if head else "Call centre",
            is_head_office=head,
            created_at=at(self.today - timedelta(days=4000)),
        )
        self.rows[Site].append(site)
        return site

    @property
    def planner(self) -> int:
        return self.seeded.staff["planner"]

    def cycle(self, org_id, client, sites, number, decided, previous, revised, k) -> int:
        """An application, its quote, the cycle with its audits, the grant and the certificate."""
        app_id, quote_id, cycle_id = (self.next_id(m) for m in (Application, Quote, Cycle))
        applied = decided - timedelta(days=110)
        self.rows[Application].append(
            dict(
                id=app_id,
                organisation_id=org_id,
                scheme="iso10002",
                edition="2018",
                kind="initial" if number == 1 else "recertification",
                scope="Handling of customer complaints",
                state="contracted",
                submitted_by_id=client,
                submitted_at=at(applied),
                competence_confirmed=True,
                review_notes="",
                reviewed_by_id=self.planner,
                reviewed_at=at(applied, 14),
                created_at=at(applied),
            )
        )
        self.rows[Quote].append(
            dict(
                id=quote_id,
                number=f"Q-{org_id:06d}-{number}",
                organisation_id=org_id,
                application_id=app_id,
                state="accepted",
                employees=40,
                sites=2,
                table_days=4,
                adjustment_percent=0,
                adjustment_justification="",
                initial_days=4,
                stage1_days=1.5,
                stage2_days=2.5,
                surveillance_days=1.5,
                recertification_days=2.5,
                sample_initial=1,
                sample_surveillance=1,
                sample_recertification=1,
                currency="EUR",
                day_rate=950,
                application_fee=0,
                certificate_fee=0,
                total=4350,
                notes="",
                issued_on=applied,
                valid_until=applied + timedelta(days=30),
                decided_at=at(applied, 16),
                decision_note="",
                prepared_by_id=self.planner,
                created_at=at(applied),
            )
        )
        self.rows[Cycle].append(
            dict(
                id=cycle_id,
                organisation_id=org_id,
                application_id=app_id,
                quote_id=quote_id,
                number=number,
                scheme="iso10002",
                edition="2018",
                decision_date=decided,
                created_at=at(applied),
            )
        )
        self.seeded.cycle_ids.append(cycle_id)
        for when, subject, subject_id, action, states in (
            (applied, "Application", app_id, "created", (None, "submitted")),
            (applied, "Application", app_id, "approve", ("submitted", "approved")),
            (applied, "Quote", quote_id, "quote_prepared", (None, None)),
            (applied, "Quote", quote_id, "issue", ("draft", "issued")),
            (applied + timedelta(days=5), "Quote", quote_id, "accept", ("issued", "accepted")),
            (
                applied + timedelta(days=5),
                "Application",
                app_id,
                "contract",
                ("approved", "contracted"),
            ),
            (applied + timedelta(days=5), "Cycle", cycle_id, "programme_created", (None, None)),
        ):
            self.log(when, self.planner, org_id, subject, subject_id, action, *states)
        audits = self.audits(org_id, cycle_id, decided, k)
        return self.certificates(org_id, cycle_id, sites, decided, previous, revised, k, audits)

    def audits(self, org_id: int, cycle_id: int, decided: date, k: int) -> list[int]:
        expires = certificate_expiry(decided)
        plan = (
            ("stage1", decided - timedelta(days=60)),
            ("stage2", decided - timedelta(days=30)),
            ("surveillance1", decided + timedelta(days=365)),
            ("surveillance2", decided + timedelta(days=730)),
            ("recertification", expires - timedelta(days=90)),
        )
        ids = []
        for sequence, (kind, due) in enumerate(plan):
            state = self.audit_state(kind, due, k)
            audit_id = self.audit(org_id, cycle_id, sequence, kind, due, state, k)
            ids.append(audit_id)
        return ids

    def audit_state(self, kind: str, due: date, k: int) -> str:
        if kind in ("stage1", "stage2"):
            return "closed"
        if due < self.today - timedelta(days=40):
            return ("planned", "submitted")[k % 2] if k % 37 == 5 else "closed"
        if due < self.today + timedelta(days=60):
            return ("scheduled", "in_progress", "planned")[k % 3]
        return "planned"

    def audit(self, org_id, cycle_id, sequence, kind, due, state, k) -> int:
        audit_id = self.next_id(Audit)
        dated = state != "planned"
        start = due - timedelta(days=10)
        self.rows[Audit].append(
            dict(
                id=audit_id,
                organisation_id=org_id,
                cycle_id=cycle_id,
                kind=kind,
                sequence=sequence,
                state=state,
                planned_days=2.5,
                window_start=due - timedelta(90),
                due_by=due,
                start_date=start if dated else None,
                end_date=start + timedelta(days=1) if dated else None,
                notes="",
                created_at=at(due - timedelta(days=400)),
            )
        )
        self.seeded.audit_ids.append(audit_id)
        if not dated:
            return audit_id
        lead = self.auditors[k % len(self.auditors)]
        self.rows[AuditTeamMember].append(
            dict(
                id=self.next_id(AuditTeamMember),
                audit_id=audit_id,
                user_id=lead,
                role="lead",
                overridden=False,
                override_reason="",
                created_at=at(start - timedelta(30)),
            )
        )
        steps = [("schedule", "planned", "scheduled", start - timedelta(days=30))]
        if state in ("in_progress", "submitted", "closed"):
            steps.append(("start", "scheduled", "in_progress", start))
        if state in ("submitted", "closed"):
            steps.append(("submit", "in_progress", "submitted", start + timedelta(days=2)))
            self.rows[AuditReport].append(
                dict(
                    id=self.next_id(AuditReport),
                    audit_id=audit_id,
                    summary="",
                    computed_recommendation="recommended_after_plan",
                    recommendation="recommended_after_plan",
                    override_reason="",
                    band="",
                    submitted_by_id=lead,
                    submitted_at=at(start + timedelta(days=2)),
                    created_at=at(start),
                )
            )
        if state == "closed":
            steps.append(("close", "submitted", "closed", start + timedelta(days=20)))
        for action, before, after, day in steps:
            self.log(day, lead, org_id, "Audit", audit_id, action, before, after)
        if state in ("closed", "submitted") and kind != "stage1":
            raised = (org_id, cycle_id, kind)
            self.findings(raised, audit_id, start, lead, closed=state == "closed", k=k)
        return audit_id

    def findings(self, where, audit_id, raised, lead, closed: bool, k: int) -> None:
        org_id, cycle_id, kind = where
        for grade in ("minor", "observation"):
            finding_id = self.next_id(Finding)
            number = self.finding_numbers[cycle_id] = self.finding_numbers.get(cycle_id, 0) + 1
            state = "closed" if closed and grade == "minor" else "open"
            if not closed and grade == "minor":
                state = ("open", "answered", "plan_accepted")[k % 3]
            self.rows[Finding].append(
                dict(
                    id=finding_id,
                    audit_id=audit_id,
                    organisation_id=org_id,
                    cycle_id=cycle_id,
                    number=number,
                    reference=finding_reference(kind, number),
                    question_id="7.2-a",
                    clause="7.2",
                    grade=grade,
                    statement="Complaints received by phone are not always recorded.",
                    evidence="Two calls of 3 March not in the register.",
                    requirement="7.2",
                    state=state,
                    raised_on=raised,
                    plan_due_on=raised + timedelta(days=30),
                    created_at=at(raised),
                )
            )
            self.log(raised, lead, org_id, "Finding", finding_id, "finding_raised")
            if state == "closed":
                for action, before, after in (
                    ("answer", "open", "answered"),
                    ("accept_plan", "answered", "plan_accepted"),
                    ("verify", "plan_accepted", "closed"),
                ):
                    self.log(
                        raised + timedelta(days=14),
                        lead,
                        org_id,
                        "Finding",
                        finding_id,
                        action,
                        before,
                        after,
                    )

    def certificates(self, org_id, cycle_id, sites, decided, previous, revised, k, audits):
        """The grant's certificate; a revision supersedes it when `revised`. Returns the last."""
        versions = [(0, decided)]
        if revised:
            versions.append((1, min(decided + timedelta(days=200), self.today)))
        root_number = f"ACB-{decided.year}-{k:06d}-{cycle_id}"
        for revision, issued in versions:
            last = revision == len(versions) - 1
            certificate_id = self.next_id(Certificate)
            number = root_number if revision == 0 else f"{root_number}-R{revision}"
            state = self.certificate_state(k, issued) if last else "superseded"
            expires = certificate_expiry(decided)
            superseded_by_next = previous is not None and revision == 0
            self.rows[Certificate].append(
                dict(
                    id=certificate_id,
                    number=number,
                    token=f"tok{certificate_id:09d}x{k}",
                    organisation_id=org_id,
                    cycle_id=cycle_id,
                    supersedes_id=previous,
                    revision=revision,
                    scheme="iso10002",
                    edition="2018",
                    certification_type="recertification" if superseded_by_next else "initial",
                    scope="Handling of customer complaints for retail and call-centre sales",
                    state=state,
                    certification_identity=root_number,  # one across revisions
                    accreditation_id=None,  # i11: accreditations are rows of their own
                    confidential=k % 50 == 7,
                    band="",
                    issued_on=issued,
                    original_issued_on=decided,
                    expires_on=expires,
                    suspended_on=self.today - timedelta(days=20) if state == "suspended" else None,
                    suspended_until=self.today + timedelta(days=100)
                    if state == "suspended"
                    else None,
                    ended_on=None if state in ("active", "suspended") else min(expires, self.today),
                    status_reason="",
                    created_at=at(issued),
                )
            )
            if previous is not None:
                for row in self.rows[Certificate]:  # the previous one was superseded
                    if row["id"] == previous:
                        row["state"], row["ended_on"] = "superseded", issued
            for site in sites:
                self.rows[CertificateSite].append(
                    dict(
                        id=self.next_id(CertificateSite),
                        certificate_id=certificate_id,
                        site_id=site["id"],
                        name=site["name"],
                        address=site["address"],
                        city=site["city"],
                        country=site["country"],
                        scope=site["scope"],
                        is_head_office=site["is_head_office"],
                    )
                )
            self.rows[Decision].append(
                dict(
                    id=self.next_id(Decision),
                    organisation_id=org_id,
                    cycle_id=cycle_id,
                    audit_id=audits[1],
                    certificate_id=certificate_id,
                    outcome="grant" if revision == 0 else "extend_scope",
                    decided_on=issued,
                    decided_by_id=self.seeded.staff["committee"],
                    reasons="",
                    recommendation="",
                    scope="",
                    created_at=at(issued),
                )
            )
            committee = self.seeded.staff["committee"]
            self.log(
                issued,
                committee,
                org_id,
                "Certificate",
                certificate_id,
                "certificate_issued" if revision == 0 else "certificate_revised",
                None,
                "active",
            )
            if previous is not None:
                self.log(
                    issued,
                    committee,
                    org_id,
                    "Certificate",
                    previous,
                    "supersede",
                    "active",
                    "superseded",
                )
            if state in ("suspended", "withdrawn", "expired"):
                action = {"suspended": "suspend", "withdrawn": "withdraw", "expired": "expire"}
                self.log(
                    self.today - timedelta(days=20),
                    self.planner,
                    org_id,
                    "Certificate",
                    certificate_id,
                    action[state],
                    "active",
                    state,
                )
            self.made += 1
            self.seeded.certificate_ids.append(certificate_id)
            self.seeded.numbers.append(number)
            self.seeded.tokens.append(f"tok{certificate_id:09d}x{k}")
            previous = certificate_id
        return previous

    def certificate_state(self, k: int, issued: date) -> str:
        if certificate_expiry(issued) < self.today:
            return "expired"
        return {0: "suspended", 1: "withdrawn"}.get(k % 20, "active")

    def log(
        self, day, actor, org_id, subject, subject_id, action, before=None, after=None, reason=""
    ) -> None:
        self.rows[ActivityLog].append(
            dict(
                id=self.next_id(ActivityLog),
                at=at(min(day, self.today)),
                actor_id=actor,
                organisation_id=org_id,
                subject_type=subject,
                subject_id=subject_id,
                action=action,
                from_state=before,
                to_state=after,
                reason=reason,
            )
        )

    # -- writing ------------------------------------------------------------------------

    def flush(self, connection) -> None:
        for model in TABLES:
            rows = self.rows.pop(model, [])
            table = model.__table__
            if self.tables is not None:  # the model's columns (with their defaults) it has
                found = self.tables[table.name].c
                kept = [column._copy() for column in table.c if column.name in found]
                table = Table(table.name, MetaData(), *kept)
                rows = [{k: v for k, v in row.items() if k in table.c} for row in rows]
            for start in range(0, len(rows), 5000):
                connection.execute(insert(table), rows[start : start + 5000])

    def run(self, connection, progress=None) -> Seeded:
        self.staff()
        self.flush(connection)
        k = 0
        while self.made < self.count:
            if k == 0:  # the client with a long history: five cycles over fifteen years
                start = self.today - timedelta(days=5 * 3 * 365 - 200)
                self.organisation(k, cycles=5, start=start)
            else:
                # Issued over the last four years: most valid, some expired.
                start = self.today - timedelta(days=30 + (k * 7919) % (4 * 365))
                self.organisation(k, cycles=1, start=start)
            k += 1
            if k % BATCH == 0:
                self.flush(connection)
                if progress:
                    progress(self.made)
        self.flush(connection)
        return self.seeded


def seed(count: int, today: date | None = None, progress=None, as_it_is: bool = False) -> Seeded:
    """Fill the (empty) database of the current app with `count` certificates. `as_it_is`: the
    database is at an older revision; rows go into its tables as they are (read from it)."""
    today = today or date.today()
    with db.engine.begin() as connection:
        tables = None
        if as_it_is:
            found = MetaData()
            found.reflect(connection)
            tables = found.tables
        seeded = Seeder(count, today, tables).run(connection, progress)
        if rebuild_all is not None:  # bulk inserts bypass the flush that keeps the answers
            rebuild_all(connection)
        if connection.dialect.name == "postgresql":
            for model in TABLES:
                table = model.__table__.name
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                )
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # What autovacuum does soon after a bulk load: ANALYZE, and since PostgreSQL 13 a
            # VACUUM after inserts too, which marks the pages all-visible. Without it every
            # index-only scan reads the table as well (the planner's home: 69 ms, not 36, at 50k).
            connection.execute(text("VACUUM ANALYZE"))
    return seeded


def session_id(user_id: int) -> str:
    """What a signed-in session holds for the user (its id and session nonce; needs the app)."""
    return db.session.get(User, user_id).get_id()


def overdue_cycles(quote: Quote, count: int, today: date, *, flagged: bool = False) -> None:
    """`count` cycles of the quote's client, each with an active certificate and a first
    surveillance audit thirty days past its due date: the committee's list for suspension
    (`flagged`: each already flagged by an earlier sweep). Written as `seed` writes, and
    committed; ids follow the rows already there."""
    decided = today - timedelta(days=400)
    # Read before the connection begins (on SQLite in memory the session shares it).
    client = (quote.application.organisation_id, quote.application_id, quote.id)
    db.session.commit()
    with db.engine.begin() as connection:
        first = {
            model: (connection.scalar(select(func.max(model.id))) or 0) + 1
            for model in (Cycle, Certificate, Audit)
        }
        for start in range(0, count, 5000):
            rows: dict[type, list[dict]] = defaultdict(list)
            for n in range(start, min(count, start + 5000)):
                cycle, audit = first[Cycle] + n, first[Audit] + n
                _overdue_rows(rows, client, n, cycle, first[Certificate] + n, audit, decided)
                if flagged:
                    rows[ActivityLog].append(
                        dict(subject_type="Audit", subject_id=audit, action="audit_overdue")
                    )
            for model in (Cycle, Certificate, Audit, ActivityLog):
                if rows[model]:
                    connection.execute(insert(model.__table__), rows[model])
        if connection.dialect.name == "postgresql":
            for model in (Cycle, Certificate, Audit):
                table = model.__table__.name
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )


def _overdue_rows(rows, client: tuple, n: int, cycle: int, certificate: int, audit: int, decided):
    organisation, application, quote = client
    rows[Cycle].append(
        dict(
            id=cycle,
            organisation_id=organisation,
            application_id=application,
            quote_id=quote,
            number=n + 1,
            scheme="iso10002",
            edition="2018",
            decision_date=decided,
            expires_on=certificate_expiry(decided),
        )
    )
    number = f"OVD-{decided.year}-{certificate:06d}"
    rows[Certificate].append(
        dict(
            id=certificate,
            number=number,
            token=f"overdue{certificate:09d}",
            certification_identity=number,
            organisation_id=organisation,
            cycle_id=cycle,
            scheme="iso10002",
            edition="2018",
            scope="Handling of customer complaints",
            state="active",
            issued_on=decided,
            original_issued_on=decided,
            expires_on=certificate_expiry(decided),
        )
    )
    due = decided + timedelta(days=370)  # thirty days ago: not held, no start date
    rows[Audit].append(
        dict(
            id=audit,
            organisation_id=organisation,
            cycle_id=cycle,
            kind="surveillance1",
            sequence=2,
            state="planned",
            window_start=due - timedelta(days=90),
            due_by=due,
        )
    )
