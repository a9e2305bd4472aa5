"""Every page's address parameters, hostile (huge and negative numbers, impossible and far dates,
unknown sorts and states, tampered page keys, very long text, control characters): no answer
may be a server error.

The parameters tried are every name the app reads from an address (found in its source, so a
list added later is covered too) and the list parameters of certification/listing.py and
paging.py. Each page is asked as the first person who may see it, with all of them at once set
to hostile values, then each alone set to the harshest ones. Pages with an id in their address
are asked for the world's objects.

All of it is some 10,000 requests, too many for every run of the suite: each run tries a sample
(a few hostile values per page, a few parameters alone), drawn from a seed that changes each day
and is named in the failure message. `FUZZ_QUERIES=all` tries everything; `FUZZ_SEED=N` repeats a
run's sample.
"""

from __future__ import annotations

import os
import random
import re
from datetime import date
from pathlib import Path

from certification.extensions import db
from certification.paging import encode
from tests.web.test_fuzz import build_world

SOURCE = Path(__file__).resolve().parents[2] / "certification"
READ = re.compile(
    r"""args(?:\.get|\.getlist)?\(\s*["']([a-z_]+)["']"""
    r"""|\(\s*(?:request\.)?args,\s*["']([a-z_]+)["']"""
    r"""|args\[["']([a-z_]+)["']\]"""
)
LIST_PARAMETERS = {"q", "sort", "state", "show", "from", "to", "after", "before", "last", "page"}
ROLES = ("planner", "admin", "committee", "auditor", "client", "nobody")
BIG = 10**30
HOSTILE = [
    "",
    " ",
    "-1",
    "0",
    "9" * 30,
    "-" + "9" * 30,
    "1e309",
    "NaN",
    "2.5",
    "abc",
    "9999-99-99",
    "9999-12-31",
    "0001-01-01",
    "99999-12-31",
    "2026-02-30",
    "-organisation",
    "--",
    "ø" * 20_000,
    "\x00\x01\x7f",
    "\u202eİ̇ß\U0001d518\ufeff👩‍👩‍👧",
    "<script>alert(1)</script>{{7*7}}%(x)s",
    "[]",
    # tampered page keys: well-formed cursors holding values no column can take
    encode(0, [BIG]),
    encode(0, [-BIG, BIG]),
    encode(0, ["\x00", BIG]),
    encode(0, ["9999-12-31", BIG]),
    encode(0, ["0001-01-01T00:00:00+00:00", 1]),
    encode(0, ["zz", 1]),
    encode(0, [None, None]),
    encode(0, [True, 1]),
    encode(7, [1, 1]),
    encode(-1, [1]),
    "e30",  # {} in base64
]
CURSORS = HOSTILE[-12:]
# Each parameter alone gets these (the tampered keys go to `before` alone: all at once, `after`
# is read first; `last` is left out of "all at once" so that the keys are read at all).
ALONE = ("9" * 30, "9999-12-31")
EVERYTHING = os.environ.get("FUZZ_QUERIES") == "all"
SEED = int(os.environ.get("FUZZ_SEED") or date.today().toordinal())
VALUES_PER_PAGE = 3  # hostile values set all at once on each page, in a sampled run
ALONE_PER_PAGE = 4  # parameters set alone on each page, in a sampled run


def parameters() -> list[str]:
    """Every name the app reads from an address, and the lists' own."""
    found = set(LIST_PARAMETERS)
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            found.add(next(group for group in match.groups() if group))
    return sorted(found)


def pages(app, ids: dict[str, int]) -> list[str]:
    """The address of every GET page: lists as they are, object pages for the world's objects."""
    names = {
        "organisation_id": ids["org"],
        "certificate_id": ids["certificate"],
        "user_id": ids["lead"],
        "audit_id": ids["on_site"],
        "application_id": ids["approved_application"],
        "quote_id": ids["issued"],
        "finding_id": ids["open"],
    }
    addresses = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if set(rule.arguments) <= set(names):
            addresses.append(rule.build({name: names[name] for name in rule.arguments})[1])
    return sorted(set(addresses))


def sign_in(client, person) -> None:
    with client.session_transaction() as session:
        session.clear()
        if person is not None:
            session["_user_id"], session["_fresh"] = person.get_id(), True


def get(client, url: str, query, failures: list, label: str) -> int:
    try:
        status = client.get(url, query_string=query).status_code
    except Exception as error:  # noqa: BLE001 - every kind of crash is a finding here
        db.session.rollback()
        failures.append(f"{url} [{label}]: {type(error).__name__}: {str(error)[:160]}")
        return 500
    if status >= 500:
        failures.append(f"{url} [{label}]: HTTP {status}")
    return status


def reader(client, people, url: str, failures: list):
    """The first person the page is shown to (200), signed in; None if nobody sees it."""
    for role in ROLES:
        sign_in(client, people[role])
        if get(client, url, {}, failures, f"as {role}") == 200:
            return people[role]
    return None


def test_no_address_parameter_answers_a_server_error(app, client, db):
    world = build_world(db.session)
    db.session.commit()
    names = parameters()
    assert {"year", "q", "sort", "after", "from"} <= set(names)
    failures: list[str] = []
    draw = random.Random(SEED)
    for url in pages(app, world.ids):
        if reader(client, world.people, url, failures) is None:
            continue
        values = HOSTILE if EVERYTHING else draw.sample(HOSTILE, VALUES_PER_PAGE)
        for value in values:
            every = {name: value for name in names if name != "last"}
            get(client, url, every, failures, f"all {value[:20]!r}")
        for name in names if EVERYTHING else draw.sample(names, ALONE_PER_PAGE):
            for value in CURSORS if name == "before" else ALONE:
                get(client, url, {name: value}, failures, f"{name}={value[:20]!r}")
    sample = "every value" if EVERYTHING else f"the sample of FUZZ_SEED={SEED}"
    assert not failures, f"{sample}:\n" + "\n".join(failures[:60])
