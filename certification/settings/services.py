"""The body's settings: defaults here, overrides stored in the database by an admin."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from certification.extensions import db
from certification.settings.models import Setting

# Policy values (../shared/domain.md): each is the body's own choice, with these defaults.
DEFAULTS: dict[str, object] = {
    "day_rates": {"EUR": "950.00", "USD": "1050.00", "TRY": "38000.00", "GBP": "820.00"},
    "application_fee": {"EUR": "250.00", "USD": "280.00", "TRY": "9500.00", "GBP": "220.00"},
    "certificate_fee": {"EUR": "300.00", "USD": "330.00", "TRY": "11500.00", "GBP": "260.00"},
    "quote_validity_days": 30,
    "stage1_share": "1/3",
    "action_plan_days": 30,
    "stage1_warn_days": 90,
    "stage1_void_months": 6,
    "suspension_months": 6,
    "due_windows": [90, 30, 7],
    # The admin's home lists active accounts nobody signed in to for this many days.
    "dormant_account_days": 90,
    "certificate_number_format": "TR-10002-{year}-{seq:05d}",
    # ISO 10002 is guidance; whether the body's certificates are accredited is its own fact.
    "accredited": False,
    # Admins and committee members must sign in with a second factor (TOTP).
    "two_factor_for_staff": False,
    # Complaints and appeals about the body (17021-1 9.7, 9.8): time limits in working days
    # (weekends and the holidays below skipped), the appeal window in calendar days.
    "complaint_acknowledge_days": 5,
    "complaint_answer_days": 15,
    "complaint_reply_days": 10,
    "appeal_days": 30,
    "holidays": [],
}


def get(key: str):
    row = db.session.get(Setting, key)
    return DEFAULTS[key] if row is None else row.value


def put(key: str, value) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    db.session.flush()


def currencies() -> list[str]:
    return sorted(get("day_rates"))


def day_rate(currency: str) -> Decimal:
    rates = get("day_rates")
    if currency not in rates:
        raise KeyError(currency)
    return Decimal(str(rates[currency]))


def fee(name: str, currency: str) -> Decimal:
    return Decimal(str(get(name).get(currency, "0")))


def stage1_share() -> Fraction:
    return Fraction(str(get("stage1_share")))
