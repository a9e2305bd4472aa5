"""Counts in the reader's language: every shown count goes through ngettext, whose plural
formulas (Russian: 1 / 2-4 / 5-20 forms; Arabic: six) come with each catalogue."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import get_locale, ngettext

from certification.i18n import formatting
from certification.i18n.languages import language_of

# gettext's plural formulas know whole numbers only. A fraction ("2.5 auditor-days") takes, in
# each language, the form of one whole number: Russian the genitive singular of 2-4 ("2,5
# человеко-дня"), Arabic the form of 100 (CLDR "other"), English the plural; Turkish, Georgian
# and Vietnamese have one form.
FRACTION_LIKE = {"ar": 100}


def plural_number(value, locale: object = None) -> int:
    """The whole number whose plural form `value` takes in the reader's language."""
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return int(amount)
    return FRACTION_LIKE.get(language_of(locale if locale is not None else get_locale()), 2)


def auditor_days(value) -> str:
    """ "1 auditor-day", "2.5 auditor-days", "2,5 человеко-дня"."""
    return ngettext(
        "%(days)s auditor-day",
        "%(days)s auditor-days",
        plural_number(value),
        days=formatting.number(value, 1),
    )
