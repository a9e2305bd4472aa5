"""Column helpers shared by every domain's models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, literal_column
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def sql_constant(value: str):
    """One of our own state or kind names written into the SQL as it is, not bound: a partial
    index's terms, so that both databases see that a query's terms imply the index's."""
    assert value.isidentifier()
    return literal_column(f"'{value}'")


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
