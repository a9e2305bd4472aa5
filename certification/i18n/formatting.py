"""Dates, numbers, percentages, money and country names written for the reader's locale (CLDR,
through Babel): "1.234,5" in Turkish, "1 234,5" in Russian, "%87,5" in Turkish, "87,5 %" in
Russian, "₺" or "€" where each language puts them.

Each function takes the locale or, without one, the current Flask-Babel locale (the reader's).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask_babel import get_locale, get_timezone

from certification.i18n import local_time
from certification.i18n.languages import language_of

MISSING = "—"


def reader_locale(locale: object = None) -> Locale:
    return Locale.parse(language_of(locale if locale is not None else get_locale()))


def day(value: date | datetime | None, missing: str = MISSING, locale: object = None) -> str:
    """A calendar day, "12 Mar 2026" / "12 мар. 2026 г." / "12 მარ. 2026"."""
    if value is None:
        return missing
    if isinstance(value, datetime):  # a stored moment: its day where the body works
        value = local_time.local_day(value, local_time.body_zone())
    return _day(value, language_of(locale if locale is not None else get_locale()))


@lru_cache(maxsize=4096)
def _day(value: date, language: str) -> str:
    """Formatted once per day and language (Babel parses the locale and the pattern each time:
    25 us a date, and a list page or a report writes dozens of them)."""
    return babel_dates.format_date(value, "medium", locale=Locale.parse(language))


def clock(value: datetime | None, missing: str = MISSING, locale: object = None) -> str:
    """The time of day of a stored (UTC) moment in the app's time zone, "14:05" / "2:05 PM"."""
    if value is None:
        return missing
    return babel_dates.format_time(
        value, "short", tzinfo=get_timezone(), locale=reader_locale(locale)
    )


def number(value, fraction_digits: int = 1, locale: object = None) -> str:
    """A number with at most `fraction_digits` decimals and the locale's separators."""
    pattern = "#,##0" + ("." + "#" * fraction_digits if fraction_digits else "")
    return babel_numbers.format_decimal(
        Decimal(str(value)).normalize(), format=pattern, locale=reader_locale(locale)
    )


def percent(value, fraction_digits: int = 1, locale: object = None) -> str:
    """`value` in percent (87.5 means 87.5 %) with the locale's sign and its place."""
    language = language_of(locale if locale is not None else get_locale())
    return _percent(str(value), fraction_digits, language)


@lru_cache(maxsize=4096)
def _percent(value: str, fraction_digits: int, language: str) -> str:
    """A report writes the same few scores ("100 %", "50 %") dozens of times: each is formatted
    once per language."""
    loc = Locale.parse(language)
    pattern = loc.percent_formats[None].pattern
    if fraction_digits:
        # The locale's own pattern ("#,##0%", "%#,##0", "#,##0 %") with optional decimals.
        pattern = re.sub(r"0(?![0#])", "0." + "#" * fraction_digits, pattern, count=1)
    return babel_numbers.format_percent(
        Decimal(value) / 100, format=pattern, locale=loc, decimal_quantization=True
    )


def money(value, currency: str = "", locale: object = None) -> str:
    """An amount with its currency (ISO 4217 code) as the locale writes it: "€1,234.50",
    "1.234,50 €", "1 234,50 €"; a plain number when no currency is given."""
    loc = reader_locale(locale)
    amount = Decimal(str(value))
    if not currency:
        return babel_numbers.format_decimal(amount, format="#,##0.00", locale=loc)
    return babel_numbers.format_currency(amount, currency, locale=loc)


def country(code: str | None, locale: object = None) -> str:
    """A country's name in the reader's language from its ISO 3166 code ("GE" -> "Georgia",
    "Грузия", "საქართველო"); an unknown code is shown as it is."""
    if not code:
        return ""
    return reader_locale(locale).territories.get(code.upper(), code)


def language(code: str | None, locale: object = None) -> str:
    """A language's name in the reader's language ("ka" -> "Georgian", "грузинский")."""
    if not code:
        return ""
    return reader_locale(locale).languages.get(code, code)
