"""No page offers a link its reader may not open (certification/links.py): walking the demo as a
planner, an auditor, a committee member, an administrator and a client, every link followed
answers; none answers 403 (not for you) or 404 (not yours, or gone).

The walk is breadth first and takes a few addresses of each shape (/organisations/N, ...), so
that it reaches every kind of page within its budget rather than every organisation."""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from urllib.parse import urlsplit

from certification.demo import DEMO_PASSWORD

SKIPPED = (".pdf", ".xlsx", ".ics", ".zip", ".csv", ".jpg", ".png", "/logout", "/download")
PER_SHAPE = 3  # addresses of one shape followed
LIMIT = 400  # pages per person


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def refused_links(client, start: str = "/") -> tuple[list[str], int]:
    """("status address <- the page linking to it", ...) and the number of pages read."""
    seen, queue, refused = {start}, deque([(start, "")]), []
    shapes: Counter = Counter()
    pages = 0
    while queue and pages < LIMIT:
        address, source = queue.popleft()
        response = client.get(address)
        pages += 1
        status, kind = response.status_code, response.content_type or ""
        body = response.get_data(as_text=True) if "html" in kind else ""
        location = response.headers.get("Location", "")
        response.close()
        if status in (403, 404):
            refused.append(f"{status} {address} <- {source}")
        links = re.findall(r'href="(/[^"#]*)', body) + ([location] if location else [])
        for link in links:
            link = html.unescape(re.sub(r"^https?://[^/]+", "", link))
            path = urlsplit(link).path
            if link in seen or path.startswith("/static") or any(w in path for w in SKIPPED):
                continue
            seen.add(link)
            shapes[shape(path)] += 1
            if shapes[shape(path)] <= PER_SHAPE:
                queue.append((link, address))
    return refused, pages


def test_no_link_leads_to_a_refusal(demo_site):
    app, people = demo_site
    found, read = [], {}
    for email in people:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        refused, read[email] = refused_links(client)
        found += [f"{email}: {line}" for line in refused]
    assert found == []
    assert all(pages > 10 for pages in read.values()), read  # each walk got past the home page
    assert sum(read.values()) > 300, read


def test_the_walk_sees_a_refused_link(demo_site):
    """The walk reports a page that refuses its reader (here another team's audit)."""
    from sqlalchemy import select

    from certification.accounts.models import User
    from certification.extensions import db
    from certification.programme.models import Audit, AuditTeamMember

    app, _people = demo_site
    with app.app_context():
        me = db.session.scalar(select(User.id).where(User.email == "auditor@demo.test"))
        theirs = db.session.scalar(
            select(Audit.id).where(~Audit.team.any(AuditTeamMember.user_id == me)).limit(1)
        )
    client = app.test_client()
    client.post("/login", data={"email": "auditor@demo.test", "password": DEMO_PASSWORD})
    refused, _pages = refused_links(client, start=f"/programme/audits/{theirs}")
    assert refused == [f"404 /programme/audits/{theirs} <- "]


def test_an_auditors_histories_link_the_audits_of_its_own_teams(demo_site):
    """The organisations' timelines the demo auditor reads link the audits of its own teams, and
    every link in them answers (history links are checked per subject: links.subject_links)."""
    from sqlalchemy import select

    from certification.accounts.models import User
    from certification.extensions import db
    from certification.programme.models import Audit, AuditTeamMember

    app, _people = demo_site
    with app.app_context():
        me = db.session.scalar(select(User.id).where(User.email == "auditor@demo.test"))
        mine = db.session.execute(
            select(Audit.id, Audit.organisation_id).join(AuditTeamMember)
            .where(AuditTeamMember.user_id == me)
        ).all()  # fmt: skip
    client = app.test_client()
    client.post("/login", data={"email": "auditor@demo.test", "password": DEMO_PASSWORD})
    linked = set()
    for organisation_id in {org for _audit, org in mine}:
        page = client.get(f"/organisations/{organisation_id}").get_data(as_text=True)
        timeline = html.unescape(page.split('id="timeline"')[1])
        for address in re.findall(r'href="(/[^"?#]*)"', timeline):
            assert client.get(address).status_code in (200, 302), address
            linked |= {int(n) for n in re.findall(r"^/programme/audits/(\d+)$", address)}
    assert linked and linked <= {audit for audit, _org in mine}
