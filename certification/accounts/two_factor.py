"""TOTP two-factor sign-in for staff (RFC 6238: an authenticator app), with recovery codes.

A code is good once (the last accepted time step is kept) and within one step of the clock on
either side. The shared secret is stored sealed (accounts/sealing.py), never in the clear.
Recovery codes are shown once, kept as SHA-256 hashes (they are random, so a fast hash is
enough), and each works for one sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, select

from certification.accounts import sealing
from certification.accounts.models import RecoveryCode, Role, User
from certification.activity.notes import log_note
from certification.activity.services import record
from certification.extensions import db
from certification.settings import services as settings

RECOVERY_CODES = 10
ROLES_THAT_MAY_BE_REQUIRED = (Role.ADMIN, Role.COMMITTEE)


def new_secret() -> str:
    return pyotp.random_base32()


def enrolment_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["BODY_NAME"]
    )


def qr_svg(uri: str) -> Markup:
    """The enrolment QR code as inline SVG (no image request, no inline style)."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, dark="#1b2a3a"))


def is_required(user: User) -> bool:
    """The admin setting: admins and committee members must sign in with a second factor."""
    return user.role in ROLES_THAT_MAY_BE_REQUIRED and bool(settings.get("two_factor_for_staff"))


def must_enrol(user: User) -> bool:
    return not user.has_two_factor and is_required(user)


def _step_accepted(user: User, secret: str, code: str, now: datetime) -> int | None:
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if step > (user.totp_last_step or -1) and hmac.compare_digest(
            totp.generate_otp(step), code
        ):
            return step
    return None


def enable(user: User, secret: str, code: str, now: datetime) -> list[str] | None:
    """Turn two-factor on once the app shows the right code; returns the recovery codes."""
    step = _step_accepted(user, secret, code, now)
    if step is None:
        return None
    user.totp_secret, user.totp_last_step = sealing.seal(secret), step
    codes = _new_recovery_codes(user)
    db.session.flush()
    record(user, user, "two_factor_enabled")
    return codes


def verify(user: User, code: str, now: datetime) -> bool:
    """A code from the app, or an unused recovery code (which is then spent)."""
    if not user.has_two_factor:
        return False
    secret = stored_secret(user)
    step = _step_accepted(user, secret, code, now) if secret is not None else None
    if step is not None:
        user.totp_last_step = step
        db.session.flush()
        return True
    wanted = _hash(code)
    for row in db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ):
        if hmac.compare_digest(row.code_hash, wanted):
            row.used_at = now
            db.session.flush()
            record(user, user, "recovery_code_used")
            return True
    return False


def stored_secret(user: User) -> str | None:
    """The user's TOTP secret, opened; None when no configured key opens it (the keys changed:
    recovery codes still work, and an admin can reset the second factor)."""
    try:
        return sealing.unseal(user.totp_secret or "")
    except sealing.Unsealable:
        current_app.logger.warning("The two-factor secret of user %s cannot be opened", user.id)
        return None


def seal_for_enrolment(secret: str) -> str:
    """The secret being set up, as kept in the session cookie (signed, not encrypted) meanwhile."""
    return sealing.seal(secret)


def open_enrolment(sealed: str | None) -> str | None:
    try:
        return sealing.unseal(sealed) if sealed else None
    except sealing.Unsealable:
        return None


def disable(actor, user: User) -> None:
    """Turn two-factor off (the user themselves, or an admin for a lost phone)."""
    user.totp_secret, user.totp_last_step = None, None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
    record(actor, user, "two_factor_disabled", note=None if actor is user else log_note("by_admin"))


def unused_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    return codes


def _hash(code: str) -> str:
    return hashlib.sha256("".join(code.lower().split()).encode()).hexdigest()
