"""The search form of a text: what a person types finds what is stored, whatever the case, the
accents, tone marks or vowel signs, in every script the app serves.

Done in Python, not by the database, because SQLite's lower() folds ASCII only and PostgreSQL's
depends on the database's locale; both databases then compare the same folded text with LIKE.
"""

from __future__ import annotations

import unicodedata

# Letters that no Unicode decomposition takes apart, written as a person without the right
# keyboard would: Turkish dotless ı, Vietnamese đ, and a few Latin letters of client names.
# Arabic: the Lucene/Solr ArabicNormalizer folds, as Arabic search engines do: alef forms to
# bare alef (those with hamza or madda decompose already), alef maksura to yeh, teh marbuta to
# heh, Persian/Urdu yeh and keheh to Arabic yeh and kaf.
LETTERS = str.maketrans(
    {
        "ı": "i",
        "đ": "d",
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ٱ": "ا",  # alef wasla
        "ى": "ي",  # alef maksura
        "ة": "ه",  # teh marbuta
        "ی": "ي",  # farsi yeh
        "ک": "ك",  # keheh
    }
)
# Dropped: Arabic tatweel (a stretching stroke, no letter), zero-width joiners and the invisible
# direction marks that copy-and-paste brings along from right-to-left text.
DROPPED = dict.fromkeys(
    map(ord, "\u0640\u200b\u200c\u200d\u200e\u200f\u061c\u2066\u2067\u2068\u2069")
)


def fold(text: str | None) -> str:
    """Casefolded, without marks (accents, Vietnamese tones, Arabic harakat and shadda), with the
    letters above made plain and every kind of digit (Arabic-Indic ٣, ...) written 0-9."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(
        _digit(char) for char in decomposed if not unicodedata.category(char).startswith("M")
    )
    return unicodedata.normalize("NFC", bare.casefold().translate(LETTERS).translate(DROPPED))


def _digit(char: str) -> str:
    value = unicodedata.decimal(char, None)
    return char if value is None else str(value)
