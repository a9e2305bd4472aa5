"""The checklist's own language on site (#13): questions, guidance and titles in another language
than the interface's, e.g. to read along with a client who speaks Georgian.

Kept in the session, not on the user: it belongs to the visit (this sign-in, every tab of it);
the interface language stays the user's stored preference and is the default here.
"""

from __future__ import annotations

from flask import session
from flask_babel import get_locale

from certification.i18n.languages import LANGUAGES

CHECKLIST_LANGUAGE = "checklist_language"


def chosen_language() -> str | None:
    """The language picked for checklist texts in this session, if any."""
    chosen = session.get(CHECKLIST_LANGUAGE)
    return chosen if chosen in LANGUAGES else None


def checklist_language() -> str:
    """The language for checklist texts: the chosen one, else the interface's; a text missing in
    it is shown in English (loader.text)."""
    return chosen_language() or str(get_locale() or "en")


def choose(language: str) -> None:
    """Keep `language` for this session ("" follows the interface again); the caller has
    checked it is one of LANGUAGES."""
    if language:
        session[CHECKLIST_LANGUAGE] = language
    else:
        session.pop(CHECKLIST_LANGUAGE, None)
