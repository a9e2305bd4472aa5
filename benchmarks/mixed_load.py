"""A short mixed load against gunicorn with 4 workers: people deciding, answering, uploading and
verifying at once, on SQLite and (when DATABASE_URL is set) on PostgreSQL.

Not a test: prints, per database and per kind of work, the requests, the errors (HTTP 5xx or no
answer) and the 95th percentile of the response time. The issue 9 goal is 0 errors on both.

    uv run python benchmarks/mixed_load.py [seconds]                      # SQLite
    bash .ci/postgres.sh uv run python benchmarks/mixed_load.py [seconds]  # and PostgreSQL

DATABASE_URL must name a throw-away database: its tables are dropped and made anew. Everything
runs on 127.0.0.1, is bounded in time (gunicorn runs under `timeout`) and stopped by its PID.

- 3 committee members decide on the queue of submitted audit files (two may pick the same file at
  the same moment: one decides, the other is told it was already decided);
- 2 auditors save checklist answers as checklist.js does (JSON, with the version they saw);
- 2 client users answer findings with a PDF of evidence (multipart upload);
- 2 members of the public verify certificates (the page behind the QR code, and the JSON API);
- 1 planner registers organisations, each form sent twice at the same moment (a double click):
  every form must register one organisation.
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import verify_api  # noqa: E402
from verify_api import free_port, start_gunicorn, stop, wait_until_up  # noqa: E402

DB_ENV = "MIXED_LOAD_DATABASE_URL"
UPLOADS_ENV = "MIXED_LOAD_UPLOADS"
PASSWORD = "correct horse battery"  # tests/factories.py
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DECISIONS, FINDINGS, CERTIFICATES = 12, 40, 30
WORKERS = 4
verify_api.WORKERS = WORKERS  # its start_gunicorn reads this


def bench_app():
    """What gunicorn loads: the app on the benchmark's database, public look-ups not limited."""
    from certification import create_app
    from certification.serving import freeze_start_up

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": os.environ[DB_ENV],
            "SECRET_KEY": "benchmark",
            "UPLOAD_FOLDER": os.environ[UPLOADS_ENV],
            "RATE_LIMIT_VERIFY": "off",
        }
    )
    freeze_start_up()  # as app.py does
    return app


# --- the data ------------------------------------------------------------------------------------


@dataclass
class Cast:
    committee: list[str] = field(default_factory=list)
    auditors: list[tuple[str, int]] = field(default_factory=list)  # (email, audit on site)
    clients: list[tuple[str, list[int]]] = field(default_factory=list)  # (email, open findings)
    certificates: list[tuple[str, str]] = field(default_factory=list)  # (number, token)
    planner: str = ""


def seed(url: str) -> Cast:
    from certification import create_app
    from certification.certificates.models import Certificate
    from certification.extensions import db
    from tests import factories, scenarios

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
    cast, today = Cast(), date.today()
    with app.app_context(), app.test_request_context():
        db.drop_all()
        db.create_all()
        cast.committee = [factories.committee_member().email for _ in range(3)]
        cast.planner = factories.user("planner").email
        for _ in range(DECISIONS):
            scenarios.submitted_stage2(db.session, today)
        for _ in range(2):
            on_site = scenarios.stage2_on_site(db.session, today)
            cast.auditors.append((on_site.lead.email, on_site.audit.id))
            findings = [
                factories.finding(on_site.audit, "minor", "open", number=n, raised_on=today).id
                for n in range(1, FINDINGS // 2 + 1)
            ]
            cast.clients.append((on_site.client.email, findings))
        cycle = factories.cycle()
        for n in range(CERTIFICATES):
            token = uuid.uuid4().hex
            db.session.add(
                Certificate(
                    number=f"TR-LOAD-{n:05d}",
                    token=token,
                    organisation_id=cycle.organisation_id,
                    cycle_id=cycle.id,
                    scheme="iso10002",
                    edition="2018",
                    scope="Retail services",
                    state="active",
                    issued_on=today - timedelta(days=30),
                    original_issued_on=today - timedelta(days=30),
                    expires_on=today + timedelta(days=1000),
                )
            )
            cast.certificates.append((f"TR-LOAD-{n:05d}", token))
        db.session.commit()
        db.engine.dispose()
    return cast


# --- a person in a browser ---------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Person:
    """A cookie jar and the requests one person sends, each timed."""

    def __init__(self, base: str, stats: Stats) -> None:
        self.base, self.stats = base, stats
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect()
        )

    def send(self, path: str, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as answer:
            status, body = answer.code, answer.read()
        except OSError:
            status, body = 0, b""
        self.stats.add(time.perf_counter() - start, status)
        return status, body.decode("utf-8", "replace")

    def form(self, path: str, fields: dict) -> tuple[int, str]:
        return self.send(path, urllib.parse.urlencode(fields).encode())

    def token(self, path: str) -> str:
        _status, page = self.send(path)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            r'csrfToken["\']?\s*[:=]\s*["\']([^"\']+)', page
        )
        return found.group(1) if found else ""

    def sign_in(self, email: str) -> None:
        token = self.token("/login")
        self.form("/login", {"csrf_token": token, "email": email, "password": PASSWORD})


@dataclass
class Stats:
    times: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, status: int) -> None:
        with self.lock:
            self.times.append(seconds)
            self.errors += status == 0 or status >= 500


# --- what each kind of person does -------------------------------------------------------------


def decide(person: Person, email: str, until: float) -> None:
    person.sign_in(email)
    while time.monotonic() < until:
        _status, queue = person.send("/decisions/")
        waiting = re.findall(r"/decisions/audits/(\d+)\"", queue)
        if not waiting:
            time.sleep(0.2)
            continue
        audit = random.choice(waiting[:3])  # the oldest first: colleagues often pick the same
        token = person.token(f"/decisions/audits/{audit}")
        person.form(
            f"/decisions/audits/{audit}/decide",
            {"csrf_token": token, "outcome": "grant", "reasons": "Conforms.", "scope": "Retail"},
        )


def answer(person: Person, email: str, audit: int, until: float) -> None:
    person.sign_in(email)
    token = person.token(f"/audits/{audit}/checklist")
    versions: dict[str, int] = {}
    questions = [f"{c}-a" for c in ("4.1", "4.2", "5.1", "6.2", "7.2", "7.3", "8.1", "8.4")]
    headers = {"Content-Type": "application/json", "X-CSRFToken": token}
    while time.monotonic() < until:
        question = random.choice(questions)
        body = {
            "grade": random.choice(["conforming", "observation", "ofi"]),
            "points": None,
            "evidence": f"Seen at {time.time():.0f}.",
            "version": versions.get(question, 1),
        }
        status, reply = person.send(
            f"/audits/{audit}/answers/{question}", json.dumps(body).encode(), headers
        )
        if status in (200, 409):
            data = json.loads(reply)
            versions[question] = (data.get("theirs") or data).get("version", 1)


def upload(person: Person, email: str, findings: list[int], until: float) -> None:
    person.sign_in(email)
    for finding in findings:
        if time.monotonic() >= until:
            return
        token = person.token(f"/findings/{finding}/answer")
        fields = {
            "csrf_token": token,
            "correction": "Logged the missed calls.",
            "root_cause": "No form for phone complaints.",
            "action": "A phone complaint form, and training.",
            "target": (date.today() + timedelta(days=20)).isoformat(),
        }
        body, content_type = multipart(fields, "files", "evidence.pdf", PDF)
        person.send(f"/findings/{finding}/answer", body, {"Content-Type": content_type})
    while time.monotonic() < until:  # every finding answered: the client keeps reading
        person.send(f"/findings/{random.choice(findings)}/answer")


def verify(person: Person, certificates: list[tuple[str, str]], until: float) -> None:
    while time.monotonic() < until:
        number, token = random.choice(certificates)
        person.send(f"/verify/{token}")
        person.send(f"/api/v1/certificates/{number}")


def register(person: Person, email: str, until: float) -> None:
    """Each new-organisation form sent twice at once, like a double click (one cookie jar)."""
    person.sign_in(email)
    number = 0
    while time.monotonic() < until:
        number += 1
        _status, page = person.send("/organisations/new")
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        once = re.search(r'name="once"[^>]*value="([^"]+)"', page)
        fields = {
            "csrf_token": csrf.group(1) if csrf else "",
            "once": once.group(1) if once else "",
            "legal_name": f"{LOAD_NAME} {number}",
            "country": "TR",
            "city": "İzmir",
            "sector_code": "29",
            "effective_personnel": "30",
            "preferred_language": "tr",
            "currency": "EUR",
            "sites-0-name": "Merkez",
            "sites-0-personnel": "30",
        }
        clicks = [threading.Thread(target=person.form, args=("/organisations/new", fields))]
        clicks.append(threading.Thread(target=person.form, args=("/organisations/new", fields)))
        for click in clicks:
            click.start()
        for click in clicks:
            click.join(60)


LOAD_NAME = "Yük Deneme A.Ş."


def multipart(fields: dict, file_field: str, name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- one run -----------------------------------------------------------------------------------


def run(label: str, url: str, seconds: int) -> bool:
    folder = Path(tempfile.mkdtemp(prefix="mixed-load-"))
    cast = seed(url)
    env = {**os.environ, DB_ENV: url, UPLOADS_ENV: str(folder / "uploads")}
    kinds = {
        kind: Stats() for kind in ("deciding", "answering", "uploading", "verifying", "registering")
    }
    base = f"http://127.0.0.1:{free_port()}"
    server = start_gunicorn(
        "mixed_load:bench_app()", int(base.rsplit(":", 1)[1]), env, seconds + 300
    )
    try:
        wait_until_up(base + "/login", server, seconds=120)  # 4 workers load the app
        until = time.monotonic() + seconds
        work = [
            *((decide, kinds["deciding"], (email, until)) for email in cast.committee),
            *(
                (answer, kinds["answering"], (email, audit, until))
                for email, audit in cast.auditors
            ),
            *(
                (upload, kinds["uploading"], (email, findings, until))
                for email, findings in cast.clients
            ),
            *((verify, kinds["verifying"], (cast.certificates, until)) for _ in range(2)),
            (register, kinds["registering"], (cast.planner, until)),
        ]
        threads = [
            threading.Thread(target=do, args=(Person(base, stats), *args))
            for do, stats, args in work
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 60)
    finally:
        stop(server)
    decided, doubled = count_decisions(url)
    registered, registered_twice = count_registered(url)
    report(label, kinds, seconds, decided, doubled)
    print(
        f"  organisations registered: {registered}; registered twice: {registered_twice} (goal 0)"
    )
    errors = sum(stats.errors for stats in kinds.values())
    return errors == 0 and doubled == 0 and registered_twice == 0


def count_decisions(url: str) -> tuple[int, int]:
    """Files decided, and files with more than one decision or certificate (must be none)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        decided = connection.execute(text("SELECT count(DISTINCT audit_id) FROM decisions"))
        doubled = connection.execute(
            text(
                "SELECT count(*) FROM (SELECT d.audit_id FROM decisions d "
                "JOIN certificates c ON c.id = d.certificate_id "
                "GROUP BY d.audit_id HAVING count(DISTINCT c.id) > 1 OR count(*) > 1) AS twice"
            )
        )
        counts = decided.scalar(), doubled.scalar()
    engine.dispose()
    return counts


def count_registered(url: str) -> tuple[int, int]:
    """Organisations the double-clicking planner registered, and names registered twice."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        names = connection.execute(
            text(
                "SELECT legal_name, count(*) FROM organisations WHERE legal_name LIKE :name "
                "GROUP BY legal_name"
            ),
            {"name": f"{LOAD_NAME}%"},
        ).all()
    engine.dispose()
    return len(names), sum(1 for _name, count in names if count > 1)


def report(label: str, kinds: dict[str, Stats], seconds: int, decided: int, doubled: int) -> None:
    print(f"\n{label}: gunicorn -w {WORKERS}, {seconds} s")
    print(f"  {'work':<10} {'requests':>9} {'errors':>7} {'p95 ms':>8}")
    everything = []
    for kind, stats in kinds.items():
        everything += stats.times
        print(f"  {kind:<10} {len(stats.times):>9} {stats.errors:>7} {p95(stats.times):>8.0f}")
    errors = sum(stats.errors for stats in kinds.values())
    print(f"  {'all':<10} {len(everything):>9} {errors:>7} {p95(everything):>8.0f}")
    print(f"  files decided: {decided} of {DECISIONS}; decided twice: {doubled} (goal 0)")


def p95(times: list[float]) -> float:
    if len(times) < 2:
        return (times[0] if times else 0.0) * 1000
    return statistics.quantiles(times, n=20)[-1] * 1000


def postgres_url(url: str) -> str:
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def main(seconds: int = 20) -> None:
    folder = Path(tempfile.mkdtemp(prefix="mixed-load-db-"))
    runs = [("SQLite", f"sqlite:///{folder / 'load.db'}")]
    if os.environ.get("DATABASE_URL"):
        runs.append(("PostgreSQL", postgres_url(os.environ["DATABASE_URL"])))
    else:
        print("DATABASE_URL is not set: SQLite only (see the docstring for PostgreSQL)")
    ok = [run(label, url, seconds) for label, url in runs]
    print("\ngoal: 0 errors ->", "met" if all(ok) else "NOT met")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
