"""Numbers, percentages and dates as the reader's locale writes them, on every main page: a
Turkish reader of the demo's pages never meets an English decimal ("97.1 %", "4.5 days")
beside Turkish ones ("%97,1", "4,5 gün")."""

from __future__ import annotations

import html
import re
from collections import deque
from urllib.parse import urlsplit

from sqlalchemy import update

from certification.accounts.models import User
from certification.demo import DEMO_PASSWORD
from certification.extensions import db

# An English decimal where a number is shown: beside a percent sign, or before a unit of time.
ENGLISH_DECIMAL = re.compile(
    r"(?<![\d.,])\d+\.\d+\s?%"
    r"|%\s?\d+\.\d+(?![\d.])"
    r"|(?<![\d.,])\d+\.\d+\s+(?:gün|denetçi|puan|ay\b|yıl)"
)
SKIPPED = (".pdf", ".xlsx", ".ics", ".zip", ".csv", "/logout", "/download", "/export")
LIMIT = 120  # pages per person: the lists, the pages they link to, and theirs


def visible(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<input\b[^>]*>|<textarea\b.*?</textarea>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def walk(client, start: str = "/"):
    """(address, visible text) of the pages reachable from `start` by links, breadth first."""
    seen, queue = {start}, deque([start])
    while queue and len(seen) <= LIMIT:
        address = queue.popleft()
        response = client.get(address, follow_redirects=True)
        if response.status_code != 200 or "html" not in (response.content_type or ""):
            response.close()  # a file sent from disk
            continue
        page = response.get_data(as_text=True)
        response.close()
        yield address, visible(page)
        for link in re.findall(r'href="(/[^"#]*)', page):
            link = html.unescape(link)
            path = urlsplit(link).path
            if link not in seen and not path.startswith("/static") and not link.endswith(SKIPPED):
                if not any(word in path for word in SKIPPED):
                    seen.add(link)
                    queue.append(link)


def test_turkish_pages_show_no_english_decimals(demo_site):
    app, people = demo_site
    with app.app_context():
        db.session.execute(update(User).values(locale="tr"))
        db.session.commit()
    found, pages = [], 0
    for email in people:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        for address, text in walk(client):
            pages += 1
            found += [
                f"{email} {address}: …{text[max(0, m.start() - 40) : m.end() + 20]}…"
                for m in ENGLISH_DECIMAL.finditer(text)
            ]
    assert found == []
    assert pages > 60


def test_the_walk_would_see_an_english_decimal():
    assert ENGLISH_DECIMAL.search("Puan 97.1 % oldu")
    assert ENGLISH_DECIMAL.search("memnuniyet %87.5")
    assert ENGLISH_DECIMAL.search("süre 4.5 gün")
    assert not ENGLISH_DECIMAL.search("madde 7.2 ve %97,1 ile 4,5 gün; ISO/IEC 17021-1 9.5.3.2")


def test_country_names_are_listed_in_the_readers_alphabet(client, login_as):
    login_as("planner", locale="tr")
    page = html.unescape(client.get("/organisations/new").get_data(as_text=True))
    names = re.findall(r'<option value="[A-Z]{2}"[^>]*>([^<]+) \([A-Z]{2}\)</option>', page)
    assert names.index("Cezayir") < names.index("Çin") < names.index("Danimarka")
    login_as("planner", locale="en")
    page = html.unescape(client.get("/organisations/new").get_data(as_text=True))
    names = re.findall(r'<option value="[A-Z]{2}"[^>]*>([^<]+) \([A-Z]{2}\)</option>', page)
    assert names.index("Chile") < names.index("China") < names.index("Denmark")
