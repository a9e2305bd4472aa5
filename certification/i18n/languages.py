"""The six languages of the interface and how the reader's one is chosen."""

from __future__ import annotations

from babel import Locale

# Code -> the language's name in itself (the switcher shows each language to its own readers).
LANGUAGES = {
    "en": "English",
    "tr": "Türkçe",
    "ru": "Русский",
    "ka": "ქართული",
    "vi": "Tiếng Việt",
    "ar": "العربية",
}
DEFAULT = "en"


def supported(code: object) -> bool:
    return isinstance(code, str) and code in LANGUAGES


def language_of(locale: object) -> str:
    """ "ar", "ar_SA" or a Babel Locale -> "ar"; anything unknown -> the default."""
    code = str(locale or "").replace("-", "_").split("_")[0]
    return code if code in LANGUAGES else DEFAULT


def direction(locale: object) -> str:
    """ "rtl" for a right-to-left language (Arabic), else "ltr"; CLDR knows which is which."""
    order = Locale.parse(language_of(locale)).character_order
    return "rtl" if order == "right-to-left" else "ltr"


def choose(user_choice: object, session_choice: object, accept_languages) -> str:
    """The reader's language: their stored choice, else this session's, else what the browser
    asks for (Accept-Language, best match), else English."""
    for choice in (user_choice, session_choice):
        if supported(choice):
            return choice
    return accept_languages.best_match(tuple(LANGUAGES)) or DEFAULT
