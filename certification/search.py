"""Finding rows by a piece of their text: organisation names and cities, and the numbers the
lists are searched by (certificate, quote, complaint, appeal numbers; a transferred certificate's
number; the organisation a complaint names in words).

One function, `contains`, for every search of the app; behind it each database uses an index
made for "contains" (a LIKE '%...%' alone reads every row):

- PostgreSQL: a GIN trigram index (extension pg_trgm) on the searched column; LIKE and ILIKE
  use it as they are. Creating the extension needs the right to; without it the search still
  works, unindexed.
- SQLite: an FTS5 table with the trigram tokenizer, kept by triggers (external content), asked
  for the rows whose text holds the phrase; "contains" for three characters or more.

Neither lives in the models' metadata: `install` makes them (after `create_all`, in the
migration, and after every `flask db upgrade`, since SQLite's batch migrations rebuild a table
without its triggers), and Alembic's comparison leaves them out (`managed_here`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    event,
    literal,
    literal_column,
    select,
    table,
    text,
    true,
    union_all,
)

from certification.appeals.models import Appeal
from certification.certificates.models import Certificate
from certification.complaints.models import Complaint
from certification.extensions import db
from certification.organisations.models import Organisation, fold
from certification.quotes.models import Quote
from certification.transfers.models import Transfer

log = logging.getLogger(__name__)
TRIGRAM = 3  # the shortest text a trigram index can find; shorter ones read every row


@dataclass(frozen=True)
class Searched:
    """A searched text column: folded already (Organisation.search_text: no case, no accents)
    or matched regardless of case."""

    attribute: object
    folded: bool
    name: str = ""  # the FTS table's name where a table has two searched columns

    @property
    def table(self) -> str:
        return self.attribute.table.name

    @property
    def column(self) -> str:
        return self.attribute.key

    @property
    def fts(self) -> str:
        return self.name or f"{self.table}_search"

    @property
    def trigram_index(self) -> str:
        return f"ix_{self.table}_{self.column}_trgm"


ORGANISATIONS = Searched(Organisation.search_text, folded=True)
CERTIFICATE_NUMBERS = Searched(Certificate.number, folded=False)
# The lists' searches (certification/listing.py `matching`): a number contains the text typed
# ("0042" finds Q-2026-0042), so a prefix index would not serve them; a trigram index does.
QUOTE_NUMBERS = Searched(Quote.number, folded=False)
COMPLAINT_NUMBERS = Searched(Complaint.number, folded=False)
COMPLAINT_NAMES = Searched(Complaint.named_organisation, False, "complaints_named_search")
APPEAL_NUMBERS = Searched(Appeal.number, folded=False)
TRANSFERRED_NUMBERS = Searched(Transfer.certificate_number, folded=False)
FIRST = (ORGANISATIONS, CERTIFICATE_NUMBERS)  # made by revision b6070f47103c
LISTS = (QUOTE_NUMBERS, COMPLAINT_NUMBERS, COMPLAINT_NAMES, APPEAL_NUMBERS, TRANSFERRED_NUMBERS)
SEARCHED = FIRST + LISTS  # the lists' ones made by revision 7d2e9c4b1a60


def searched_by(attribute) -> Searched:
    """The searched column behind a model's attribute (e.g. Quote.number)."""
    return next(s for s in SEARCHED if s.attribute is attribute)


def contains(searched: Searched, text_: str) -> ColumnElement[bool]:
    """A condition on the searched table: its column contains `text_` (case, accents and the
    Turkish dotless i ignored for folded columns)."""
    needle = fold(text_).strip() if searched.folded else text_.strip()
    if not needle:
        return true()
    if len(needle) >= TRIGRAM and searched.fts in _installed():
        phrase = '"' + needle.replace('"', '""') + '"'
        matching = (
            select(literal_column("rowid"))
            .select_from(table(searched.fts))
            .where(literal_column(searched.fts).op("MATCH")(literal(phrase)))
        )
        return searched.attribute.table.c.id.in_(matching)
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if searched.folded:
        return searched.attribute.like(pattern, escape="\\")
    return searched.attribute.ilike(pattern, escape="\\")


def certificates_containing(text_: str) -> ColumnElement[bool]:
    """A condition on certificates: the number contains `text_`, or the organisation's name or
    city does.

    SQLite: one list of ids, the union of the two searches. As an OR of two conditions it
    walked every active certificate in the list's order to find the few that match (a number
    typed into the register: 57 ms at 50,000 certificates; 6 ms as one list).

    PostgreSQL: when no number holds the text (one probe of the numbers' trigram index), the
    organisations' condition alone. The planner then weighs the organisations it expects to
    match: for a common word it walks the list's order until the page is full, for a rare one
    it looks up the few. The union hid their number behind a default guess (200 rows), so a
    common word hashed every match and sorted them all: the register's "Marmara" (one
    organisation in five) 111 ms at 50,000 certificates, now 3 ms."""
    by_organisation = Certificate.organisation_id.in_(
        select(Organisation.id).where(contains(ORGANISATIONS, text_))
    )
    by_number = contains(CERTIFICATE_NUMBERS, text_)
    if db.session.get_bind().dialect.name == "postgresql" and not _any(by_number):
        return by_organisation
    return Certificate.id.in_(
        union_all(
            select(Certificate.id).where(by_number),
            select(Certificate.id).where(by_organisation),
        )
    )


def _any(condition: ColumnElement[bool]) -> bool:
    """A certificate meets the condition."""
    return db.session.scalar(select(literal(1)).where(condition).limit(1)) is not None


# -- making the indexes -----------------------------------------------------------------------


def install(connection: Connection, which: tuple[Searched, ...] = SEARCHED) -> None:
    """Make whatever search index is missing (idempotent); SQLite's are filled on creation."""
    if connection.dialect.name == "sqlite":
        for searched in which:
            _install_fts(connection, searched)
    elif connection.dialect.name == "postgresql" and (schema := _trigram_schema(connection)):
        for searched in which:
            connection.execute(
                text(
                    f"CREATE INDEX IF NOT EXISTS {searched.trigram_index} ON {searched.table} "
                    f'USING gin ({searched.column} "{schema}".gin_trgm_ops)'
                )
            )
    _INSTALLED.clear()


def _triggers(searched: Searched) -> dict[str, str]:
    fts, source, column = searched.fts, searched.table, searched.column
    add = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"
    remove = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    return {
        f"{fts}_insert": f"AFTER INSERT ON {source} BEGIN {add} END",
        f"{fts}_delete": f"AFTER DELETE ON {source} BEGIN {remove} END",
        f"{fts}_update": f"AFTER UPDATE OF {column} ON {source} BEGIN {remove} {add} END",
    }


def _install_fts(connection: Connection, searched: Searched) -> None:
    present = text("SELECT name FROM sqlite_master WHERE name LIKE :prefix")
    names = set(connection.execute(present, {"prefix": f"{searched.fts}%"}).scalars())
    triggers = _triggers(searched)
    if {searched.fts, *triggers} <= names:
        return
    try:
        connection.execute(text(f"DROP TABLE IF EXISTS {searched.fts}"))
        connection.execute(
            text(
                f"CREATE VIRTUAL TABLE {searched.fts} USING fts5({searched.column}, "
                f"content='{searched.table}', content_rowid='id', tokenize='trigram')"
            )
        )
    except Exception as error:  # an SQLite built without FTS5: LIKE it is
        log.warning("no full-text index for %s: %s", searched.table, error)
        return
    for name, body in triggers.items():
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        connection.execute(text(f"CREATE TRIGGER {name} {body}"))
    connection.execute(text(f"INSERT INTO {searched.fts}({searched.fts}) VALUES ('rebuild')"))


def _trigram_schema(connection: Connection) -> str | None:
    """The schema of pg_trgm, made now (in public, which outlives an app's own schema) if this
    role may; None without it (no trigram indexes)."""
    for statement in (
        "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public",
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    ):
        try:
            with connection.begin_nested():
                connection.execute(text(statement))
            break
        except Exception as error:
            log.warning("pg_trgm could not be made (%s): %s", statement, error)
    return connection.execute(
        text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar()


_INSTALLED: dict[object, set[str]] = {}


def _installed() -> set[str]:
    """The FTS tables of this database (asked once per engine)."""
    engine = db.engine
    if engine not in _INSTALLED:
        names: set[str] = set()
        if engine.dialect.name == "sqlite":  # the session's connection: a test's own view
            tables = text("SELECT name FROM sqlite_master WHERE type = 'table'")
            names = set(db.session.execute(tables).scalars())
        _INSTALLED[engine] = {s.fts for s in SEARCHED} & names
    return _INSTALLED[engine]


def managed_here(name: str | None, type_: str, _parent_names=None) -> bool:
    """Alembic's include_name: False for the search structures kept out of the metadata."""
    if type_ == "table" and name:
        return not any(name == s.fts or name.startswith(f"{s.fts}_") for s in SEARCHED)
    if type_ == "index" and name:
        return name not in {s.trigram_index for s in SEARCHED}
    return True


@event.listens_for(db.metadata, "after_create")
def _after_create(_metadata, connection, **_kw) -> None:
    install(connection)


@event.listens_for(db.metadata, "before_drop")
def _before_drop(_metadata, connection, **_kw) -> None:
    if connection.dialect.name == "sqlite":
        for searched in SEARCHED:
            connection.execute(text(f"DROP TABLE IF EXISTS {searched.fts}"))
    _INSTALLED.clear()
