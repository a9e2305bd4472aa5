"""Secrets kept encrypted at rest: the TOTP shared secrets of two-factor sign-in.

A TOTP secret must be read back to check a code, so it cannot be hashed like a password; a copy
of the database (a backup, a dump passed around) must still not let anyone make codes. The
secrets are sealed with Fernet (AES-128-CBC and HMAC-SHA256, from `cryptography`) under
`TWO_FACTOR_KEYS` (Fernet keys, comma-separated: the first seals, every one opens, so a key can
be rotated), or by default under a key derived from SECRET_KEY with HKDF.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Fernet tokens begin with the version byte 0x80, base64-encoded: "gAAAAA".
SEALED_PREFIX = "gAAAAA"
_PURPOSE = b"certification: two-factor secrets at rest"


class Unsealable(ValueError):
    """No configured key opens this value (the keys changed, or it was tampered with)."""


def derived_key(secret_key: str) -> bytes:
    """A Fernet key of its own for this purpose, derived from the app's SECRET_KEY."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE)
    return base64.urlsafe_b64encode(hkdf.derive(str(secret_key).encode()))


def keys_of(config: Mapping) -> list[bytes]:
    configured = [k.strip() for k in str(config.get("TWO_FACTOR_KEYS") or "").split(",")]
    keys = [k.encode() for k in configured if k]
    return keys or [derived_key(config["SECRET_KEY"])]


def _fernet(config: Mapping | None) -> MultiFernet:
    if config is None:
        from flask import current_app

        config = current_app.config
    return MultiFernet([Fernet(key) for key in keys_of(config)])


def seal(plain: str, config: Mapping | None = None) -> str:
    return _fernet(config).encrypt(plain.encode()).decode()


def unseal(sealed: str, config: Mapping | None = None) -> str:
    try:
        return _fernet(config).decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise Unsealable("no configured key opens this secret") from None


def is_sealed(value: str | None) -> bool:
    return bool(value) and value.startswith(SEALED_PREFIX)
