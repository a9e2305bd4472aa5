"""How the pages' time grows with the data: N certificates, then ten times as many, side by side.

Not a test: for each size it builds a fresh database (SQLite file in a temporary folder, or a
scratch PostgreSQL database on the server of --database-url / DATABASE_URL), fills it through
the app's own tables (tests/bulk.py: organisations, sites, applications, quotes,
cycles, audits, findings, decisions, certificates, activity log), then requests every page as
the role that uses it, in-process through Flask's test client (the sizes in turn, request by
request, so that other load on the machine hits them alike), and prints per page the median
and 95th percentile time and the SQL statements one request runs, for each size, and the ratio
of the 95th percentiles (flat pages stay near 1).

    uv run python benchmarks/scale.py [--sizes 1000 10000] [--runs 30] [--json]
    bash .ci/postgres.sh uv run python benchmarks/scale.py          # the same on PostgreSQL

`--json` prints {"<size>": {"<page>": {"p50": ms, "p95": ms, "sql": n}}} and nothing else.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sqlalchemy import create_engine, event, make_url, text  # noqa: E402

from certification import create_app  # noqa: E402
from certification.extensions import db  # noqa: E402
from certification.serving import freeze_start_up  # noqa: E402
from tests.bulk import Seeded, seed, session_id  # noqa: E402

NOT_QUERIES = ("BEGIN", "COMMIT", "ROLLBACK")


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # planner, committee, auditor, client, public
    url: str  # {fields} filled per request by `fields`; "last:" = the list's last page


def fields(seeded: Seeded, rng: random.Random) -> dict:
    """Values for a page address: random rows of the seeded database, and the busy client."""
    return {
        "organisation": rng.choice(seeded.organisation_ids),
        "certificate": rng.choice(seeded.certificate_ids),
        "number": rng.choice(seeded.numbers),
        "token": rng.choice(seeded.tokens),
        "cycle": rng.choice(seeded.cycle_ids),
        "audit": rng.choice(seeded.audit_ids),
        "busy_organisation": seeded.busy_organisation,
        "busy_certificate": seeded.busy_certificate,
        "word": seeded.search_word,
    }


PAGES = (
    Page("home, planner", "planner", "/home/"),
    Page("home, auditor", "auditor", "/home/"),
    Page("home, committee", "committee", "/home/"),
    Page("home, client", "client", "/home/"),
    Page("home, admin", "admin", "/home/"),
    Page("organisations list", "planner", "/organisations/"),
    Page("organisations list, last page", "planner", "last:/organisations/"),
    Page("organisation search", "planner", "/organisations/?q={word}"),
    Page("organisation search, one client", "planner", "/organisations/?q=Services 77"),
    Page("organisation, long history", "planner", "/organisations/{busy_organisation}"),
    Page("organisation, random", "planner", "/organisations/{organisation}"),
    Page("certificates list", "planner", "/certificates/"),
    Page("certificates list, last page", "planner", "last:/certificates/"),
    Page("certificate search", "planner", "/certificates/?q={word}"),
    Page("certificate, long history", "planner", "/certificates/{busy_certificate}"),
    Page("certificate, random", "planner", "/certificates/{certificate}"),
    Page("applications list", "planner", "/applications/"),
    Page("applications list, last page", "planner", "last:/applications/"),
    Page("quotes list", "planner", "/quotes/"),
    Page("programme, open audits", "planner", "/programme/"),
    Page("programme, open audits, last page", "planner", "last:/programme/"),
    Page("programme, overdue", "planner", "/programme/?show=overdue"),
    Page("cycle", "planner", "/programme/cycles/{cycle}"),
    Page("audit", "planner", "/programme/audits/{audit}"),
    Page("findings list", "planner", "/findings/"),
    Page("committee queue", "committee", "/decisions/"),
    Page("my audits", "auditor", "/programme/mine"),
    Page("client portal", "client", "/portal/"),
    Page("public register", "public", "/register"),
    Page("public register, last page", "public", "last:/register"),
    Page("public register search", "public", "/register?q={word}"),
    Page("public register, by number", "public", "/register?q={number}"),
    Page("verify page (QR)", "public", "/verify/{token}"),
    Page("verify by number", "public", "/verify?number={number}"),
    Page("JSON look-up", "public", "/api/v1/certificates/{number}"),
)


# -- databases ----------------------------------------------------------------------------


class Database:
    """A fresh empty database for one size; removed on leaving the `with` block."""

    def __init__(self, server_url: str | None, folder: Path, size: int) -> None:
        self.server_url, self.folder, self.size = server_url, folder, size

    def __enter__(self) -> str:
        if not self.server_url:
            return f"sqlite:///{self.folder / f'scale-{self.size}.db'}"
        server = make_url(normalise(self.server_url))
        self.name = f"scale_{self.size}_{uuid.uuid4().hex[:8]}"
        self.admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        return server.set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *_exc) -> None:
        if self.server_url:
            with self.admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{self.name}" WITH (FORCE)'))
            self.admin.dispose()


def normalise(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_app(url: str, folder: Path):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "scale",
            "UPLOAD_FOLDER": str(folder),
            "RATE_LIMIT_VERIFY": "off",
            "RATELIMIT_ENABLED": False,  # in case Flask-Limiter does the limiting
            "WTF_CSRF_ENABLED": False,
        }
    )


# -- timing -------------------------------------------------------------------------------


def client_for(app, role: str, seeded: Seeded):
    client = app.test_client()
    user_id = seeded.client_user if role == "client" else seeded.staff.get(role)
    if user_id:
        with app.app_context():
            signed_in = session_id(user_id)
        with client.session_transaction() as session:
            session["_user_id"] = signed_in
            session["_fresh"] = True
    return client


def last_page_url(client, url: str) -> str:
    """The list's last page: its pager's "last" link, else page N of "Page 1 of N"."""
    body = client.get(url).get_data(as_text=True)
    link = re.search(r'<a[^>]*rel="last"[^>]*href="([^"]+)"', body) or re.search(
        r'<a[^>]*href="([^"]+)"[^>]*rel="last"', body
    )
    if link:
        return link.group(1).replace("&amp;", "&")
    pages = re.search(r"Page 1 of ([\d,]+)", body)
    if pages:
        separator = "&" if "?" in url else "?"
        return f"{url}{separator}page={pages.group(1).replace(',', '')}"
    return url


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Site:
    """One size: its database, app, seeded rows and a signed-in client per role."""

    def __init__(self, size: int, app, seeded: Seeded) -> None:
        self.size, self.app, self.seeded, self.clients = size, app, seeded, {}
        self.last: dict[str, str] = {}
        with app.app_context():
            self.engine = db.engine

    def client(self, role: str):
        if role not in self.clients:
            self.clients[role] = client_for(self.app, role, self.seeded)
        return self.clients[role]

    def url(self, page: Page, rng: random.Random) -> str:
        target = page.url.format(**fields(self.seeded, rng))
        if target.startswith("last:"):
            if target not in self.last:
                self.last[target] = last_page_url(self.client(page.role), target[5:])
            target = self.last[target]
        return target


@contextlib.contextmanager
def counted(sites: list[Site]):
    """SQL statements run, through the engines and the look-up's own reader connection."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if statement.strip().upper() not in NOT_QUERIES:
            statements.append(statement)

    for site in sites:
        event.listen(site.engine, "before_cursor_execute", count)
    reader = _reader_class()
    plain = reader._execute if reader else None
    if reader:

        def execute(self, connection, kind, key):
            statements.append(self.sql[kind])
            return plain(self, connection, kind, key)

        reader._execute = execute
    try:
        yield statements
    finally:
        for site in sites:
            event.remove(site.engine, "before_cursor_execute", count)
        if reader:
            reader._execute = plain


def _reader_class():
    try:
        from certification.verification.reader import AnswerReader
    except ImportError:  # before the look-up had a reader of its own
        return None
    return AnswerReader


def time_page(sites: list[Site], page: Page, runs: int) -> dict[int, dict]:
    """Requests to the sizes in turn, so that a burst of load on the machine hits all alike."""
    rngs = {site.size: random.Random(page.name) for site in sites}
    times: dict[int, list[float]] = {site.size: [] for site in sites}
    counts: dict[int, list[int]] = {site.size: [] for site in sites}
    for site in sites:
        for _warm_up in range(2):
            check(site.client(page.role).get(site.url(page, rngs[site.size])), page)
    with counted(sites) as statements:
        for _run in range(runs):
            for site in sites:
                client, target = site.client(page.role), site.url(page, rngs[site.size])
                statements.clear()
                started = time.perf_counter()
                response = client.get(target)
                times[site.size].append((time.perf_counter() - started) * 1000)
                check(response, page)
                counts[site.size].append(len(statements))
    return {
        size: {
            "p50": round(statistics.median(times[size]), 1),
            "p95": round(percentile(times[size], 0.95), 1),
            "sql": max(counts[size]),
        }
        for size in times
    }


def check(response, page: Page) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{page.name}: {response.status_code} for {response.request.url}")


def say(*args, **options) -> None:
    print(*args, file=sys.stderr, flush=True, **options)


def build(size: int, server_url: str | None, stack: contextlib.ExitStack) -> Site:
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    url = stack.enter_context(Database(server_url, folder, size))
    app = make_app(url, folder)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        seeded = seed(size, progress=lambda made: say(f"  {made} certificates", end="\r"))
        say(f"{size} certificates seeded in {time.perf_counter() - started:.1f} s")
        db.session.remove()
    stack.callback(_dispose, app)
    return Site(size, app, seeded)


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def measure(sizes: list[int], server_url: str | None, runs: int, pages) -> dict:
    results: dict[str, dict] = {str(size): {} for size in sizes}
    with contextlib.ExitStack() as stack:
        sites = [build(size, server_url, stack) for size in sizes]
        freeze_start_up()  # as app.py does before a server takes requests
        for page in pages:
            for size, figures in time_page(sites, page, runs).items():
                results[str(size)][page.name] = figures
            say(
                f"  {page.name:38} "
                + "  ".join(f"{size}: {results[str(size)][page.name]}" for size in sizes)
            )
    return results


# -- output -------------------------------------------------------------------------------


def table(results: dict[str, dict], sizes: list[int]) -> str:
    head = f"{'page':38}" + "".join(f" | {size:>7} p50    p95  sql" for size in sizes)
    head += " | p95 ratio" if len(sizes) > 1 else ""
    lines = [head, "-" * len(head)]
    for name in results[str(sizes[0])]:
        line = f"{name:38}"
        for size in sizes:
            figures = results[str(size)][name]
            line += f" | {figures['p50']:11.1f} {figures['p95']:6.1f} {figures['sql']:4d}"
        if len(sizes) > 1:
            first, final = results[str(sizes[0])][name], results[str(sizes[-1])][name]
            line += f" | {final['p95'] / max(first['p95'], 0.1):6.2f}x"
        lines.append(line)
    return "\n".join(lines)


def comparison(before: dict, after: dict) -> str:
    """p95 before -> after for each page and size (two --json outputs of this script)."""
    sizes = [size for size in before if size in after]
    head = f"{'page (p95 ms, before -> after)':38}" + "".join(f" | {s:>17}" for s in sizes)
    lines = [head, "-" * len(head)]
    for name in before[sizes[0]]:
        cells = []
        for size in sizes:
            old, new = before[size].get(name), after[size].get(name)
            cells.append(f"{old['p95']:7.1f} -> {new['p95']:6.1f}" if old and new else " " * 17)
        lines.append(f"{name:38}" + "".join(f" | {cell}" for cell in cells))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--runs", type=int, default=30, help="requests per page and size")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="a PostgreSQL server (scratch databases are made on it)")  # fmt: skip
    parser.add_argument("--pages", default="", help="only pages whose name contains this")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--show", nargs="+", metavar="FILE",
                        help="no run: print the table of a --json output, or before -> after "
                        "of two")  # fmt: skip
    args = parser.parse_args()
    if args.show:
        figures = [json.loads(Path(name).read_text()) for name in args.show]
        if len(figures) == 2:
            print(comparison(*figures))
        else:
            print(table(figures[0], [int(size) for size in figures[0]]))
        return
    pages = [page for page in PAGES if args.pages.lower() in page.name.lower()]
    engine = "PostgreSQL" if args.database_url else "SQLite"
    if not args.json:
        print(f"{engine}, {args.runs} requests per page, times in ms", file=sys.stderr)
    results = measure(args.sizes, args.database_url, args.runs, pages)
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print(f"\n{engine}: p50 / p95 in ms and SQL statements per request")
        print(table(results, args.sizes))


if __name__ == "__main__":
    main()
