"""Finding rows by a piece of their text: organisation names and cities, certificate numbers.

One function, `contains`, for every search of the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement

from certification.certificates.models import Certificate
from certification.organisations.models import Organisation, fold


@dataclass(frozen=True)
class Searched:
    """A searched text column: folded (Organisation.search_text) or matched without case."""

    column: object
    folded: bool


ORGANISATIONS = Searched(Organisation.search_text, folded=True)
CERTIFICATE_NUMBERS = Searched(Certificate.number, folded=False)


def contains(searched: Searched, text: str) -> ColumnElement[bool]:
    """A condition: the column contains `text` (case, accents and the Turkish dotless i
    ignored for folded columns)."""
    needle = fold(text).strip() if searched.folded else text.strip()
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if searched.folded:
        return searched.column.like(pattern, escape="\\")
    return searched.column.ilike(pattern, escape="\\")
