"""The certification schemes a client can apply for (until checklist files name them)."""

from __future__ import annotations

# (scheme id, edition, title). Auditor qualifications use the same scheme ids. The edition is the
# ISO edition whose clause structure the scheme follows: the Turkish adoption of ISO 10002:2004
# is TS ISO 10002:2006 (no Turkish standard is dated 2004; the 2018 edition is TS ISO 10002:2018).
SCHEMES: list[tuple[str, str, str]] = [
    ("iso10002", "2018", "ISO 10002:2018"),
    ("ts-iso10002", "2004", "TS ISO 10002:2006"),
    ("csat-star", "2018", "Customer satisfaction star scheme (on ISO 10002:2018)"),
]


def scheme_title(scheme: str, edition: str) -> str:
    """The title shown to people; an unknown pair still shows something readable."""
    for scheme_id, scheme_edition, title in SCHEMES:
        if (scheme_id, scheme_edition) == (scheme, edition):
            return title
    return f"{scheme} {edition}".strip()


def is_known(scheme: str, edition: str) -> bool:
    return any((s, e) == (scheme, edition) for s, e, _title in SCHEMES)


def choices() -> list[tuple[str, str]]:
    """Options for one select: value "scheme:edition"."""
    return [(f"{s}:{e}", title) for s, e, title in SCHEMES]


def parse_choice(value: str) -> tuple[str, str]:
    """ "iso10002:2018" -> ("iso10002", "2018"); ("", "") when malformed."""
    scheme, sep, edition = (value or "").partition(":")
    return (scheme, edition) if sep else ("", "")
