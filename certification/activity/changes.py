"""A change of fields, logged as data and worded in the reader's language.

`changed_fields("organisation_field", [("city", "Tbilisi", "Batumi"), ...])` keeps, for each
field, its key (not its label) and both values as data: a country as its code, a language as
its code, a yes/no as a code, text as it was (cut at 80 characters). A page words the row in
the reader's language: "City: “Tbilisi” → “Batumi”" in English, "Şehir: ..." in Turkish.
Rows written before (English text in `reason`, no params) are shown as they were written.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum

from certification.activity.notes import Coded, log_note

LONGEST_VALUE = 80  # a value longer than this is cut in the log line (the record keeps it whole)


def value(raw, kind: str = "text"):
    """A field's value as the log keeps it: `kind` is "text" (quoted, cut), "country",
    "language", "yes_no", "money" or "plain" (a number or code shown as it is)."""
    if raw is None or raw == "":
        return None
    if kind == "country":
        return {"country": str(raw)}
    if kind == "language":
        return {"language": str(raw)}
    if kind == "yes_no":
        return Coded("yes_no", "yes" if raw else "no")
    if kind == "money":
        return {"money": f"{Decimal(str(raw)):.2f}"}
    if isinstance(raw, Enum) or kind == "plain":
        return raw
    if isinstance(raw, list | tuple):
        return ", ".join(str(item) for item in raw)
    text = str(raw)
    return f"“{text[:LONGEST_VALUE]}…”" if len(text) > LONGEST_VALUE else f"“{text}”"


def field_changed(table: str, key: str, before, after, kind: str = "text", **more) -> dict:
    """One field's change; `table`: the kind of its label table (a key of notes.LOOKUPS)."""
    code = "site_field_changed" if "site" in more else "field_changed"
    if "currency" in more:
        code = "amount_changed"
    return log_note(
        code,
        field=Coded(table, key),
        before=value(before, kind),
        after=value(after, kind),
        **more,
    )


def changed_fields(changes: Iterable[dict]) -> dict | None:
    """The note of a row listing `changes` (notes made by `field_changed`); None for none."""
    changes = list(changes)
    return log_note("field_changes", changes=changes) if changes else None
