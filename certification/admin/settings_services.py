"""Editing the body's settings: every value checked, then all saved or none.

Policy values with their defaults live in certification/settings/services.py
(../shared/domain.md names them); this module is the admin's verb over them.
"""

from __future__ import annotations

import re
import string
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from certification.activity.changes import changed_fields, field_changed
from certification.activity.services import record
from certification.extensions import db
from certification.i18n import formatting
from certification.organisations.models import Organisation
from certification.settings import services as settings

MONEY_KEYS = ("day_rates", "application_fee", "certificate_fee")
MONEY_LIMIT = Decimal("100000000")
INTEGER_RANGES = {
    "quote_validity_days": (1, 365),
    "action_plan_days": (1, 365),
    "stage1_warn_days": (1, 365),
    "stage1_void_months": (1, 24),
    "suspension_months": (1, 12),
    "complaint_acknowledge_days": (1, 60),
    "complaint_answer_days": (1, 120),
    "complaint_reply_days": (1, 120),
    "appeal_days": (1, 365),
}
STAGE1_PERCENT = (10, 60)
CERTIFICATE_NUMBER_MAX = 60  # IAF MD 28: a certificate number has at most 60 characters
CURRENCY_CODE = re.compile(r"[A-Z]{3}")


class SettingsError(Exception):
    """Refused settings: one message per setting key."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class BodySettings:
    """Stands for the settings as a whole in the activity log."""

    id = None
    organisation_id = None


def update_settings(actor, proposed: dict[str, object]) -> list[str]:
    """Save every proposed setting or none at all; returns the keys that changed."""
    errors = settings_problems(proposed)
    if errors:
        raise SettingsError(errors)
    changed, lines = [], []
    for key, value in _normalised(proposed).items():
        old = settings.get(key)
        if old != value:
            changed.append(key)
            lines += _described_setting(key, old, value)
            settings.put(key, value)
    if changed:
        record(actor, BodySettings(), "settings_updated", note=changed_fields(lines))
    return changed


def settings_problems(proposed: dict[str, object]) -> dict[str, str]:
    """Every refused value, keyed by setting; an empty dict means all may be saved."""
    unknown = set(proposed) - set(settings.DEFAULTS)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    errors: dict[str, str] = {}
    for key in MONEY_KEYS:
        if key in proposed and (problem := _money_problem(key, proposed[key])):
            errors[key] = problem
    if "day_rates" in proposed and "day_rates" not in errors:
        if problem := _removed_currency_problem(set(proposed["day_rates"])):
            errors["day_rates"] = problem
    for key, (low, high) in INTEGER_RANGES.items():
        value = proposed.get(key, low)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[key] = _("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)
    checks = {
        "stage1_share": _stage1_share_problem,
        "due_windows": _due_windows_problem,
        "certificate_number_format": certificate_number_problem,
        "holidays": _holidays_problem,
    }
    for key, check in checks.items():
        if key in proposed and (problem := check(proposed[key])):
            errors[key] = problem
    if not isinstance(proposed.get("two_factor_for_staff", False), bool):
        errors["two_factor_for_staff"] = _("Say whether a second factor is required: yes or no.")
    return errors


def _money_problem(key: str, amounts) -> str | None:
    if not isinstance(amounts, dict) or (key == "day_rates" and not amounts):
        return _("Keep at least one currency with its day rate.")
    for code, raw in amounts.items():
        if not CURRENCY_CODE.fullmatch(str(code)):
            return _(
                "%(code)s is not a currency code: use three capital letters, e.g. EUR.", code=code
            )
        amount = _decimal(raw)
        if amount is None or amount.as_tuple().exponent < -2 or amount >= MONEY_LIMIT:
            return _(
                "Enter the amount for %(code)s as a number with at most two decimals.", code=code
            )
        if key == "day_rates" and amount <= 0:
            return _("The day rate for %(code)s must be more than zero.", code=code)
        if amount < 0:
            return _("The fee for %(code)s cannot be negative.", code=code)
    return None


def _removed_currency_problem(kept: set[str]) -> str | None:
    """A currency that client organisations are billed in cannot disappear."""
    removed = set(settings.get("day_rates")) - kept
    if not removed:
        return None
    in_use = db.session.scalars(
        select(Organisation.currency).where(Organisation.currency.in_(removed)).distinct()
    ).all()
    if in_use:
        return _(
            "%(codes)s cannot be removed: organisations are billed in it.",
            codes=", ".join(sorted(in_use)),
        )
    return None


def _stage1_share_problem(value) -> str | None:
    try:
        percent = Fraction(str(value)) * 100
    except (ValueError, ZeroDivisionError):
        percent = None
    low, high = STAGE1_PERCENT
    if percent is None or not low <= percent <= high:
        return _(
            "Stage 1 takes from %(low)s to %(high)s of the initial audit time.",
            low=formatting.percent(low),
            high=formatting.percent(high),
        )
    return None


def _due_windows_problem(value) -> str | None:
    numbers = value if isinstance(value, list) else []
    whole = all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in numbers)
    descending = all(a > b for a, b in zip(numbers, numbers[1:], strict=False))
    if len(numbers) != 3 or not whole or not descending:
        return _("Give three whole numbers of days, largest first, e.g. 90, 30, 7.")
    return None


def _holidays_problem(value) -> str | None:
    """The body's holidays: days (YYYY-MM-DD) that do not count as working days."""
    if not isinstance(value, list) or not all(isinstance(day, str) for day in value):
        return _("Give one day per line, as YYYY-MM-DD.")
    for day in value:
        try:
            date.fromisoformat(day)
        except ValueError:
            return _("%(day)s is not a day: write it as YYYY-MM-DD.", day=day)
    return None


def parse_holidays(text: str) -> list[str]:
    """One day per line (or separated by commas), sorted and without repeats."""
    parts = {p.strip() for p in re.split(r"[,;\s]+", text or "") if p.strip()}
    return sorted(parts)


def certificate_number_problem(pattern) -> str | None:
    """Only {year} and {seq} (with a number format) may appear, and {seq} must."""
    try:
        fields = [
            (n, spec, conv)
            for _t, n, spec, conv in string.Formatter().parse(pattern)
            if n is not None
        ]
    except (ValueError, TypeError):
        return _("The format has a brace { or } without its pair.")
    if any(n not in ("year", "seq") or conv or (n == "year" and spec) for n, spec, conv in fields):
        return _("Use only the placeholders {year} and {seq}, e.g. TR-{year}-{seq:05d}.")
    if "seq" not in {n for n, _spec, _conv in fields}:
        return _("The format must contain {seq}, the running number.")
    try:
        sample = certificate_number_sample(pattern, 2026, 99999)
    except (ValueError, TypeError):
        return _("The number format in {seq:...} is not valid; for example {seq:05d} works.")
    if len(sample) > CERTIFICATE_NUMBER_MAX:
        return ngettext(
            "Certificate numbers can have at most %(num)d character.",
            "Certificate numbers can have at most %(num)d characters.",
            CERTIFICATE_NUMBER_MAX,
        )
    return None


def certificate_number_sample(pattern: str, year: int, seq: int = 1) -> str:
    return pattern.format(year=year, seq=seq)


def percent_from_share(share) -> Decimal:
    """The stored fraction as a percentage with one decimal, for the form: "1/3" gives 33.3."""
    share = Fraction(str(share))
    return round(Decimal(share.numerator * 100) / share.denominator, 1)


def share_from_percent(percent: Decimal) -> str:
    """Store 33.3 as "1/3": a simple fraction when the percentage is one rounded, else exact."""
    for denominator in range(1, 13):
        simple = Fraction(round(Decimal(percent) * denominator / 100), denominator)
        if simple and percent_from_share(simple) == round(Decimal(percent), 1):
            return str(simple)
    return str(Fraction(Decimal(percent)) / 100)


def parse_due_windows(text: str) -> list[int] | None:
    """Read "90, 30, 7" as [90, 30, 7]; None when it is not whole numbers."""
    parts = [p for p in re.split(r"[,;\s]+", text or "") if p]
    return [int(p) for p in parts] if parts and all(p.isdigit() for p in parts) else None


def _decimal(value) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def _normalised(proposed: dict[str, object]) -> dict[str, object]:
    """Money as strings with two decimals, as the defaults store it."""
    values = dict(proposed)
    for key in MONEY_KEYS:
        if key in values:
            values[key] = {c: f"{Decimal(str(a)):.2f}" for c, a in sorted(values[key].items())}
    return values


def _described_setting(key: str, old, new) -> list[dict]:
    """A setting's change as log notes (activity/changes.py): one per currency for money."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [
            field_changed("setting", key, old.get(code), new.get(code), "money", currency=code)
            for code in sorted(set(old) | set(new))
            if old.get(code) != new.get(code)
        ]
    if key == "stage1_share":
        old, new = percent_from_share(old), percent_from_share(new)
    kind = (
        "yes_no" if isinstance(new, bool) else "plain" if isinstance(new, int | Decimal) else "text"
    )
    return [field_changed("setting", key, old, new, kind)]
